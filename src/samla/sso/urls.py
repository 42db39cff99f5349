from django.urls import path

from . import views

app_name = "sso"
urlpatterns = [
    path("orcid/login/", views.orcid_login, name="orcid_login"),
    path("orcid/callback/", views.orcid_callback, name="orcid_callback"),
    path("logout/", views.sign_out, name="logout"),
]

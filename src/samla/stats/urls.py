from django.urls import path

from . import views

app_name = "stats"
urlpatterns = [
    path("", views.top, name="top"),
    path("organisation/<int:organisation_id>", views.organisation_top, name="organisation"),
]

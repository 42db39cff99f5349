from django.urls import path

from . import views

app_name = "journals"
urlpatterns = [
    path("", views.journal_list, name="list"),
    path("<int:journal_id>", views.journal_detail, name="detail"),
]

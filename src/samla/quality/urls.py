from django.urls import path

from . import views

app_name = "quality"
urlpatterns = [
    path("", views.quality_overview, name="overview"),
    path("flags.csv", views.quality_csv, name="csv"),
]

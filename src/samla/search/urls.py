from django.urls import path

from . import views

app_name = "search"
urlpatterns = [
    path("", views.results, name="results"),
    path("advanced", views.advanced, name="advanced"),
    path("feed.atom", views.feed, name="feed"),
]

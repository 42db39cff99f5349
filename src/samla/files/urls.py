from django.urls import path

from . import views

app_name = "files"
urlpatterns = [
    path("record/<str:local_id>/file/<int:file_id>/<str:file_name>", views.download, name="download"),
]

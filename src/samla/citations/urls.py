from django.urls import path

from samla.records import urls as _records_urls  # noqa: F401  (registers the local_id converter)

from . import views

app_name = "citations"
urlpatterns = [
    path("record/<local_id:local_id>/cite", views.record_cite, name="record"),
    path("cite/styles", views.style_search, name="styles"),
]

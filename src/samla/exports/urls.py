from django.urls import path

from . import views

app_name = "exports"
urlpatterns = [
    path("record/<local_id:local_id>/export/<slug:format_name>", views.record_export, name="record"),
    path("person/<int:person_id>/export/<slug:format_name>", views.person_export, name="person"),
    path(
        "organisation/<int:organisation_id>/export/<slug:format_name>",
        views.organisation_export,
        name="organisation",
    ),
    path("journal/<int:journal_id>/export/<slug:format_name>", views.journal_export, name="journal"),
    path("search/export/<slug:format_name>", views.search_export, name="search"),
]

from django.urls import path

from . import views

app_name = "citations"
urlpatterns = [
    path("record/<local_id:local_id>/cite", views.record_cite, name="record"),
    path("person/<int:person_id>/cite", views.person_cite, name="person"),
    path("organisation/<int:organisation_id>/cite", views.organisation_cite, name="organisation"),
    path("journal/<int:journal_id>/cite", views.journal_cite, name="journal"),
    path("search/cite", views.search_cite, name="search"),
    path("cite/styles", views.style_search, name="styles"),
]

"""Records' own pages, mounted under /record/ with the record page by `samla.pages.urls`."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.record_list, name="list"),
    path("proposals/", views.proposal_list, name="proposals"),
    path("proposals/<int:proposal_id>/accept", views.decide_proposal, {"decision": "accept"}, name="accept"),
    path("proposals/<int:proposal_id>/reject", views.decide_proposal, {"decision": "reject"}, name="reject"),
    path("<local_id:local_id>/restore", views.restore, name="restore"),
    path("<local_id:local_id>/actions/<slug:action>", views.act, name="act"),
    path("<local_id:local_id>/history", views.history, name="history"),
    path("<local_id:local_id>/history/revert", views.revert, name="revert"),
]

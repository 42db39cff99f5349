"""Usage pages: the repository's and an organisation's most used publications."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from samla.core.views import actor_for

from .services import top_records

TOP = 20


def top(request: HttpRequest) -> HttpResponse:
    """/stats/: the most downloaded and the most viewed records of the repository."""
    return _render_top(request, organisation=None)


def organisation_top(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """/stats/organisation/<id>: the same for an organisation and every unit below it."""
    from samla.organisations.services import get_organisation_for

    organisation = get_organisation_for(actor_for(request), organisation_id)
    return _render_top(request, organisation=organisation)


def _render_top(request: HttpRequest, *, organisation) -> HttpResponse:
    actor = actor_for(request)
    pk = organisation.pk if organisation else None
    lists = [
        {"by": by, "title": title, "entries": top_records(actor, organisation_id=pk, by=by, limit=TOP)}
        for by, title in (("downloads", _("Most downloaded")), ("hits", _("Most viewed")))
    ]
    return render(request, "stats/top.html", {"lists": lists, "organisation": organisation})

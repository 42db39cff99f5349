from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from samla.core.views import actor_for, requested_page
from samla.search.views import embedded_search

from .services import get_organisation_for, list_organisations


def organisation_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    actor = actor_for(request)
    organisation = get_organisation_for(actor, organisation_id)
    context = {"organisation": organisation, **embedded_search(request, actor, organisation=organisation.pk)}
    return render(request, "organisations/organisation_detail.html", context)


def organisation_list(request: HttpRequest) -> HttpResponse:
    page = list_organisations(actor_for(request), top_level=True, page=requested_page(request), size=100)
    return render(request, "organisations/organisation_list.html", {"page": page})

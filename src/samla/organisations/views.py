from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from samla.core.views import actor_for, requested_page

from .services import get_organisation_for, list_organisations


def organisation_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_organisation_for(actor_for(request), organisation_id)
    return render(request, "organisations/organisation_detail.html", {"organisation": organisation})


def organisation_list(request: HttpRequest) -> HttpResponse:
    page = list_organisations(actor_for(request), top_level=True, page=requested_page(request), size=100)
    return render(request, "organisations/organisation_list.html", {"page": page})

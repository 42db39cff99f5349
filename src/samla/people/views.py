from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from samla.core.views import actor_for, requested_page

from .services import get_person_for, list_people


def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for(actor_for(request), person_id)
    return render(request, "people/person_detail.html", {"person": person})


def person_list(request: HttpRequest) -> HttpResponse:
    page = list_people(
        actor_for(request), name=request.GET.get("name", "")[:200], page=requested_page(request)
    )
    return render(request, "people/person_list.html", {"page": page})

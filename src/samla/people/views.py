from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from samla.core.views import actor_for, requested_page
from samla.search.views import embedded_search

from .services import get_person_for, list_people


def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = actor_for(request)
    person = get_person_for(actor, person_id)
    context = {"person": person, **embedded_search(request, actor, author=person.pk)}
    return render(request, "people/person_detail.html", context)


def person_list(request: HttpRequest) -> HttpResponse:
    page = list_people(
        actor_for(request), name=request.GET.get("name", "")[:200], page=requested_page(request)
    )
    return render(request, "people/person_list.html", {"page": page})

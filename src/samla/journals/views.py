from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from samla.core.views import actor_for, requested_page

from .services import get_journal_for, list_journals


def journal_detail(request: HttpRequest, journal_id: int) -> HttpResponse:
    journal = get_journal_for(actor_for(request), journal_id)
    return render(request, "journals/journal_detail.html", {"journal": journal})


def journal_list(request: HttpRequest) -> HttpResponse:
    page = list_journals(
        actor_for(request), title=request.GET.get("title", "")[:200], page=requested_page(request)
    )
    return render(request, "journals/journal_list.html", {"page": page})

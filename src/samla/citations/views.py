"""`/record/<id>/cite`: the bare bibliography entry; `/cite/styles`: the style search of "Other style"."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from samla.core.views import actor_for

from .forms import CiteQuery
from .services import cite_record, find_styles

PROCESSOR = (
    "citeproc-js 1.4.63 (CPAL-1.0 OR AGPL-1.0); styles and locales: Citation Style Language (CC BY-SA 3.0)"
)


@require_GET
def record_cite(request: HttpRequest, local_id: str) -> HttpResponse:
    """The record as one entry (?style=&locale=&format=): text/plain, an HTML fragment, text/asciidoc or
    application/rtf. An unknown style, locale or format is a 400 naming the closest ones."""
    query = CiteQuery.from_query(request.GET)
    citation = cite_record(
        actor_for(request), local_id=local_id, style=query.style, locale=query.locale, output=query.output
    )
    response = HttpResponse(citation.text, content_type=citation.content_type)
    response["X-Citation-Processor"] = PROCESSOR
    return response


@require_GET
def style_search(request: HttpRequest) -> JsonResponse:
    """Styles whose title or id holds every word of ?q= (at most 20): {"styles": [{"id", "title"}]}."""
    found = find_styles(request.GET.get("q", "")[:200])
    return JsonResponse({"styles": [{"id": style_id, "title": title} for style_id, title in found]})

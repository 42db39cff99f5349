"""`/record/<id>/cite`: the bare bibliography entry; `/person/<id>/cite` and the other lists: a
bibliography download, streamed; `/cite/styles`: the style search of "Other style"."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from samla.core.views import actor_for
from samla.search.presentation import request_data
from samla.search.services import parse_params

from .forms import PARAMETERS, CiteQuery
from .services import Bibliography, cite_list, cite_record, cite_search, find_styles

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
def person_cite(request: HttpRequest, person_id: int) -> StreamingHttpResponse:
    """Every visible record of the person as one bibliography file (?style=&locale=&format=)."""
    return _download(cite_list(actor_for(request), person_id=person_id, **_options(request)))


@require_GET
def organisation_cite(request: HttpRequest, organisation_id: int) -> StreamingHttpResponse:
    """Every visible record of the organisation and its units as one bibliography file."""
    return _download(cite_list(actor_for(request), organisation_id=organisation_id, **_options(request)))


@require_GET
def journal_cite(request: HttpRequest, journal_id: int) -> StreamingHttpResponse:
    """Every visible record of the journal or series as one bibliography file."""
    return _download(cite_list(actor_for(request), journal_id=journal_id, **_options(request)))


@require_GET
def search_cite(request: HttpRequest) -> StreamingHttpResponse:
    """Every result of a search (the search page's parameters plus the Cite box's) as one bibliography."""
    search = request.GET.copy()
    for name in PARAMETERS:
        search.pop(name, None)
    params = parse_params(request_data(search))
    return _download(cite_search(actor_for(request), params, **_options(request)))


@require_GET
def style_search(request: HttpRequest) -> JsonResponse:
    """Styles whose title or id holds every word of ?q= (at most 20): {"styles": [{"id", "title"}]}."""
    found = find_styles(request.GET.get("q", "")[:200])
    return JsonResponse({"styles": [{"id": style_id, "title": title} for style_id, title in found]})


def _options(request: HttpRequest) -> dict[str, str]:
    query = CiteQuery.from_query(request.GET)
    return {"style": query.style, "locale": query.locale, "output": query.output}


def _download(bibliography: Bibliography) -> StreamingHttpResponse:
    response = StreamingHttpResponse(bibliography.chunks, content_type=bibliography.content_type)
    response["Content-Disposition"] = f'attachment; filename="{bibliography.filename}"'
    response["X-Citation-Processor"] = PROCESSOR
    return response

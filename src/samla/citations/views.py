"""`/record/<id>/cite`: the bare bibliography entry; `/person/<id>/cite` and the other lists: a
bibliography download, streamed within SAMLA_CITE_MAX_RECORDS or prepared as a background job
(`samla.jobs.http`); `/cite/styles`: the style search of "Other style"."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_http_methods

from samla.core.views import actor_for
from samla.jobs.http import download_or_job

from .forms import CiteQuery
from .services import PROCESSOR, cite_record, find_styles


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


@require_http_methods(["GET", "HEAD", "POST"])
def person_cite(request: HttpRequest, person_id: int) -> HttpResponse:
    """Every visible record of the person as one bibliography file (?style=&locale=&format=)."""
    return download_or_job(request, kind="bibliography", scope="person", scope_id=person_id)


@require_http_methods(["GET", "HEAD", "POST"])
def organisation_cite(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """Every visible record of the organisation and its units as one bibliography file."""
    return download_or_job(request, kind="bibliography", scope="organisation", scope_id=organisation_id)


@require_http_methods(["GET", "HEAD", "POST"])
def journal_cite(request: HttpRequest, journal_id: int) -> HttpResponse:
    """Every visible record of the journal or series as one bibliography file."""
    return download_or_job(request, kind="bibliography", scope="journal", scope_id=journal_id)


@require_http_methods(["GET", "HEAD", "POST"])
def search_cite(request: HttpRequest) -> HttpResponse:
    """Every result of a search (the search page's parameters plus the Cite box's) as one bibliography.
    Over SAMLA_CITE_MAX_RECORDS it is refused (413) before anything streams; POST prepares it as a job."""
    return download_or_job(request, kind="bibliography", scope="search")


@require_GET
def style_search(request: HttpRequest) -> JsonResponse:
    """Styles whose title or id holds every word of ?q= (at most 20): {"styles": [{"id", "title"}]}."""
    found = find_styles(request.GET.get("q", "")[:200])
    return JsonResponse({"styles": [{"id": style_id, "title": title} for style_id, title in found]})

"""Record pages: fetch through the service, hand the loaded record to the template."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from samla.core.access import Actor
from samla.core.views import actor_for, requested_page
from samla.files.services import list_files_for
from samla.vocabularies.services import get_subject_category

from .presentation import RecordPage
from .services import get_record_for, list_records, load_record_parts, record_version


def record_detail(request: HttpRequest, local_id: str) -> HttpResponse:
    """The record page. Anonymous readers (most traffic, harvesters and crawlers) get a cached copy,
    keyed by the record's version and the language, so a change to the record shows at once; names of
    people, organisations and related records it shows are refreshed within RECORD_PAGE_CACHE_SECONDS."""
    actor = actor_for(request)
    record = get_record_for(actor, local_id, with_parts=False)
    if actor.role != "anonymous":
        return _render_record(request, actor, load_record_parts(record))
    key = f"record-page:{local_id}:{record_version(record)}:{get_language()}"
    body = cache.get(key)
    if body is None:
        response = _render_record(request, actor, load_record_parts(record))
        cache.set(key, response.content, settings.RECORD_PAGE_CACHE_SECONDS)
        return response
    return HttpResponse(body)


def _render_record(request: HttpRequest, actor: Actor, record) -> HttpResponse:
    """The page, with the record's files the actor may know of (one more query, see docs/architecture.md)."""
    context = {"record": record, "view": RecordPage(record), "files": list_files_for(actor, record)}
    return render(request, "records/record_detail.html", context)


def record_list(request: HttpRequest) -> HttpResponse:
    """All visible records, or those of one SSIF category (?subject=50202)."""
    code = request.GET.get("subject", "")
    subject = get_subject_category(code) if code else None
    page = list_records(actor_for(request), subject=code, page=requested_page(request), size=25)
    return render(request, "records/record_list.html", {"page": page, "subject": subject})

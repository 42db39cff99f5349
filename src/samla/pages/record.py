"""The record page: the record with its files, their usage, the Cite box and its machine-readable head, and
any export format or bibliography entry by Accept.

It shows what several apps above records hold (files, stats, exports, citations), so it is composed here,
in the pages layer that may see them all, not in records."""

import math
import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from samla.citations.negotiation import negotiates_record
from samla.core.access import Actor, can
from samla.core.errors import Gone
from samla.core.views import actor_for
from samla.files.services import list_files_for, next_embargo_end
from samla.records.presentation import RecordPage
from samla.records.services import (
    allowed_actions,
    get_record_for,
    get_record_head_for,
    get_tombstone_for,
    record_version,
)
from samla.stats.edge import count_investigation
from samla.stats.services import usage_for_record

from .machine_readable import MachineReadable


@negotiates_record  # Accept: an export format or text/x-bibliography answers that instead
def record_detail(request: HttpRequest, local_id: str) -> HttpResponse:
    """The record page. Anonymous readers (most traffic, harvesters and crawlers) get a cached copy,
    checked against the record's version with one small query, so a change to the record shows at once;
    names of people, organisations and related records it shows are refreshed within
    RECORD_PAGE_CACHE_SECONDS. Its usage counts are read for each request (a query only when the record
    has usage), so a download shows at once. A page asked for with parameters (?style=… for the Cite
    box, or any other) is neither taken from the cache nor put in it: the page links back to the address
    as asked (the language switch), and a cached copy of one asked as /record/…?q=x sent everybody's
    switch there. A withdrawn record answers 410 with its tombstone."""
    try:
        return _record_page(request, local_id)
    except Gone as gone:
        return tombstone(request, local_id, gone.message)


def _record_page(request: HttpRequest, local_id: str) -> HttpResponse:
    actor = actor_for(request)
    cacheable = actor.role == "anonymous" and not request.GET
    key = f"record-page:{local_id}:{get_language()}"
    cached = cache.get(key) if cacheable else None
    if cached is not None:
        head = get_record_head_for(actor, local_id)
        version, body, links = cached
        if version == record_version(head):
            count_investigation(request, head, actor)
            response = HttpResponse(_with_current_usage(request, body, usage_for_record(actor, head)))
            response["Link"] = links
            return response
    record = get_record_for(actor, local_id)
    count_investigation(request, record, actor)
    files = list_files_for(actor, record)  # a query only when it has files
    response = _render_record(request, actor, record, files)
    if cacheable:
        cache.set(key, (record_version(record), response.content, response["Link"]), _cache_seconds(files))
    return response


# Where the record page holds its counts (records/record_detail.html, files/_fulltext.html).
USAGE_BLOCK = re.compile(rb"<!--usage-->.*?<!--/usage-->", re.DOTALL)
FILE_DOWNLOADS = re.compile(rb"<!--downloads:(\d+)-->\d+<!--/downloads-->")


def _with_current_usage(request: HttpRequest, body: bytes, usage) -> bytes:
    """A cached page with today's counts: the usage block rendered again, each file's downloads put in."""
    block = render_to_string("stats/_record_usage.html", {"usage": usage}, request).encode()
    body = USAGE_BLOCK.sub(lambda _m: b"<!--usage-->" + block + b"<!--/usage-->", body, count=1)
    return FILE_DOWNLOADS.sub(
        lambda m: b"<!--downloads:%s-->%d<!--/downloads-->" % (m[1], usage.file_downloads.get(int(m[1]), 0)),
        body,
    )


def _cache_seconds(files: list) -> int:
    """RECORD_PAGE_CACHE_SECONDS, but no later than the end of an embargo on the page: the record's
    version does not change when an embargo ends, and the copy would hide the file from machines
    (`citation_pdf_url`, Signposting `item`) until it expired."""
    seconds = settings.RECORD_PAGE_CACHE_SECONDS
    if (ends := next_embargo_end(files)) is not None:
        seconds = min(seconds, math.ceil((ends - timezone.now()).total_seconds()))
    return seconds


def _render_record(request: HttpRequest, actor: Actor, record, files: list) -> HttpResponse:
    """The page, with the record's files the actor may know of, its machine-readable head, and FAIR
    Signposting in the Link header."""
    view = RecordPage(record)
    machine = MachineReadable(record, files, direct_link=view.direct_link, permanent_link=view.permanent_link)
    usage = usage_for_record(actor, record, files=files)  # the plot and each file's downloads
    context = {
        "record": record,
        "view": view,
        "files": files,
        "machine": machine,
        "usage": usage,
        "may_restore": record.state == "withdrawn" and can(actor, "record.restore", record),
        "may_see_history": can(actor, "record.history", record),
        # The review actions the signed-in actor may take now (anonymous pages are cached: none there);
        # restoring has its form in the withdrawn notice.
        "review_actions": [a for a in allowed_actions(actor, record) if a != "restore"]
        if actor.user_id is not None
        else [],
    }
    # Curators see what the sources gave that could not be used (kept aside, never shown as valid).
    context["quality_flags"] = record.quality_flags if can(actor, "quality.review") else []
    response = render(request, "records/record_detail.html", context)
    response["Link"] = machine.link_header()
    return response


def tombstone(request: HttpRequest, local_id: str, message: str) -> HttpResponse:
    """A withdrawn record's page for readers: 410, the reason (in `message`), and the record's citation,
    so what cites it still says what was here."""
    record = get_tombstone_for(actor_for(request), local_id)
    return render(request, "records/tombstone.html", {"record": record, "message": message}, status=410)

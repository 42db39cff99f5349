"""The data-quality page for curators: flags by kind and organisation, filtered, and their CSV export."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from samla.core.views import actor_for, requested_page

from .services import QualityFilter, list_flags, review_quality, review_waiting

CSV_COLUMNS = (
    "record", "title", "state", "field", "kind", "scheme", "value", "kept", "message", "organisations", "url",
)  # fmt: skip


def quality_overview(request: HttpRequest) -> HttpResponse:
    """/quality/: the counts by kind and by organisation, a page of the flags the filters select, and what
    else waits (records Swepub would refuse, proposed changes)."""
    actor, filters = actor_for(request), _filters(request)
    report = review_quality(actor, filters=filters, page=requested_page(request))
    context = {
        "report": report,
        "waiting": review_waiting(actor),
        "filters": filters,
        "query": _query(filters),
    }
    return render(request, "quality/overview.html", context)


def quality_csv(request: HttpRequest) -> StreamingHttpResponse:
    """/quality/flags.csv: every flag the filters select, one a row."""
    rows = list_flags(actor_for(request), filters=_filters(request))
    response = StreamingHttpResponse(_csv_lines(request, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="quality-flags.csv"'
    return response


def _filters(request: HttpRequest) -> QualityFilter:
    return QualityFilter(
        kind=request.GET.get("kind", "")[:60],
        organisation=request.GET.get("organisation", "")[:20],
        text=request.GET.get("q", "").strip()[:200],
    )


def _query(filters: QualityFilter) -> str:
    """The filters as a query string (without the page), for the CSV link and the page links."""
    given = {"kind": filters.kind, "organisation": filters.organisation, "q": filters.text}
    return urlencode({key: value for key, value in given.items() if value})


class _Echo:
    """A file that hands back what is written, for csv.writer to stream through."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(request: HttpRequest, rows) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for row in rows:
        url = request.build_absolute_uri(reverse("records:detail", args=[row.local_id]))
        yield writer.writerow(
            (
                row.local_id, row.title, row.state, row.field, row.kind, row.scheme, row.value, row.kept,
                row.message, "; ".join(row.organisations), url,
            )
        )  # fmt: skip

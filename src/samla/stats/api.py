"""REST routes for usage statistics, mounted at /api/stats."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Router

from samla.core.api_schemas import ErrorOut
from samla.core.views import actor_for
from samla.files.services import list_files_for
from samla.records.services import get_record_for

from .schemas import FileUsageOut, MonthUsageOut, RecordUsageOut, TopRecordOut, month_label
from .services import top_records, usage_for_record

router = Router(tags=["statistics"])


@router.get(
    "/records/{local_id}",
    response={200: RecordUsageOut, 400: ErrorOut, 404: ErrorOut, 410: ErrorOut},
    url_name="stats_record",
    auth=None,
)
def record_usage(request: HttpRequest, local_id: str):
    """A record's COUNTER R5 metrics, in total and per month, and each listed file's downloads."""
    actor = actor_for(request)
    record = get_record_for(actor, local_id, with_parts=False)
    files = list_files_for(actor, record)
    usage = usage_for_record(actor, record, files=files)
    return RecordUsageOut(
        record=record.local_id,
        total_item_investigations=usage.total_investigations,
        unique_item_investigations=usage.unique_investigations,
        total_item_requests=usage.total_requests,
        unique_item_requests=usage.unique_requests,
        months=[
            MonthUsageOut(month=month_label(m.month), downloads=m.downloads, hits=m.hits)
            for m in usage.months
        ],
        files=[FileUsageOut(id=f.pk, file_name=f.file_name, downloads=f.download_count) for f in files],
    )


@router.get(
    "/top", response={200: list[TopRecordOut], 400: ErrorOut, 404: ErrorOut}, url_name="stats_top", auth=None
)
def top(
    request: HttpRequest,
    by: Literal["downloads", "hits"] = "downloads",
    organisation: int | None = None,
    limit: int = 10,
):
    """The most downloaded (or viewed) records, of the repository or of an organisation and its units."""
    limit = max(1, min(limit, 100))
    entries = top_records(actor_for(request), organisation_id=organisation, by=by, limit=limit)
    return [
        TopRecordOut(
            record=e.record.local_id,
            title=e.record.full_title,
            url=e.record.get_absolute_url(),
            downloads=e.downloads,
            hits=e.hits,
        )
        for e in entries
    ]

"""A list export as a download (`jobs.downloads`): streamed within a request's limits, or made by a job.

Registered as the kind "export" by `ExportsConfig.ready`.
"""

from __future__ import annotations

from django.http import QueryDict

from samla.core.access import Actor
from samla.core.limits import Limit
from samla.jobs.downloads import Download, DownloadSpec, Progress, counted
from samla.search.presentation import request_data
from samla.search.services import every_result, parse_params

from .framing import frame_texts
from .registry import get_format
from .services import export_texts, heads_for_export, select_records


def export_download(
    actor: Actor, spec: DownloadSpec, query: QueryDict, limit: Limit, progress: Progress | None
) -> Download:
    """Every record of the spec's list in its export format, counted and checked against `limit` first."""
    fmt = get_format(spec.format)
    if spec.scope == "search":
        results = every_result(actor, parse_params(request_data(query)))
        total, name = results.total, "search"
        limit.check(total)
        heads = heads_for_export(actor, (record.local_id for record in results))
    else:
        selection = select_records(actor, **{f"{spec.scope}_id": spec.scope_id})
        total, name = selection.queryset.count(), selection.name
        limit.check(total)
        heads = selection.heads()
    texts = export_texts(fmt, heads)
    return Download(
        chunks=frame_texts(fmt, counted(texts, progress) if progress else texts),
        filename=f"{name}.{fmt.extension}",
        content_type=fmt.content_type,
        total=total,
    )

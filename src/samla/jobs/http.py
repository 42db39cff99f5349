"""A list download at the HTTP edge: streamed within the request's limits, or started as a background job.

GET counts the list first: within SAMLA_STREAM_MAX_RECORDS (exports) or SAMLA_CITE_MAX_RECORDS
(bibliographies) it streams, cut at SAMLA_STREAM_SECONDS; over it the answer is a 413 naming the limit
before anything streams, and its page offers a button that POSTs the same address, which starts the job and
redirects to the job's page.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils.translation import get_language

from samla.core.limits import cite_limit, stream_limit, within_time
from samla.core.views import actor_for

from .downloads import DownloadSpec, prepare
from .services import start_job


def download_or_job(
    request: HttpRequest, *, kind: str, scope: str, scope_id: int | None = None, format_name: str = ""
) -> HttpResponse:
    """The list download of the request: streamed (GET, HEAD) or queued as a job (POST)."""
    spec = DownloadSpec(
        kind=kind,
        scope=scope,
        scope_id=scope_id,
        format=format_name,
        query=request.GET.urlencode(),
        language=get_language() or settings.LANGUAGE_CODE,
    )
    actor = actor_for(request)
    if request.method == "POST":
        job = start_job(actor, spec, session_key=session_key(request))
        return redirect("jobs:detail", job_id=job.pk)
    download = prepare(actor, spec, limit=cite_limit() if kind == "bibliography" else stream_limit())
    chunks = within_time(download.chunks, seconds=settings.STREAM_SECONDS, what=request.path)
    response = StreamingHttpResponse(chunks, content_type=download.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    for name, value in download.headers.items():
        response[name] = value
    return response


def session_key(request: HttpRequest) -> str:
    """The session's key, starting a session for an anonymous reader who has none (their jobs are theirs)."""
    if not request.session.session_key:
        request.session.create()
    return request.session.session_key or ""

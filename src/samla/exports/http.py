"""Export responses at the HTTP edge, shared by the export pages and the REST API's content negotiation.

Writers return items; here they become an `HttpResponse` (one record) or the format the Accept header
asks for. Lists are streamed by `samla.jobs.http`, within the request's limits.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from samla.records.models import Record

from .documents import render_record
from .registry import Format, format_for_media_type, formats


def negotiate(request: HttpRequest, *, default: str) -> Format | None:
    """The export format the request's Accept header asks for; None when it prefers `default` (the
    caller's own representation, e.g. application/json). NotAcceptable (406) when it accepts neither."""
    return format_for_media_type(request.headers.get("Accept", ""), default=default)


def record_response(fmt: Format, record: Record, *, filename: str = "") -> HttpResponse:
    """The record in `fmt`: an attachment called `filename`, or inline (content negotiation) without one."""
    response = HttpResponse(render_record(fmt, record), content_type=fmt.content_type)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    else:
        patch_vary_headers(response, ["Accept"])
    return response


def openapi_content() -> dict:
    """The export media types as OpenAPI response content, for a route that negotiates them."""
    return {fmt.media_type: {"schema": {"type": "string"}, "x-samla-format": fmt.name} for fmt in formats()}

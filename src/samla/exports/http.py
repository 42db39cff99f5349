"""Export responses at the HTTP edge, and the one content negotiation of the record URL and the API.

Writers return items; here they become an `HttpResponse` (one record) or the representation the Accept
header asks for, chosen from Django's `request.accepted_types` (RFC 9110 §12.5.1). Lists are streamed by
`samla.jobs.http`, within the request's limits.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpRequest, HttpResponse
from django.http.request import MediaType
from django.utils.cache import patch_vary_headers

from samla.records.models import Record

from .errors import NotAcceptable
from .framing import render_record
from .registry import Format, formats, media_types


def preferred_type(request: HttpRequest, offered: Sequence[str], *, default: str) -> MediaType | None:
    """The range of the Accept header that asks for one of `offered` (bare type/subtype), with its
    parameters (`text/x-bibliography; style=ieee`); None when the header prefers `default`, the caller's
    own representation (the page, or JSON).

    An offered type counts only when the header names it: wildcards (`*/*`, a browser's `*/*;q=0.8`) ask
    for the default, so a format never surprises a client that did not name it. The highest q wins; on a
    tie the default does, then the type named first. A missing or empty header is `*/*`. NotAcceptable
    (406) when the header accepts neither the default nor anything offered.
    """
    if not request.headers.get("Accept", "").strip():
        return None
    named = next((a for a in request.accepted_types if a.specificity >= 2 and bare_type(a) in offered), None)
    fallback = request.accepted_type(default)
    if named is not None and (fallback is None or named.quality > fallback.quality):
        return named
    if fallback is not None:
        return None
    available = [default, *offered]
    raise NotAcceptable(
        f"None of the requested media types is available. Available: {', '.join(available)}.",
        acceptable=available,
    )


def negotiate(request: HttpRequest, *, default: str, also: Sequence[str] = ()) -> MediaType | None:
    """`preferred_type` among every export format's media types and `also` (the caller's other
    representations, such as text/x-bibliography)."""
    return preferred_type(request, [*also, *media_types()], default=default)


def bare_type(media_type: MediaType) -> str:
    """ "text/x-bibliography" of `text/x-bibliography; style=apa`."""
    return f"{media_type.main_type}/{media_type.sub_type}"


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

"""The record's other representations (every export format, the bibliography entry), which the REST route
`GET /api/records/{id}` answers when Accept asks for one.

Exports and citations are layers above records, so records reaches them through what is registered here at
start: `CitationsConfig.ready` registers its negotiation (`citations.negotiation.record_representation`)
and the media types it offers. With none registered the route answers JSON only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class Representations:
    """`answer(request, local_id, default=…)`: the representation Accept asks for, or None when it prefers
    `default`; `openapi_content()`: the media types offered, as OpenAPI response content."""

    answer: Callable[..., HttpResponse | None]
    openapi_content: Callable[[], dict]


_registered: Representations | None = None


def register_representations(representations: Representations) -> None:
    """Called once, by the citations app's `ready`."""
    global _registered
    _registered = representations


def record_representation(request: HttpRequest, local_id: str, *, default: str) -> HttpResponse | None:
    """The record as Accept asks for it, or None for the caller's own `default` representation."""
    if _registered is None:
        return None
    return _registered.answer(request, local_id, default=default)


def openapi_content() -> dict:
    """The media types `record_representation` answers, for the route's OpenAPI document."""
    return _registered.openapi_content() if _registered is not None else {}

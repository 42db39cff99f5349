"""REST routes for citations, mounted under /api/records: one record as a bibliography entry."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from ninja import Query, Router, Schema

from samla.core.api_schemas import ErrorOut
from samla.core.views import actor_for
from samla.exports.http import bare_type, preferred_type

from .negotiation import BIBLIOGRAPHY, DEFAULT_LOCALE, DEFAULT_STYLE
from .services import PROCESSOR, Citation, cite_record

router = Router(tags=["citations"])


class CiteParams(Schema):
    style: str = DEFAULT_STYLE
    locale: str = DEFAULT_LOCALE
    format: str = "text"


class CitationOut(Schema):
    local_id: str
    style: str
    style_title: str
    locale: str
    format: str
    media_type: str
    text: str
    processor: str


@router.get(
    "/{local_id}/cite",
    response={200: CitationOut, 400: ErrorOut, 404: ErrorOut, 406: ErrorOut, 503: ErrorOut},
    summary="Cite one record",
    description=(
        "The record as one bibliography entry in any CSL style, locale and format (docs/citations.md): "
        "JSON, or the bare entry when Accept prefers text/x-bibliography or the format's own media type."
    ),
    openapi_extra={"responses": {200: {"content": {BIBLIOGRAPHY: {"schema": {"type": "string"}}}}}},
    auth=None,
)
def cite(request: HttpRequest, local_id: str, params: Query[CiteParams], response: HttpResponse):
    citation = cite_record(
        actor_for(request), local_id=local_id, style=params.style, locale=params.locale, output=params.format
    )
    patch_vary_headers(response, ["Accept"])
    bare = _bare_media_type(request, citation)
    if bare:
        entry = HttpResponse(citation.text, content_type=f"{bare}; charset=utf-8")
        entry["X-Citation-Processor"] = PROCESSOR
        patch_vary_headers(entry, ["Accept"])
        return entry
    return CitationOut(
        local_id=citation.local_id,
        style=citation.style.id,
        style_title=citation.style.title,
        locale=citation.locale,
        format=citation.output,
        media_type=citation.media_type,
        text=citation.text,
        processor=PROCESSOR,
    )


def _bare_media_type(request: HttpRequest, citation: Citation) -> str:
    """The media type to answer the bare entry with, or "" for JSON (the default)."""
    wanted = preferred_type(request, [BIBLIOGRAPHY, citation.media_type], default="application/json")
    return bare_type(wanted) if wanted is not None else ""

"""Content negotiation on the record URL, as doi.org and crosscite answer it.

`/record/<id>` and `/api/records/<id>` answer every export format by its media type (`Accept:
application/x-bibtex`, `application/ld+json`…, docs/formats.md) and the record's bibliography entry as
plain text for `Accept: text/x-bibliography; style=apa; locale=sv-SE`; the style and locale ride as
parameters of the media range (default APA, en-US, as at doi.org). The page (JSON in the API) stays the
default: another representation is served only when the header names it and prefers it to the default
(a browser's `*/*` never does). One negotiation, `exports.http.negotiate`, picks among them all.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.http.request import MediaType
from django.utils.cache import patch_vary_headers

from samla.core.views import actor_for
from samla.exports.http import bare_type, negotiate, record_response
from samla.exports.registry import format_for_media_type
from samla.records.services import get_record_for

from .services import cite_record

BIBLIOGRAPHY = "text/x-bibliography"
DEFAULT_STYLE = "apa"
DEFAULT_LOCALE = "en-US"


@dataclass(frozen=True)
class BibliographyRequest:
    """What a text/x-bibliography media range asks for."""

    style: str = DEFAULT_STYLE
    locale: str = DEFAULT_LOCALE


def bibliography_request(media_range: MediaType, query: Mapping[str, str]) -> BibliographyRequest:
    """Style and locale from the media range's parameters, else from `query` (InvenioRDM's
    `?style=&locale=` on its API), else APA and en-US."""
    params = media_range.range_params
    return BibliographyRequest(
        style=params.get("style") or query.get("style") or DEFAULT_STYLE,
        locale=params.get("locale") or query.get("locale") or DEFAULT_LOCALE,
    )


def negotiates_record(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap the record page: answer the representation Accept asks for, else the page; either way
    `Vary: Accept`, so no cache hands the one to a reader asking for the other."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, local_id: str, *args, **kwargs) -> HttpResponse:
        response = record_representation(request, local_id, default="text/html")
        if response is None:
            response = view(request, local_id, *args, **kwargs)
        patch_vary_headers(response, ["Accept"])
        return response

    return wrapper


def record_representation(request: HttpRequest, local_id: str, *, default: str) -> HttpResponse | None:
    """The record in the export format or as the bibliography entry the Accept header asks for; None
    when it prefers `default`, the caller's own representation. NotAcceptable (406) when it accepts
    nothing offered; NotFound as for the page."""
    wanted = negotiate(request, default=default, also=(BIBLIOGRAPHY,))
    if wanted is None:
        return None
    if bare_type(wanted) == BIBLIOGRAPHY:
        return bibliography_response(request, local_id, bibliography_request(wanted, request.GET))
    record = get_record_for(actor_for(request), local_id)
    return record_response(format_for_media_type(bare_type(wanted)), record)


def bibliography_response(request: HttpRequest, local_id: str, wanted: BibliographyRequest) -> HttpResponse:
    """The record's entry as text/x-bibliography; unknown style or locale is a 400 naming the closest."""
    citation = cite_record(
        actor_for(request), local_id=local_id, style=wanted.style, locale=wanted.locale, output="text"
    )
    response = HttpResponse(citation.text + "\n", content_type=f"{BIBLIOGRAPHY}; charset=utf-8")
    patch_vary_headers(response, ["Accept"])
    return response

"""Content negotiation of a bibliography entry on the record URL, as doi.org and crosscite answer it.

`Accept: text/x-bibliography; style=apa; locale=sv-SE` on `/record/<id>` answers the record's entry as
plain text (`text/x-bibliography`); the style and locale ride as parameters of the media range (default
APA, en-US, as at doi.org). The HTML page stays the default: the entry is served only when the header
names text/x-bibliography explicitly and prefers it to text/html (a browser's `*/*` never does).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from samla.core.views import actor_for

from .services import cite_record

BIBLIOGRAPHY = "text/x-bibliography"
DEFAULT_STYLE = "apa"
DEFAULT_LOCALE = "en-US"


@dataclass(frozen=True)
class BibliographyRequest:
    """What a text/x-bibliography media range asks for."""

    style: str = DEFAULT_STYLE
    locale: str = DEFAULT_LOCALE


def bibliography_request(
    accept: str, *, default: str = "text/html", query: Mapping[str, str] | None = None
) -> BibliographyRequest | None:
    """The entry an Accept header asks for, or None when it prefers (or ties with) `default`, the
    caller's own representation. Style and locale come from the media range's parameters, else from
    `query` (InvenioRDM's `?style=&locale=` on its API), else APA and en-US."""
    params = preferred_params(accept, BIBLIOGRAPHY, over=default)
    if params is None:
        return None
    query = query or {}
    return BibliographyRequest(
        style=params.get("style") or query.get("style") or DEFAULT_STYLE,
        locale=params.get("locale") or query.get("locale") or DEFAULT_LOCALE,
    )


def preferred_params(accept: str, media_type: str, *, over: str) -> dict[str, str] | None:
    """The parameters of `media_type`'s range when the Accept header names it explicitly with a higher
    q than `over` gets from its most specific matching range (`over`, `type/*`, `*/*`); else None."""
    wanted: tuple[float, dict[str, str]] | None = None
    main = over.split("/", 1)[0]
    specificity_of = {over: 2, f"{main}/*": 1, "*/*": 0}
    over_q, over_specificity = 0.0, -1
    for named, q, params in _media_ranges(accept):
        if named == media_type and (wanted is None or q > wanted[0]):
            wanted = (q, params)
        specificity = specificity_of.get(named, -1)
        if specificity > over_specificity:
            over_q, over_specificity = q, specificity
    if wanted is None or wanted[0] <= over_q:
        return None
    return wanted[1]


def negotiates_citation(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap the record page: answer text/x-bibliography when Accept asks for it, else the page; either
    way `Vary: Accept`, so no cache hands the one to a reader asking for the other."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, local_id: str, *args, **kwargs) -> HttpResponse:
        wanted = bibliography_request(request.headers.get("Accept", ""), query=request.GET)
        if wanted is None:
            response = view(request, local_id, *args, **kwargs)
        else:
            response = bibliography_response(request, local_id, wanted)
        patch_vary_headers(response, ["Accept"])
        return response

    return wrapper


def bibliography_response(request: HttpRequest, local_id: str, wanted: BibliographyRequest) -> HttpResponse:
    """The record's entry as text/x-bibliography; unknown style or locale is a 400 naming the closest."""
    citation = cite_record(
        actor_for(request), local_id=local_id, style=wanted.style, locale=wanted.locale, output="text"
    )
    response = HttpResponse(citation.text + "\n", content_type=f"{BIBLIOGRAPHY}; charset=utf-8")
    patch_vary_headers(response, ["Accept"])
    return response


def _media_ranges(accept: str) -> list[tuple[str, float, dict[str, str]]]:
    """(media type, q, other parameters) of each range of an Accept header; a missing header is */*."""
    ranges = []
    for part in (accept or "*/*").split(","):
        media_type, *raw_params = (piece.strip() for piece in part.split(";"))
        if "/" not in media_type:
            continue
        params = {}
        for raw in raw_params:
            name, _, value = raw.partition("=")
            params[name.strip().lower()] = value.strip().strip('"')
        try:
            q = max(0.0, min(1.0, float(params.pop("q", "1"))))
        except ValueError:
            q = 0.0
        ranges.append((media_type.lower(), q, params))
    return ranges

"""/robots.txt, and the sitemap: an index (/sitemap.xml) of pages of at most 50,000 URLs each
(/sitemap-records-<n>.xml, /sitemap-files-<n>.xml), per the sitemaps.org protocol."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from . import services

XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
MAX_AGE = 3600
# Search result and facet pages are endless combinations of the same records; the sitemap lists those.
DISALLOWED = ("/admin/", "/api/", "/search/")


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), ""]
    lines.append(f"Sitemap: {settings.BASE_URL}{reverse('sitemaps:index')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def sitemap_index(request: HttpRequest) -> HttpResponse:
    pages = [
        reverse("sitemaps:page", args=[section, number])
        for section, count in services.page_counts().items()
        for number in range(1, count + 1)
    ]
    body = "".join(f"<sitemap><loc>{escape(settings.BASE_URL + path)}</loc></sitemap>\n" for path in pages)
    return _xml(f'{XML_HEAD}<sitemapindex xmlns="{NAMESPACE}">\n{body}</sitemapindex>\n')


@require_safe
def sitemap_page(request: HttpRequest, section: str, number: int) -> StreamingHttpResponse:
    known = section in services.SECTIONS and number >= 1
    entries = services.sitemap_page(section, number) if known else []
    if not entries:
        raise Http404("No such sitemap page.")
    response = StreamingHttpResponse(_urlset(entries), content_type="application/xml; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


def _urlset(entries: Iterable[services.SitemapEntry]) -> Iterator[str]:
    yield f'{XML_HEAD}<urlset xmlns="{NAMESPACE}">\n'
    for entry in entries:
        loc = escape(settings.BASE_URL + entry.path)
        yield f"<url><loc>{loc}</loc><lastmod>{_w3c(entry.lastmod)}</lastmod></url>\n"
    yield "</urlset>\n"


def _w3c(value: dt.date | dt.datetime) -> str:
    """A W3C datetime: the date, or the time in UTC to the second."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def _xml(text: str) -> HttpResponse:
    response = HttpResponse(text, content_type="application/xml; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response

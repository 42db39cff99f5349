"""What the sitemap lists: the pages of published records and the files anyone may download.

A sitemap is public whoever asks for it, so everything here is read as the anonymous reader: drafts and
withdrawn records are left out, and so are embargoed (until their date), restricted and archive files
(`files.services.downloadable_by_anyone`), as Google Scholar asks of a repository's sitemap.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from samla.core.access import Actor
from samla.core.pagination import MAX_KEY
from samla.files.services import count_public_files, list_public_files
from samla.records.models import Record
from samla.records.permissions import visible_records

# The sitemaps.org protocol's limit of URLs in one sitemap file.
PAGE_SIZE = 50_000
SECTIONS = ("records", "files")


@dataclass(frozen=True)
class SitemapEntry:
    path: str
    lastmod: dt.date | dt.datetime


def page_counts(*, page_size: int = PAGE_SIZE) -> dict[str, int]:
    """{section: number of sitemap pages}; an empty section has none."""
    totals = {"records": _public_records().count(), "files": count_public_files()}
    return {section: math.ceil(total / page_size) for section, total in totals.items()}


def sitemap_page(section: str, number: int, *, page_size: int = PAGE_SIZE) -> list[SitemapEntry]:
    """Page `number` (from 1) of a section, in a stable order (by id), so pages do not shift as records
    are added; an empty list for a page past the end."""
    offset = (number - 1) * page_size
    if offset > MAX_KEY:  # past the end of any table, and more than the database takes as an offset
        return []
    if section == "records":
        rows = _public_records().order_by("pk").values_list("local_id", "datestamp")
        return [
            SitemapEntry(Record(local_id=local_id).get_absolute_url(), datestamp)
            for local_id, datestamp in rows[offset : offset + page_size]
        ]
    return [
        SitemapEntry(f.path, f.available_since) for f in list_public_files(offset=offset, limit=page_size)
    ]


def _public_records():
    return Record.objects.filter(visible_records(Actor.anonymous()))

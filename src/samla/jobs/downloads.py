"""What a list download is, and how it is made, the same way for a request and for a background job.

A `DownloadSpec` names one list answer: an export or a bibliography of a search, a person, an
organisation or a journal, with the request's query string (search parameters, citation options) and
language. `prepare` counts its records, refuses it over the limit given (TooLarge, 413) and only then
returns the chunks, which are written as they are read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field

from django.http import QueryDict
from django.utils import translation

from samla.citations.forms import PARAMETERS, CiteQuery
from samla.citations.services import PROCESSOR, cite_list, cite_search
from samla.core.access import Actor
from samla.core.limits import Limit
from samla.exports.framing import frame_texts
from samla.exports.registry import get_format
from samla.exports.services import export_texts, heads_for_export, select_records
from samla.search.presentation import request_data
from samla.search.services import every_result, parse_params

KINDS = ("export", "bibliography")
SCOPES = ("search", "person", "organisation", "journal")
Progress = Callable[[int], None]


@dataclass(frozen=True)
class DownloadSpec:
    """One list answer, as JSON-able values: what a job keeps to make it later."""

    kind: str  # "export" or "bibliography"
    scope: str  # "search", "person", "organisation" or "journal"
    scope_id: int | None = None
    format: str = ""  # the export format's name (kind "export")
    query: str = ""  # the request's query string
    language: str = "en"  # the page's language (a bibliography's default locale)

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> DownloadSpec:
        return cls(**data)


@dataclass(frozen=True)
class Download:
    """The chunks of one file, its name and type, and how many records it lists."""

    chunks: Iterator[str]
    filename: str
    content_type: str
    total: int
    headers: dict[str, str] = field(default_factory=dict)


def prepare(actor: Actor, spec: DownloadSpec, *, limit: Limit, progress: Progress | None = None) -> Download:
    """The download `spec` names, as `actor` may see it. Everything is checked before the first chunk:
    an unknown format or option and bad search parameters (400), a missing list (404), more records than
    `limit` (413). `progress` is told how many records have been written as the chunks are read."""
    with translation.override(spec.language):
        query = QueryDict(spec.query)
        if spec.kind == "bibliography":
            return _bibliography(actor, spec, query, limit, progress)
        return _export(actor, spec, query, limit, progress)


def _export(actor: Actor, spec: DownloadSpec, query: QueryDict, limit: Limit, progress: Progress | None):
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
        chunks=frame_texts(fmt, _counted(texts, progress) if progress else texts),
        filename=f"{name}.{fmt.extension}",
        content_type=fmt.content_type,
        total=total,
    )


def _bibliography(
    actor: Actor, spec: DownloadSpec, query: QueryDict, limit: Limit, progress: Progress | None
) -> Download:
    cite = CiteQuery.from_query(query)
    options = {"style": cite.style, "locale": cite.locale, "output": cite.output}
    if spec.scope == "search":
        search = query.copy()
        for name in PARAMETERS:
            search.pop(name, None)
        params = parse_params(request_data(search))
        found = cite_search(actor, params, **options, limit=limit, progress=progress)
    else:
        found = cite_list(
            actor, **{f"{spec.scope}_id": spec.scope_id}, **options, limit=limit, progress=progress
        )
    return Download(
        chunks=found.chunks,
        filename=found.filename,
        content_type=found.content_type,
        total=found.total,
        headers={"X-Citation-Processor": PROCESSOR},
    )


def _counted(texts: Iterable[str], progress: Progress) -> Iterator[str]:
    for count, text in enumerate(texts, 1):
        yield text
        progress(count)

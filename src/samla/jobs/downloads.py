"""What a list download is, and how it is made, the same way for a request and for a background job.

A `DownloadSpec` names one list answer: an export or a bibliography of a search, a person, an
organisation or a journal, with the request's query string (search parameters, citation options) and
language. `prepare` counts its records, refuses it over the limit given (TooLarge, 413) and only then
returns the chunks, which are written as they are read.

Each kind of list answer is made by the app that writes it: exports and citations register theirs at
start (`register_kind`, from their `ready`). They are layers above jobs, whose downloads their pages
offer, so jobs imports neither.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field

from django.http import QueryDict
from django.utils import translation
from django.utils.translation import gettext

from samla.core.access import Actor
from samla.core.errors import NotFound
from samla.core.limits import Limit

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
    make = _MAKERS.get(spec.kind)
    if make is None:
        raise NotFound(gettext("There is no such list to prepare."))
    with translation.override(spec.language):
        return make(actor, spec, QueryDict(spec.query), limit, progress)


# How a kind of list answer is made: from the spec, its query string, the limit and the progress callback.
Maker = Callable[[Actor, DownloadSpec, QueryDict, Limit, Progress | None], Download]
_MAKERS: dict[str, Maker] = {}


def register_kind(kind: str, make: Maker) -> None:
    """Called once per kind ("export", "bibliography") by the app that writes it, from its `ready`."""
    _MAKERS[kind] = make


def kinds() -> tuple[str, ...]:
    """The kinds of list answer registered."""
    return tuple(_MAKERS)


def counted(texts: Iterable[str], progress: Progress) -> Iterator[str]:
    """The texts, telling `progress` how many have been written as they are read."""
    for count, text in enumerate(texts, 1):
        yield text
        progress(count)

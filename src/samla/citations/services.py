"""Citing records: one record as a bibliography entry in any CSL style, locale and output format.

`cite_record` is what the Cite box, `/record/<id>/cite` and the API call; `cite_list` is a bibliography of
a person's, organisation's or journal's records or of a search, streamed. Entries are cached by (record id,
record version, style, locale, format): a change to the record changes its version, so a stale entry is
never served; the engine renders only on a miss (docs/citations.md).
"""

from __future__ import annotations

import difflib
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html import escape
from itertools import chain, islice

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.utils.translation import gettext

from samla.core.access import Actor
from samla.core.limits import Limit
from samla.exports import csl_json
from samla.exports.services import batched, records_for_export, select_records
from samla.records.models import Record
from samla.records.services import get_record_for, load_record_parts, record_version
from samla.search.schemas import SearchParams
from samla.search.services import every_result

from . import engine, locales, styles
from .errors import EngineFailed, StyleNotUsable, UnknownCitationOption, did_you_mean
from .styles import Style

log = logging.getLogger(__name__)

PROCESSOR = (
    "citeproc-js 1.4.63 (CPAL-1.0 OR AGPL-1.0); styles and locales: Citation Style Language (CC BY-SA 3.0)"
)
# Output format → media type of the bare entry.
OUTPUTS = {
    "html": "text/html",
    "text": "text/plain",
    "asciidoc": "text/asciidoc",
    "rtf": "application/rtf",
}
# Output format → file extension of a bibliography download.
EXTENSIONS = {"html": "html", "text": "txt", "asciidoc": "adoc", "rtf": "rtf"}
CACHE_SECONDS = 24 * 3600
ENTRIES_PER_CALL = 50  # entries a bibliography renders per call into V8 (and per cache round trip)
LOAD_CHUNK = 500  # record heads read per query while a bibliography streams
SEARCH_PAGE_SIZE = 200  # results fetched per search while a search's bibliography streams


@dataclass(frozen=True)
class Citation:
    """A rendered bibliography entry and what it was rendered with."""

    local_id: str
    style: Style
    locale: str
    output: str
    text: str

    @property
    def media_type(self) -> str:
        return OUTPUTS[self.output]

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8"


@dataclass(frozen=True)
class CiteOptions:
    """A checked style, locale and output format."""

    style: Style
    locale: str
    output: str


def cite_record(actor: Actor, *, local_id: str, style: str, locale: str, output: str) -> Citation:
    """The record `local_id` as one bibliography entry. NotFound when the actor may not see it;
    UnknownCitationOption (400) for an unknown style, locale or format, naming the closest ones;
    StyleNotUsable (400) for a style citeproc-js cannot build; EngineFailed (503) when the engine failed."""
    options = check_options(style=style, locale=locale, output=output)
    record = get_record_for(actor, local_id, with_parts=False)
    return render_citation(record, options, parts_loaded=False)


def check_options(*, style: str, locale: str, output: str) -> CiteOptions:
    """The style, locale and format named, or UnknownCitationOption (400) naming the closest ones."""
    if output not in OUTPUTS:
        close = difflib.get_close_matches(output, list(OUTPUTS), n=3, cutoff=0.3)
        raise UnknownCitationOption(
            gettext("There is no citation format %(format)s.") % {"format": repr(output)}
            + did_you_mean(close)
            + " "
            + gettext("Known formats: %(formats)s.") % {"formats": ", ".join(OUTPUTS)},
            option="format",
            closest=close,
        )
    return CiteOptions(style=styles.get_style(style), locale=locales.get_locale(locale), output=output)


def render_citation(record: Record, options: CiteOptions, *, parts_loaded: bool = True) -> Citation:
    """A record the caller has already fetched through `get_record_for` as one entry, from the cache or
    rendered. The record page passes the record it has loaded; its parts are loaded only on a cache miss."""
    key = _entry_key(record, options)
    text = cache.get(key)
    if text is None:
        if not parts_loaded:
            load_record_parts(record)
        text = engine.render(options.style, options.locale, _item(record), options.output)
        cache.set(key, text, CACHE_SECONDS)
    return Citation(
        local_id=record.local_id, style=options.style, locale=options.locale, output=options.output, text=text
    )


@dataclass(frozen=True)
class Bibliography:
    """A list of records as one downloadable document whose `chunks` are rendered as they are read."""

    chunks: Iterator[str]
    filename: str
    media_type: str
    total: int = 0  # the records listed

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8"


# Loads the parts of the records whose entries must be rendered (the others come from the entry cache).
Loader = Callable[[list[Record]], Iterable[Record]]
# Told the number of entries formatted so far (a background job's progress).
Progress = Callable[[int], None]
HEAD_FIELDS = ("pk", "local_id", "datestamp")  # all an entry's cache key needs


def cite_list(
    actor: Actor,
    *,
    style: str,
    locale: str,
    output: str,
    person_id: int | None = None,
    organisation_id: int | None = None,
    journal_id: int | None = None,
    limit: Limit | None = None,
    progress: Progress | None = None,
) -> Bibliography:
    """The visible records of a person, an organisation (with its units) or a journal, newest first as
    their pages list them, as one bibliography. Checked before anything streams: unknown options are
    UnknownCitationOption (400), a hidden or missing list NotFound, a list over `limit` TooLarge (413),
    an unusable style StyleNotUsable."""
    options = check_options(style=style, locale=locale, output=output)
    selection = select_records(
        actor, person_id=person_id, organisation_id=organisation_id, journal_id=journal_id
    )
    total = selection.queryset.count()
    if limit is not None:
        limit.check(total)
    # In the order exports.services.Selection.heads gives (the list pages' order); heads only.
    ordered = selection.queryset.order_by(F("year").desc(nulls_last=True), "title", "pk")
    heads = ordered.only(*HEAD_FIELDS).iterator(chunk_size=LOAD_CHUNK)
    return bibliography(
        heads, options, name=selection.name, load=_loader(actor), total=total, progress=progress
    )


def cite_search(
    actor: Actor,
    params: SearchParams,
    *,
    style: str,
    locale: str,
    output: str,
    limit: Limit | None = None,
    progress: Progress | None = None,
) -> Bibliography:
    """Every result of a search (not only its first page), in the search's order, as one bibliography.
    Bad search parameters (400) and a search over `limit` (413) are refused before anything streams."""
    options = check_options(style=style, locale=locale, output=output)
    # The search's own records serve as heads (pk, local id, datestamp): no second query for them.
    results = every_result(actor, params, page_size=SEARCH_PAGE_SIZE)
    if limit is not None:
        limit.check(results.total)
    return bibliography(
        results, options, name="search", load=_loader(actor), total=results.total, progress=progress
    )


def bibliography(
    records: Iterable[Record],
    options: CiteOptions,
    *,
    name: str,
    load: Loader | None = None,
    total: int = 0,
    progress: Progress | None = None,
) -> Bibliography:
    """`records` as one document, streamed: entries are taken from the entry cache or rendered
    ENTRIES_PER_CALL at a time, so a list of 10,000 records never exists as one string. `records` may be
    heads (pk, local id, datestamp) when `load` loads the parts of those that must be rendered.
    The order is the list's, not the style's sort (sorting would need every entry at once); numbered
    styles are numbered throughout. The first chunk is rendered here, so a style that cannot be built or
    prints none of its entries (StyleNotUsable, 400) and a failing engine (503) are answered before the
    download starts; later, an entry the style cannot form keeps citeproc-js's error text."""
    numbered = engine.is_numbered(options.style, options.locale)
    entries = _entries(records, options, numbered=numbered, load=load or list)
    first = list(islice(entries, ENTRIES_PER_CALL))
    if first and all(engine.STYLE_ERROR in entry for entry in first):
        raise StyleNotUsable(
            gettext("Citation style %(style)s printed nothing for these records (%(detail)s)")
            % {"style": repr(options.style.id), "detail": first[0].strip()},
            style=options.style.id,
        )
    entries = chain(first, entries)
    return Bibliography(
        chunks=_document(_counted(entries, progress) if progress else entries, options, title=name),
        filename=f"{name}-{options.style.id}.{EXTENSIONS[options.output]}",
        media_type=OUTPUTS[options.output],
        total=total,
    )


def _counted(entries: Iterator[str], progress: Progress) -> Iterator[str]:
    for count, entry in enumerate(entries, 1):
        yield entry
        progress(count)


def _entries(
    records: Iterable[Record], options: CiteOptions, *, numbered: bool, load: Loader
) -> Iterator[str]:
    position = 1
    for chunk in batched(records, ENTRIES_PER_CALL):
        if numbered:  # the number depends on the entry's place in this list: rendered, never cached
            items = [_item(record) for record in load(list(chunk))]
            yield from engine.render_many(
                options.style, options.locale, items, options.output, first_number=position
            )
        else:
            yield from _cached_entries(chunk, options, load)
        position += len(chunk)


def _cached_entries(records: tuple[Record, ...], options: CiteOptions, load: Loader) -> list[str]:
    """The records' entries: those in the entry cache from there, the others loaded, rendered in one
    call and cached, so a single citation and a bibliography share their entries. A record gone since
    the list was read is left out."""
    keys = {_entry_key(record, options): record for record in records}
    found = cache.get_many(list(keys))
    missing = [record for key, record in keys.items() if key not in found]
    if missing:
        loaded = list(load(missing))
        texts = engine.render_many(
            options.style, options.locale, [_item(record) for record in loaded], options.output
        )
        fresh = {_entry_key(record, options): text for record, text in zip(loaded, texts, strict=True)}
        cache.set_many(
            {key: text for key, text in fresh.items() if engine.STYLE_ERROR not in text}, CACHE_SECONDS
        )
        found.update(fresh)
    return [found[key] for key in keys if key in found]


def _loader(actor: Actor) -> Loader:
    """Loads heads' records with their parts, as list exports load them (visibility checked again)."""
    return lambda heads: records_for_export(actor, [head.local_id for head in heads])


def _document(entries: Iterator[str], options: CiteOptions, *, title: str) -> Iterator[str]:
    """The entries framed as a file of the output format: a page, an RTF document, paragraphs, lines."""
    if options.output == "html":
        yield (
            f'<!DOCTYPE html>\n<html lang="{escape(options.locale)}">\n<head><meta charset="utf-8">'
            f'<title>{escape(title)}</title></head>\n<body>\n<div class="csl-bib-body">\n'
        )
        for entry in entries:
            yield entry + "\n"
        yield "</div>\n</body>\n</html>\n"
    elif options.output == "rtf":
        yield "{\\rtf1\\ansi\\deff0\n"
        for entry in entries:
            yield entry + "\\par\n"
        yield "}\n"
    else:
        separator = "\n\n" if options.output == "asciidoc" else "\n"
        for entry in entries:
            yield entry + separator


def _entry_key(record: Record, options: CiteOptions) -> str:
    version = record_version(record)
    style, locale, output = options.style.engine_id, options.locale, options.output
    return f"citation:{record.local_id}:{version}:{style}:{locale}:{output}"


def _item(record: Record) -> dict:
    """The record as citeproc-js's item; a new version is a new item to citeproc-js."""
    item = csl_json.write(record)
    item["id"] = f"{record.local_id}@{record_version(record)}"
    return item


def find_styles(text: str, *, limit: int = 20) -> list[tuple[str, str]]:
    """(id, title) of the styles whose title or id holds every word of `text` ("Other style")."""
    return styles.find_styles(text, limit=limit)


def list_locales() -> list[tuple[str, str]]:
    """(code, name) of every CSL locale ("Other locale"). DiVA's alias nn-NB is accepted but not listed:
    it names the same language as nb-NO, which would be offered twice."""
    return [(code, locales.locale_name(code)) for code in locales.all_locales()]


def diva_styles() -> list[Style]:
    """The styles the Cite box offers first, as DiVA does."""
    return [styles.get_style(style_id) for style_id in styles.DIVA_STYLES]


def warm_up_worker() -> threading.Thread | None:
    """Start building the five DiVA styles' engines for the CITATION_WARM_UP locales (en-US by default)
    in a background thread of this worker, so no reader waits for APA's slow build and the
    worker answers other pages meanwhile. SAMLA_CITATION_WARM_UP=0 turns it off; a failure (an unknown
    locale included) is logged and the worker runs on. Returns the thread, for tests to wait on."""
    try:
        codes = [locales.get_locale(code) for code in settings.CITATION_WARM_UP]
    except UnknownCitationOption as exc:
        log.warning("citation engines not warmed up: %s", exc)
        return None
    if not codes:
        return None
    thread = threading.Thread(target=_warm_up, args=(codes,), name="citation-warm-up", daemon=True)
    thread.start()
    return thread


def _warm_up(codes: list[str]) -> None:
    try:
        engine.warm_up(diva_styles(), codes)
    except (EngineFailed, StyleNotUsable) as exc:
        log.warning("citation engines not warmed up: %s", exc)

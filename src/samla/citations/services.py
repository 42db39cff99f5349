"""Citing records: one record as a bibliography entry in any CSL style, locale and output format.

`cite_record` is what the Cite box, `/record/<id>/cite` and the API call. Entries are cached by (record id,
record version, style, locale, format): a change to the record changes its version, so a stale entry is
never served; the engine renders only on a miss (docs/citations.md).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from django.core.cache import cache

from samla.core.access import Actor
from samla.exports import csl_json
from samla.records.models import Record
from samla.records.services import get_record_for, load_record_parts, record_version

from . import engine, locales, styles
from .errors import UnknownCitationOption
from .styles import Style

# Output format → media type of the bare entry.
OUTPUTS = {
    "html": "text/html",
    "text": "text/plain",
    "asciidoc": "text/asciidoc",
    "rtf": "application/rtf",
}
CACHE_SECONDS = 24 * 3600


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
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise UnknownCitationOption(
            f"There is no citation format {output!r}.{hint} Known formats: {', '.join(OUTPUTS)}.",
            option="format",
            closest=close,
        )
    return CiteOptions(style=styles.get_style(style), locale=locales.get_locale(locale), output=output)


def render_citation(record: Record, options: CiteOptions, *, parts_loaded: bool = True) -> Citation:
    """A record the caller has already fetched through `get_record_for` as one entry, from the cache or
    rendered. The record page passes the record it has loaded; its parts are loaded only on a cache miss."""
    version = record_version(record)
    key = f"citation:{record.local_id}:{version}:{options.style.engine_id}:{options.locale}:{options.output}"
    text = cache.get(key)
    if text is None:
        if not parts_loaded:
            load_record_parts(record)
        item = csl_json.write(record)
        item["id"] = f"{record.local_id}@{version}"  # a new version is a new item to citeproc-js
        text = engine.render(options.style, options.locale, item, options.output)
        cache.set(key, text, CACHE_SECONDS)
    return Citation(
        local_id=record.local_id, style=options.style, locale=options.locale, output=options.output, text=text
    )


def find_styles(text: str, *, limit: int = 20) -> list[tuple[str, str]]:
    """(id, title) of the styles whose title or id holds every word of `text` ("Other style")."""
    return styles.find_styles(text, limit=limit)


def list_locales() -> list[tuple[str, str]]:
    """(code, name) of every CSL locale ("Other locale"), DiVA's alias nn-NB included."""
    codes = sorted([*locales.all_locales(), *locales.ALIASES])
    return [(code, locales.locale_name(code)) for code in codes]


def diva_styles() -> list[Style]:
    """The styles the Cite box offers first, as DiVA does."""
    return [styles.get_style(style_id) for style_id in styles.DIVA_STYLES]

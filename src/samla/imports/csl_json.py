"""Reading CSL-JSON: an array of items (as `exports.csl_json` and citation-js write) or one item (as
doi.org answers `Accept: application/vnd.citationstyles.csl+json`, with Crossref's type names).

The item type (with `genre` naming a thesis type) gives the output type; names are family/given with
an ORCID when given, or a literal organisation. Each item's line is found by decoding the array one item
at a time; a file that is not JSON imports nothing and names the line of the error, an item of the
wrong shape fails alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from samla.exports.bibliographic import JOURNAL_TYPES
from samla.exports.csl_json import NAME_VARIABLES, STATUS
from samla.vocabularies.output_types import output_types

from . import references as ref
from .errors import UnreadableFile
from .mapping import clean, html_to_text

# CSL item types and Crossref's (doi.org's CSL-JSON uses those) → output types.
OUTPUT_TYPES = {
    "article-journal": "publication/journal-article",
    "journal-article": "publication/journal-article",
    "article-magazine": "publication/magazine-article",
    "article-newspaper": "publication/newspaper-article",
    "review": "publication/book-review",
    "review-book": "publication/book-review",
    "entry-encyclopedia": "publication/encyclopedia-entry",
    "book": "publication/book",
    "monograph": "publication/book",
    "edited-book": "publication/edited-book",
    "chapter": "publication/book-chapter",
    "book-chapter": "publication/book-chapter",
    "paper-conference": "conference/paper",
    "proceedings-article": "conference/paper",
    "proceedings": "conference/proceeding",
    "speech": "conference/other",
    "thesis": "publication/doctoral-thesis",
    "dissertation": "publication/doctoral-thesis",
    "report": "publication/report",
    "article": "publication/preprint",
    "posted-content": "publication/preprint",
    "periodical": "publication/journal-issue",
    "dataset": "other/data-set",
    "software": "other/software",
    "patent": "intellectual-property/patent",
    "graphic": "artistic-work/original-creative-work",
}
ROLES = {variable: role for role, variable in NAME_VARIABLES.items()}  # CSL name variable → MARC relator
STATUSES = {csl: status for status, csl in STATUS.items()}  # CSL `status` → publication status


def read(path: Path) -> list[ref.Entry]:
    """Every item of the file, in file order."""
    text = ref.read_text(path)
    return [
        _entry(str(path), line, number, item) for number, (line, item) in enumerate(_items(path, text), 1)
    ]


def _items(path: Path, text: str) -> list[tuple[int, Any]]:
    """(line, item) for each item of the array, or the one object; UnreadableFile names the error's line."""
    decoder = json.JSONDecoder()
    try:
        start = len(text) - len(text.lstrip())
        if not text[start:].startswith("["):
            item, _ = decoder.raw_decode(text, start)
            return [(_line(text, start), item)]
        items, position = [], start + 1
        while True:
            position = _skip(text, position, ",")
            if text[position : position + 1] == "]":
                return items
            item, end = decoder.raw_decode(text, position)
            items.append((_line(text, position), item))
            position = _skip(text, end, "")
            if text[position : position + 1] not in (",", "]"):
                raise json.JSONDecodeError("Expecting ',' or ']'", text, position)
    except json.JSONDecodeError as error:
        raise UnreadableFile(
            f"not valid JSON ({error.msg}); nothing imported from this file",
            path=str(path),
            line=error.lineno,
        ) from None


def _skip(text: str, position: int, separator: str) -> int:
    """The position after whitespace (and one `separator`)."""
    while position < len(text) and text[position].isspace():
        position += 1
    if separator and text[position : position + 1] == separator:
        return _skip(text, position + 1, "")
    return position


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _entry(path: str, line: int, number: int, item: Any) -> ref.Entry:
    if not isinstance(item, dict):
        return ref.failed(path, line, f"item {number}", "an item must be a JSON object")
    label = clean(str(item.get("id") or item.get("DOI") or "")) or f"item {number}"
    try:
        raw = map_item(item)
    except (TypeError, ValueError, AttributeError, KeyError) as error:
        return ref.failed(path, line, label, f"a value has the wrong shape ({error})")
    return ref.entry(path, line, label, raw)


def map_item(item: dict[str, Any]) -> dict[str, Any]:
    """A CSL-JSON item as a raw record input."""
    raw = ref.new_record(_output_type(item))
    raw["title"] = _text(item.get("title"))
    raw["language"] = ref.language_code(_text(item.get("language")))
    for variable, role in ROLES.items():
        raw["contributors"] += [_name(name, role) for name in item.get(variable) or []]
    raw["issued"] = _date(item.get("issued") or item.get("published-print") or item.get("published-online"))
    _host(raw, item)
    raw["volume"], raw["edition"] = _text(item.get("volume")), _text(item.get("edition"))
    ref.add_pages(raw, _text(item.get("page")))
    if pages := _text(item.get("number-of-pages")):
        raw["page_count"] = int(pages) if pages.isdigit() else None
    raw["publisher"], raw["place"] = _text(item.get("publisher")), _text(item.get("publisher-place"))
    raw["conference"] = _text(item.get("event-title") or item.get("event"))
    raw["publication_status"] = STATUSES.get(_text(item.get("status")).lower(), "")
    for scheme, variable in (("doi", "DOI"), ("isbn", "ISBN"), ("pmid", "PMID")):
        for value in _list(item.get(variable)):
            ref.add_identifier(raw, scheme, value)
    ref.add_link(raw, _text(item.get("URL")))
    ref.add_abstract(raw, html_to_text(_text(item.get("abstract"))) if item.get("abstract") else "")
    ref.add_keywords(raw, ref.split_terms(_text(item.get("keyword"))) + _list(item.get("subject")))
    return raw


def _text(value: Any) -> str:
    """A string variable; Crossref gives some as one-element lists, and numbers as numbers."""
    if isinstance(value, list):
        value = value[0] if value else ""
    return clean(str(value)) if value is not None else ""


def _list(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value] if value else []
    return [clean(str(v)) for v in values if v]


def _output_type(item: dict[str, Any]) -> str:
    """The item type; a thesis `genre` naming an output type (as the export writes it) is exact."""
    by_label = {t.label_en.lower(): code for code, t in output_types().items()}
    genre = _text(item.get("genre")).lower()
    kind = _text(item.get("type")).lower()
    if kind == "thesis" and genre in by_label:
        return by_label[genre]
    if kind == "book" and item.get("editor") and not item.get("author"):
        return "publication/edited-book"
    return OUTPUT_TYPES.get(kind, "publication/other")


def _name(name: dict[str, Any], role: str) -> dict[str, Any]:
    if "family" not in name and name.get("literal"):
        return ref.organisation(_text(name["literal"]), role=role)
    given = " ".join(filter(None, (_text(name.get("given")), _text(name.get("suffix")))))
    family = " ".join(filter(None, (_text(name.get("non-dropping-particle")), _text(name.get("family")))))
    return ref.person(family, given, role=role, orcid=_text(name.get("ORCID")))


def _date(value: Any) -> str:
    """From date-parts ([[2024, 3, 13]]) or a raw date ("2024-03-13")."""
    if not isinstance(value, dict):
        return ""
    parts = (value.get("date-parts") or [[]])[0]
    if parts:
        return ref.issued(*[*parts, None, None][:3])
    year, _, rest = _text(value.get("raw") or value.get("literal")).partition("-")
    month, _, day = rest.partition("-")
    return ref.issued(year, month, day[:2])


def _host(raw: dict[str, Any], item: dict[str, Any]) -> None:
    """container-title is the journal for articles, else the book or proceedings; collection-title the
    series; `number` the article number of an article (as the export writes it)."""
    container = _text(item.get("container-title"))
    if raw["output_type"] in JOURNAL_TYPES:
        raw["journal"] = ref.journal(container, _list(item.get("ISSN")))
        raw["issue"] = _text(item.get("issue"))
        raw["article_number"] = _text(item.get("number") or item.get("article-number"))
        return
    raw["host_title"] = container
    raw["issue"] = _text(item.get("issue"))
    if series := _text(item.get("collection-title")):
        raw["journal"] = ref.journal(series, _list(item.get("ISSN")), kind="series")
        raw["series_number"] = _text(item.get("collection-number"))

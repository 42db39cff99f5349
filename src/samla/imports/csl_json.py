"""Reading CSL-JSON: an array of items (as `exports.csl_json` and citation-js write) or one item (as
doi.org answers `Accept: application/vnd.citationstyles.csl+json`, with Crossref's type names).

The item type (with `genre` naming a thesis type) gives the output type; names are family/given with
an ORCID when given, or a literal organisation. Each item's line is found by decoding the array one item
at a time; a file that is not JSON imports nothing and names the line of the error, an item of the
wrong shape fails alone, naming the variable and its value (a title that is an object is not stored as
the text "{}").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from samla.core.errors import shown
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
DATES = ("issued", "published-print", "published-online")
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


class WrongShape(ValueError):
    """A variable's value is not of the shape CSL-JSON gives it."""

    def __init__(self, variable: str, expected: str, value: Any) -> None:
        super().__init__(f"{variable}: must be {expected}, not {shown(value)}")
        self.variable = variable


def _entry(path: str, line: int, number: int, item: Any) -> ref.Entry:
    if not isinstance(item, dict):
        return ref.failed(path, line, f"item {number}", "an item must be a JSON object")
    label = _label(item) or f"item {number}"
    try:
        raw = map_item(item)
    except WrongShape as error:
        return ref.failed(path, line, label, str(error), field=error.variable)
    except RecursionError:
        return ref.failed(path, line, label, "a value is nested too deeply to be read")
    except (TypeError, ValueError, AttributeError, KeyError):  # a shape no check above foresaw
        return ref.failed(path, line, label, "a value is not of the shape CSL-JSON gives it")
    return ref.entry(path, line, label, raw, "csl-json")


def _label(item: dict[str, Any]) -> str:
    value = item.get("id") or item.get("DOI") or ""
    return clean(str(value)) if isinstance(value, str | int) else ""


def map_item(item: dict[str, Any]) -> dict[str, Any]:
    """A CSL-JSON item as a raw record input."""
    raw = ref.new_record(_output_type(item))
    raw["title"] = _text(item, "title")
    raw["language"] = ref.language_code(_text(item, "language"))
    for variable, role in ROLES.items():
        raw["contributors"] += [_name(name, role, variable) for name in _names(item, variable)]
    raw["issued"] = _date(item)
    _host(raw, item)
    raw["volume"], raw["edition"] = _text(item, "volume"), _text(item, "edition")
    ref.add_pages(raw, _text(item, "page"))
    if pages := _text(item, "number-of-pages"):
        raw["page_count"] = int(pages) if pages.isdigit() else None
    raw["publisher"], raw["place"] = _text(item, "publisher"), _text(item, "publisher-place")
    raw["conference"] = _text(item, "event-title") or _text(item, "event")
    raw["publication_status"] = STATUSES.get(_text(item, "status").lower(), "")
    for scheme, variable in (("doi", "DOI"), ("isbn", "ISBN"), ("pmid", "PMID")):
        for value in _list(item, variable):
            ref.add_identifier(raw, scheme, value)
    ref.add_link(raw, _text(item, "URL"))
    ref.add_abstract(raw, html_to_text(abstract) if (abstract := _text(item, "abstract")) else "")
    ref.add_keywords(raw, ref.split_terms(_text(item, "keyword")) + _list(item, "subject"))
    return raw


def _text(item: dict[str, Any], variable: str) -> str:
    """A string variable; Crossref gives some as one-element lists, and numbers as numbers."""
    value = item.get(variable)
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict | list):
        raise WrongShape(variable, "text or a number", item.get(variable))
    return clean(str(value)) if value is not None else ""


def _list(item: dict[str, Any], variable: str) -> list[str]:
    value = item.get(variable)
    values = value if isinstance(value, list) else [value] if value else []
    if any(isinstance(v, dict | list) for v in values):
        raise WrongShape(variable, "text or a list of texts", value)
    return [clean(str(v)) for v in values if v]


def _names(item: dict[str, Any], variable: str) -> list[dict[str, Any]]:
    """A name variable: a list of name objects."""
    names = item.get(variable) or []
    if not isinstance(names, list) or not all(isinstance(name, dict) for name in names):
        raise WrongShape(variable, 'a list of names ({"family": …, "given": …})', names)
    return names


def _output_type(item: dict[str, Any]) -> str:
    """The item type; a thesis `genre` naming an output type (as the export writes it) is exact."""
    by_label = {t.label_en.lower(): code for code, t in output_types().items()}
    genre = _text(item, "genre").lower()
    kind = _text(item, "type").lower()
    if kind == "thesis" and genre in by_label:
        return by_label[genre]
    if kind == "book" and item.get("editor") and not item.get("author"):
        return "publication/edited-book"
    return OUTPUT_TYPES.get(kind, "publication/other")


def _name(name: dict[str, Any], role: str, variable: str) -> dict[str, Any]:
    def part(key: str) -> str:
        try:
            return _text(name, key)
        except WrongShape as error:
            raise WrongShape(f"{variable}.{key}", "text", name.get(key)) from error

    if "family" not in name and name.get("literal"):
        return ref.organisation(part("literal"), role=role)
    given = " ".join(filter(None, (part("given"), part("suffix"))))
    family = " ".join(filter(None, (part("non-dropping-particle"), part("family"))))
    return ref.person(family, given, role=role, orcid=part("ORCID"))


def _date(item: dict[str, Any]) -> str:
    """From date-parts ([[2024, 3, 13]]) or a raw date ("2024-03-13") of the first date variable given."""
    variable = next((v for v in DATES if item.get(v)), DATES[0])
    value = item.get(variable)
    if not isinstance(value, dict):
        return ""
    parts = value.get("date-parts") or [[]]
    first = parts[0] if isinstance(parts, list) else None
    if not isinstance(first, list) or len(first) > 3 or any(isinstance(p, dict | list) for p in first):
        raise WrongShape(f"{variable}.date-parts", "a list of [year, month, day] lists", parts)
    if first:
        return ref.issued(*[*first, None, None][:3])
    year, _, rest = (_text(value, "raw") or _text(value, "literal")).partition("-")
    month, _, day = rest.partition("-")
    return ref.issued(year, month, day[:2])


def _host(raw: dict[str, Any], item: dict[str, Any]) -> None:
    """container-title is the journal for articles, else the book or proceedings; collection-title the
    series; `number` the article number of an article (as the export writes it)."""
    container = _text(item, "container-title")
    if raw["output_type"] in JOURNAL_TYPES:
        raw["journal"] = ref.journal(container, _list(item, "ISSN"))
        raw["issue"] = _text(item, "issue")
        raw["article_number"] = _text(item, "number") or _text(item, "article-number")
        return
    raw["host_title"] = container
    raw["issue"] = _text(item, "issue")
    if series := _text(item, "collection-title"):
        raw["journal"] = ref.journal(series, _list(item, "ISSN"), kind="series")
        raw["series_number"] = _text(item, "collection-number")

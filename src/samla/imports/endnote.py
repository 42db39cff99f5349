"""Reading EndNote tagged files (.enw): records of "%0 Journal Article", "%A Family, Given", "%T …" lines,
separated by blank lines; a line without a tag continues the field before it.

%0 gives the output type through `document_types`; %J is the journal of an article, %B the book or
proceedings of anything else and %S its series; %@ is an ISSN for journal articles and an ISBN otherwise;
%R is the DOI, %M an accession number (a Web of Science UT when it says "WOS:"), %U a link.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from samla.exports.bibliographic import JOURNAL_TYPES

from . import references as ref
from .document_types import output_type
from .mapping import clean
from .text_files import read_unicode

WHOLE_WORKS = {
    "publication/book",
    "publication/edited-book",
    "publication/doctoral-thesis",
    "publication/report",
}
_TAG = re.compile(r"^%([0-9A-Z@!#$&()*+^>?\[\]=~|.-]) ?(.*)$")


def sniff(head: str) -> str:
    """ "endnote" when the file starts with a "%0" line, else ""."""
    return "endnote" if re.match(r"^\s*%0 \S", head) else ""


def read(path: Path) -> list[ref.Entry]:
    """Every record of the file, in file order; text before the first %0 line is ignored."""
    entries: list[ref.Entry] = []
    fields: dict[str, list[str]] | None = None
    start = 0
    for index, line in enumerate(read_unicode(path).splitlines()):
        tag = _TAG.match(line)
        if tag and tag.group(1) == "0":
            if fields is not None:
                entries.append(_entry(str(path), start, len(entries) + 1, fields))
            fields, start = {"0": [tag.group(2)]}, index + 1
        elif fields is not None and tag:
            fields.setdefault(tag.group(1), []).append(tag.group(2))
        elif fields is not None and line.strip() and (last := next(reversed(fields), None)):
            fields[last][-1] += "\n" + line
    if fields is not None:
        entries.append(_entry(str(path), start, len(entries) + 1, fields))
    return entries


def _entry(path: str, line: int, number: int, fields: dict[str, list[str]]) -> ref.Entry:
    label = clean(_first(fields, "F") or _first(fields, "M")) or f"record {number}"
    return ref.entry(path, line, label, map_record(fields), "endnote")


def _first(fields: dict[str, list[str]], tag: str) -> str:
    return clean(next(iter(fields.get(tag, [])), ""))


def map_record(fields: dict[str, list[str]]) -> dict[str, Any]:
    """An EndNote record (tag → its values) as a raw record input."""
    raw = ref.new_record(output_type("endnote", _first(fields, "0")))
    raw["title"] = _first(fields, "T")
    raw["language"] = ref.language_code(_first(fields, "G"))
    raw["contributors"] = [ref.split_name(n) for n in fields.get("A", []) if clean(n)] + [
        ref.split_name(n, role="edt") for n in fields.get("E", []) if clean(n)
    ]
    raw["issued"] = _issued(_first(fields, "D"), _first(fields, "8"))
    _host(raw, fields)
    raw["volume"], raw["issue"] = _first(fields, "V"), _first(fields, "N")
    _pages(raw, _first(fields, "P"))
    raw["publisher"], raw["place"] = _first(fields, "I"), _first(fields, "C")
    raw["edition"] = _first(fields, "7")
    ref.add_identifier(raw, "doi", re.sub(r"^(doi:\s*|https?://(dx\.)?doi\.org/)", "", _first(fields, "R")))
    accession = _first(fields, "M")
    if accession.upper().startswith("WOS:"):
        ref.add_identifier(raw, "isi", accession)
    if raw["output_type"] not in JOURNAL_TYPES:
        for isbn in re.split(r"[;\n]", "\n".join(fields.get("@", []))):
            ref.add_identifier(raw, "isbn", isbn)
    for url in fields.get("U", []):
        ref.add_link(raw, url)
    ref.add_abstract(raw, "\n".join(fields.get("X", [])))
    ref.add_keywords(raw, [t for value in fields.get("K", []) for t in re.split(r"[;\n]", value)])
    raw["notes"] = [clean(note) for note in fields.get("Z", []) if clean(note)]
    return raw


def _issued(year: str, date: str) -> str:
    """%D is the year; %8 may add the day and month ("2017-4-15", "March 15")."""
    parts = re.split(r"[-/ ,]+", date)
    if len(parts) >= 3 and parts[0] == year[:4]:
        return ref.issued(year, parts[1], parts[2])
    return ref.issued(year)


def _pages(raw: dict[str, Any], pages: str) -> None:
    """A book's %P is its extent ("XX, 327": the last number is the page count); a part's, its pages."""
    if raw["output_type"] in WHOLE_WORKS:
        if found := re.search(r"(\d+)\s*(p\.?)?$", pages):
            raw["page_count"] = int(found.group(1))
    else:
        ref.add_pages(raw, pages)


def _host(raw: dict[str, Any], fields: dict[str, list[str]]) -> None:
    if raw["output_type"] in JOURNAL_TYPES:
        issns = re.split(r"[;\n]", "\n".join(fields.get("@", [])))
        raw["journal"] = ref.journal(_first(fields, "J") or _first(fields, "B"), issns)
    else:
        raw["host_title"] = _first(fields, "B")
        raw["journal"] = ref.journal(_first(fields, "S"), [], kind="series")

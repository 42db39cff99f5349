"""Reading RIS files with rispy, the mirror of `exports.ris`.

The file is cut into references at their "ER" lines before rispy parses each one, so every reference
keeps its line number and a reference that is never closed fails alone. The reference type (or M3, the
output type's label, as the export writes it) gives the output type; the journal or book is T2 (or JO,
JF, JA, BT), a series T3; C7 is the article number, SN an ISSN for journal articles and an ISBN
otherwise; UR links that are DOIs, URN:NBNs or Handles become those identifiers.

A Scopus export ("DB  - Scopus") is read with Scopus's habits: M3 is Scopus's document type (mapped by
`document_types`), the UR link carries the record's EID (its Scopus id), C3 names the proceedings of a
conference paper, SN values end in "(ISSN)" or "(ISBN)" and lack the ISSN's hyphen, and N1 holds the
export date, the citation count and the reference list, which are no notes on the work.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import rispy

from samla.exports.bibliographic import JOURNAL_TYPES
from samla.vocabularies.output_types import output_types

from . import references as ref
from .document_types import known_output_type
from .errors import UnreadableFile
from .mapping import clean
from .scopus import hyphenated_issn

OUTPUT_TYPES = {
    "JOUR": "publication/journal-article",
    "EJOUR": "publication/journal-article",
    "JFULL": "publication/journal-issue",
    "MGZN": "publication/magazine-article",
    "NEWS": "publication/newspaper-article",
    "ENCYC": "publication/encyclopedia-entry",
    "BOOK": "publication/book",
    "EBOOK": "publication/book",
    "EDBOOK": "publication/edited-book",
    "CHAP": "publication/book-chapter",
    "ECHAP": "publication/book-chapter",
    "CPAPER": "conference/paper",
    "CONF": "conference/proceeding",
    "THES": "publication/doctoral-thesis",
    "RPRT": "publication/report",
    "UNPB": "publication/preprint",
    "DATA": "other/data-set",
    "COMP": "other/software",
    "PAT": "intellectual-property/patent",
    "ART": "artistic-work/original-creative-work",
}
_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: |$)")
_SCOPUS_EID = re.compile(r"^https?://www\.scopus\.com/.*[?&]eid=(2-s2\.0-\d+)", re.I)


def read(path: Path) -> list[ref.Entry]:
    """Every reference of the file, in file order; text outside references is ignored, as rispy does.

    An ER line with no TY line before it ends a reference whose TY line is damaged or missing: that
    reference fails, naming its lines, instead of vanishing. A file with text but no reference at all
    is UnreadableFile."""
    lines = ref.read_text(path).splitlines()
    entries, start, number, after = [], None, 0, 0  # `after`: the line after the last reference
    for index, line in enumerate(lines):
        tag = _TAG.match(line)
        if tag and tag.group(1) == "TY" and start is None:
            start = index
        elif tag and tag.group(1) == "ER" and start is not None:
            number += 1
            entries.append(_entry(str(path), start + 1, number, "\n".join(lines[start : index + 1])))
            start, after = None, index + 1
        elif tag and tag.group(1) == "ER":
            number += 1
            first = next(i for i in range(after, index + 1) if lines[i].strip())
            message = f"no TY line starts the reference of lines {first + 1}-{index + 1}"
            label = _label(lines[first:index], number)
            entries.append(ref.failed(str(path), first + 1, label, message, field="TY"))
            after = index + 1
    if not entries and start is None and any(line.strip() for line in lines):
        raise UnreadableFile("no RIS reference (a reference starts with a line 'TY  - ')", path=str(path))
    if start is not None:
        number += 1
        label = _label(lines[start:], number)
        entries.append(ref.failed(str(path), start + 1, label, "the reference has no ER line (end of file)"))
    return entries


def _entry(path: str, line: int, number: int, text: str) -> ref.Entry:
    try:
        (reference,) = rispy.loads(text + "\n")
    except (ValueError, OSError) as error:  # rispy signals a malformed reference with these
        return ref.failed(path, line, _label(text.splitlines(), number), f"not valid RIS ({error})")
    return ref.entry(
        path, line, clean(reference.get("id", "")) or f"reference {number}", map_reference(reference), "ris"
    )


def _label(lines: list[str], number: int) -> str:
    ids = [line[6:].strip() for line in lines if line.startswith("ID  -")]
    return next(iter(ids), "") or f"reference {number}"


def map_reference(ris: dict[str, Any]) -> dict[str, Any]:
    """A rispy reference as a raw record input."""
    text = {key: clean(value) for key, value in ris.items() if isinstance(value, str)}
    scopus = text.get("name_of_database", "").lower() == "scopus"
    if scopus:
        text["issn"] = hyphenated_issn(re.sub(r"\s*\((?:ISSN|ISBN)\)", "", text.get("issn", "")))
    raw = ref.new_record(
        _output_type(text.get("type_of_reference", ""), text.get("type_of_work", ""), scopus)
    )
    raw["title"] = text.get("title") or text.get("primary_title", "")
    raw["language"] = ref.language_code(text.get("language", ""))
    raw["contributors"] = (
        _people(ris, "authors", "aut")
        + _people(ris, "first_authors", "aut")
        + _people(ris, "secondary_authors", "edt")
        + _people(ris, "subsidiary_authors", "trl")
    )
    raw["issued"] = _issued(text)
    _host(raw, text)
    raw["volume"], raw["edition"] = text.get("volume", ""), text.get("edition", "")
    raw["article_number"] = text.get("custom7", "")
    raw["pages_start"], raw["pages_end"] = text.get("start_page", ""), text.get("end_page", "")
    if "-" in raw["pages_start"] and not raw["pages_end"]:
        ref.add_pages(raw, raw["pages_start"])
    raw["publisher"], raw["place"] = text.get("publisher", ""), text.get("place_published", "")
    ref.add_identifier(raw, "doi", text.get("doi", ""))
    if text.get("issn") and raw["output_type"] not in JOURNAL_TYPES:
        ref.add_identifier(raw, "isbn", text["issn"])
    for url in ris.get("urls", []):
        if scopus and (eid := _SCOPUS_EID.match(clean(url))):
            ref.add_identifier(raw, "scopus", eid.group(1))
        else:
            ref.add_link(raw, url)
    ref.add_abstract(raw, text.get("abstract") or text.get("notes_abstract", ""))
    ref.add_keywords(raw, ris.get("keywords", []))
    if not scopus:
        raw["notes"] = [clean(note) for note in ris.get("notes", []) if clean(note)]
    if scopus and not raw.get("host_title") and raw["output_type"] not in JOURNAL_TYPES:
        raw["host_title"] = text.get("custom3", "")
    return raw


def _output_type(reference_type: str, type_of_work: str, scopus: bool = False) -> str:
    """M3 naming an output type (the export writes its label) is exact, and so is Scopus's document type
    in M3; the reference type is coarser (Scopus writes CONF for every conference paper)."""
    by_label = {t.label_en.lower(): code for code, t in output_types().items()}
    return (
        by_label.get(type_of_work.lower())
        or (known_output_type("scopus", type_of_work) if scopus else "")
        or OUTPUT_TYPES.get(reference_type.upper(), "publication/other")
    )


def _people(ris: dict[str, Any], key: str, role: str) -> list[dict[str, Any]]:
    return [ref.split_name(name, role=role) for name in ris.get(key, []) if clean(name)]


def _issued(text: dict[str, str]) -> str:
    """DA ("2024/03/13") when it has a year, else PY or Y1 ("2014", "2014//", "2001/09/01/")."""
    for key in ("date", "year", "publication_year"):
        year, _, rest = text.get(key, "").partition("/")
        month, _, day = rest.partition("/")
        if found := ref.issued(year, month, day.strip("/")):
            return found
    return ""


def _host(raw: dict[str, Any], text: dict[str, str]) -> None:
    """T2 (or the older journal tags) is the journal for articles, else the book or proceedings."""
    container = next(
        (
            text[k]
            for k in ("secondary_title", "journal_name", "alternate_title3", "alternate_title2")
            if text.get(k)
        ),
        "",
    )
    issns = [text["issn"]] if text.get("issn") and raw["output_type"] in JOURNAL_TYPES else []
    if raw["output_type"] in JOURNAL_TYPES:
        raw["journal"] = ref.journal(container, issns)
        raw["issue"] = text.get("number", "")
    elif series := text.get("tertiary_title"):
        raw["host_title"] = container
        raw["journal"] = ref.journal(series, [], kind="series")
        raw["series_number"] = text.get("number", "")
    else:
        raw["host_title"] = container
        raw["issue"] = text.get("number", "")

"""Reading Scopus CSV exports ("Authors","Author full names","Author(s) ID","Title","Year","Source title",
…,"EID"), as Scopus writes them: UTF-8 with a byte-order mark, a record a row, read by the csv module.

Names come from "Author full names" ("Hao, Jie (57221302630); …") when the export has the column, else
from "Authors" ("Phillips J.C., Braun R., …", as older exports give them). "Document Type" gives the
output type through `document_types`; EID is the record's Scopus id, "PubMed ID" its PubMed id. The
source of a journal article is its journal (with the ISSN); of a conference paper or chapter, the book or
proceedings, and its ISSN that of the series. Each author gets the addresses "Authors with affiliations"
lists under their name.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from samla.exports.bibliographic import JOURNAL_TYPES

from . import references as ref
from .document_types import output_type
from .errors import UnreadableFile
from .mapping import clean
from .text_files import read_unicode

REQUIRED = ("Title", "EID")
_AUTHOR_ID = re.compile(r"\s*\(\d+\)$")
_EID = re.compile(r"^2-s2\.0-\d+$")
_BARE_ISSN = re.compile(r"^\d{7}[\dXx]$")
_INITIALS = re.compile(r"^(.*\S)\s+((?:\S+\.)+-?\S*)$")  # "Kalé L.", "Siu K.-C."


def sniff(head: str) -> str:
    """ "scopus" when the first line is a Scopus CSV header, else ""."""
    first = head.partition("\n")[0]
    return "scopus" if "Authors" in first and "EID" in first and "," in first else ""


def read(path: Path) -> list[ref.Entry]:
    """Every row of the export; a row with fewer fields than the header fails alone, naming its line."""
    rows = csv.reader(read_unicode(path).splitlines(keepends=True))
    header = [name.strip() for name in next(rows, [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise UnreadableFile(
            f"not a Scopus CSV export (no {', '.join(missing)} column)", path=str(path), line=1
        )
    entries, line = [], rows.line_num + 1
    for number, row in enumerate(rows, start=1):
        if any(row):
            entries.append(_entry(str(path), line, number, header, row))
        line = rows.line_num + 1
    return entries


def _entry(path: str, line: int, number: int, header: list[str], row: list[str]) -> ref.Entry:
    """The row's record; a row whose fields do not line up with the header (cut short, or from an export
    with other columns pasted below this one) fails alone, named by its EID where it has one."""
    values = dict(zip(header, row, strict=False))
    eid = next((clean(v) for v in (values.get("EID", ""), row[-1]) if _EID.match(clean(v))), "")
    label = eid or f"row {number}"
    if len(row) < len(header):
        missing = ", ".join(header[len(row) :][:3])
        reason = f"the row has {len(row)} fields, the header {len(header)} (no {missing}…: cut short?)"
        return ref.failed(path, line, label, reason)
    if len(row) > len(header):
        reason = f"the row has {len(row)} fields, the header {len(header)} (columns of another export?)"
        return ref.failed(path, line, label, reason)
    return ref.entry(path, line, label, map_row(values), "scopus")


def map_row(row: dict[str, str]) -> dict[str, Any]:
    """A Scopus CSV row (column → value) as a raw record input."""
    text = {key: clean(value) for key, value in row.items()}
    raw = ref.new_record(output_type("scopus", text.get("Document Type", "")))
    raw["title"] = text.get("Title", "")
    raw["language"] = ref.language_code(text.get("Language of Original Document", "").split(";")[0])
    raw["contributors"] = _authors(text) + [
        ref.split_name(name, role="edt") for name in text.get("Editors", "").split(";") if clean(name)
    ]
    raw["issued"] = ref.issued(text.get("Year", ""))
    _source(raw, text)
    raw["volume"], raw["issue"] = text.get("Volume", ""), text.get("Issue", "")
    raw["article_number"] = text.get("Art. No.", "")
    raw["pages_start"], raw["pages_end"] = text.get("Page start", ""), text.get("Page end", "")
    if text.get("Page count", "").isdigit():
        raw["page_count"] = int(text["Page count"])
    raw["publisher"] = text.get("Publisher", "")
    raw["conference"] = text.get("Conference name", "")
    ref.add_identifier(raw, "scopus", text.get("EID", ""))
    ref.add_identifier(raw, "doi", text.get("DOI", ""))
    ref.add_identifier(raw, "pmid", text.get("PubMed ID", ""))
    for isbn in text.get("ISBN", "").split(";"):
        ref.add_identifier(raw, "isbn", isbn)
    if not text.get("Abstract", "").startswith("[No abstract available]"):
        ref.add_abstract(raw, text.get("Abstract", ""))
    ref.add_keywords(raw, text.get("Author Keywords", "").split(";"))
    return raw


def _authors(text: dict[str, str]) -> list[dict[str, Any]]:
    """The authors, each with the addresses "Authors with affiliations" gives under their short name."""
    full = [_AUTHOR_ID.sub("", name) for name in text.get("Author full names", "").split(";") if clean(name)]
    short = _short_names(text.get("Authors", ""), semicolons=bool(full))
    if short == ["[No author name available]"]:
        return []
    addresses = _addresses(text.get("Authors with affiliations", ""), short)
    people = []
    for position, name in enumerate(short):
        person = ref.split_name(full[position]) if len(full) == len(short) else _initials_name(name)
        person["affiliations"] = [{"text": address} for address in addresses.get(name, [])]
        people.append(person)
    return people


def _short_names(authors: str, *, semicolons: bool) -> list[str]:
    """ "Hao J.; High R." (exports with full names) or "Phillips J.C., Braun R." (older ones)."""
    return [clean(name) for name in authors.split(";" if semicolons else ",") if clean(name)]


def _initials_name(name: str) -> dict[str, Any]:
    """ "Kalé L." → family "Kalé", given "L."; a name without initials is taken whole."""
    found = _INITIALS.match(name)
    return ref.person(found.group(1), found.group(2)) if found else ref.person(name)


def _addresses(with_affiliations: str, names: list[str]) -> dict[str, list[str]]:
    """ "Hao J., Department of …, United States; High R., …" → each short name's addresses."""
    found: dict[str, list[str]] = {}
    for part in (clean(p) for p in with_affiliations.split(";")):
        name = next((n for n in names if part.startswith(f"{n}, ")), None)
        if name:
            found.setdefault(name, []).append(part[len(name) + 2 :])
    return found


def hyphenated_issn(value: str) -> str:
    """Scopus writes ISSNs without their hyphen ("14639076"); with it, a re-import compares them equal to
    the stored form instead of reporting a change every time."""
    return f"{value[:4]}-{value[4:]}" if _BARE_ISSN.match(value) else value


def _source(raw: dict[str, Any], text: dict[str, str]) -> None:
    source, issn = text.get("Source title", ""), hyphenated_issn(text.get("ISSN", ""))
    if raw["output_type"] in JOURNAL_TYPES:
        raw["journal"] = ref.journal(source, [issn])
    elif issn:
        raw["journal"] = ref.journal(source, [issn], kind="series")
    else:
        raw["host_title"] = source

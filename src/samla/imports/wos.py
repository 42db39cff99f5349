"""Reading Web of Science exports: plain text ("FN Clarivate Analytics Web of Science", a record of tagged
lines from "PT" to "ER") and tab-delimited (a header row of the same tags, "PT AU BA …", a record a row,
UTF-8 with a byte-order mark or UTF-16).

Plain-text records are parsed by rispy's WokParser, each on its own so that it keeps its line and a record
never closed fails alone; tab-delimited rows by the csv module. Both give the fields under rispy's names
(`rispy.config.WOK_TAG_KEY_MAPPING`) to one mapper. The document type (DT) gives the output type through
`document_types`; UT is the record's ISI id, PM its PubMed id, DI its DOI; SN and EI are the journal's
ISSN and E-ISSN; C1 gives each author's affiliation as written, OI their ORCID.
"""

from __future__ import annotations

import csv
import dataclasses
import re
from pathlib import Path
from typing import Any

import rispy
from rispy.config import WOK_LIST_TYPE_TAGS, WOK_TAG_KEY_MAPPING

from samla.exports.bibliographic import JOURNAL_TYPES

from . import references as ref
from .document_types import output_type
from .errors import UnreadableFile
from .mapping import clean
from .text_files import read_unicode

LIST_TAGS = [*WOK_LIST_TYPE_TAGS, "BE"]  # editors come one a line too
_TAG = re.compile(r"^([A-Z][A-Z0-9])(?: |$)")
_TAGS = re.compile(_TAG.pattern, re.M)
KNOWN_TAGS = {*WOK_TAG_KEY_MAPPING, *rispy.WokParser.DEFAULT_IGNORE, "ER"}
OUTSIDE_RECORDS = {*rispy.WokParser.DEFAULT_IGNORE, "ER"}  # FN, VR, EF
# The ISI tagged format as other systems write it (DSpace's "EndNote" export): FN and VR lines, possibly
# empty, then records without PT (the publication type, which the mapper does not read).
_HEADED_WITHOUT_PT = re.compile(r"FN\b.*\r?\nVR\b.*\r?\n[A-Z][A-Z0-9] ")
_UT = re.compile(r"^(?:WOS:)?[A-Z0-9]{15}$")
_ADDRESS = re.compile(r"\[([^\]]+)\]\s*([^\[]+)")
_GRANT = re.compile(r"^(.*?)\s*\[([^\]]*)\]$")


def sniff(head: str) -> str:
    """ "wos" for a plain-text export, "wos-tab" for a tab-delimited one, else ""."""
    if head.startswith("PT\tAU\t"):
        return "wos-tab"
    if re.match(r"^(FN .*\r?\n)?(VR .*\r?\n)?PT [A-Z]\r?$", head, re.M) or _HEADED_WITHOUT_PT.match(head):
        return "wos"
    return ""


def read(path: Path) -> list[ref.Entry]:
    """Every record of a plain-text export, in file order; lines outside records (FN, VR, EF) are skipped."""
    lines = read_unicode(path).splitlines()
    entries, start = [], None
    for index, line in enumerate(lines):
        tag = _TAG.match(line)
        if tag and tag.group(1) not in OUTSIDE_RECORDS and start is None:
            start = index  # at PT, or at the first field of a record written without one
        elif tag and tag.group(1) == "ER" and start is not None:
            entries.append(_plain_entry(str(path), start + 1, len(entries) + 1, lines[start : index + 1]))
            start = None
    if start is not None:
        label = _label(lines[start:], len(entries) + 1)
        entries.append(ref.failed(str(path), start + 1, label, "the record has no ER line (end of file)"))
    return entries


def read_tab(path: Path) -> list[ref.Entry]:
    """Every row of a tab-delimited export; a row whose fields do not line up with the header fails
    alone."""
    rows = csv.reader(read_unicode(path).splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(rows, [])
    if "UT" not in header or "TI" not in header:
        raise UnreadableFile(
            "not a Web of Science tab-delimited export (no UT or TI column)", path=str(path), line=1
        )
    entries = []
    for number, row in enumerate(rows, start=1):
        line = rows.line_num
        if not any(row):
            continue
        while len(row) > len(header) and not row[-1]:
            row.pop()  # Web of Science ends every row with a tab
        if len(row) != len(header):
            message = f"the row has {len(row)} fields, the header {len(header)} (cut short or shifted?)"
            entries.append(ref.failed(str(path), line, _row_label(row, number), message))
            continue
        fields = _tab_fields(dict(zip(header, row, strict=False)))
        label = clean(fields.get("accession_number", "")) or f"row {number}"
        entries.append(ref.entry(str(path), line, label, map_record(fields), "wos"))
    return entries


def _row_label(row: list[str], number: int) -> str:
    """A damaged row's UT, found wherever it is, or its number."""
    return next((clean(v) for v in row if clean(v).startswith("WOS:")), "") or f"row {number}"


def _plain_entry(path: str, line: int, number: int, lines: list[str]) -> ref.Entry:
    """The record, less the fields of tags Web of Science does not define (rispy's WokParser has no
    place for them and would stop on them), each named in a warning."""
    text = "\n".join(lines if lines[0].startswith("PT") else ["PT J", *lines])  # rispy starts at PT
    (record,) = rispy.loads(text, implementation=rispy.WokParser, list_tags=LIST_TAGS, skip_unknown_tags=True)
    label = clean(record.get("accession_number", "")) or f"record {number}"
    entry = ref.entry(path, line, label, map_record(record), "wos")
    unknown = sorted(set(_TAGS.findall(text)) - KNOWN_TAGS)
    if not unknown:
        return entry
    left_out = tuple(f"{tag}: not a Web of Science field tag, left out" for tag in unknown)
    return dataclasses.replace(entry, warnings=entry.warnings + left_out)


def _label(lines: list[str], number: int) -> str:
    return next((line[3:].strip() for line in lines if line.startswith("UT ")), "") or f"record {number}"


def _tab_fields(row: dict[str, str]) -> dict[str, Any]:
    """A row under rispy's names, its list fields ("Owen-Smith, J; Powell, WW") split as lists."""
    fields: dict[str, Any] = {}
    for tag, value in row.items():
        if tag in WOK_TAG_KEY_MAPPING and clean(value):
            fields[WOK_TAG_KEY_MAPPING[tag]] = (
                [clean(v) for v in value.split(";") if clean(v)] if tag in LIST_TAGS else value
            )
    return fields


def map_record(wos: dict[str, Any]) -> dict[str, Any]:
    """A Web of Science record (rispy's names) as a raw record input."""
    text = {key: clean(value) for key, value in wos.items() if isinstance(value, str)}
    raw = ref.new_record(output_type("wos", text.get("document_type", "")))
    raw["title"] = text.get("document_title", "")
    raw["language"] = ref.language_code(text.get("language", "").split(";")[0])
    raw["contributors"] = _contributors(wos, text)
    raw["issued"] = _issued(text.get("publication_year", ""), text.get("publication_date", ""))
    _host(raw, text)
    raw["volume"], raw["issue"] = text.get("volume", ""), text.get("issue", "")
    raw["article_number"] = text.get("article_number", "")
    raw["pages_start"], raw["pages_end"] = text.get("beginning_page", ""), text.get("ending_page", "")
    if text.get("page_count", "").isdigit():
        raw["page_count"] = int(text["page_count"])
    raw["publisher"], raw["place"] = text.get("publisher", ""), text.get("publisher_city", "")
    raw["conference"] = text.get("conference_title", "")
    if _UT.match(text.get("accession_number", "")):
        ref.add_identifier(raw, "isi", text["accession_number"])
    ref.add_identifier(raw, "doi", text.get("doi", ""))
    ref.add_identifier(raw, "pmid", text.get("pubmed_id", ""))
    for isbn in text.get("isbn", "").split(";"):
        ref.add_identifier(raw, "isbn", isbn)
    ref.add_abstract(raw, text.get("abstract", ""))
    ref.add_keywords(raw, text.get("author_keywords", "").split(";"))
    raw["funders"] = _funders(text.get("funding_agency_and_grant_number", ""))
    return raw


def _contributors(wos: dict[str, Any], text: dict[str, str]) -> list[dict[str, Any]]:
    """Authors by their full names (AF) when given, else as abbreviated (AU); then group authors and
    editors. Each author gets the addresses C1 lists them under and the ORCID OI pairs with their name."""
    names = wos.get("author_full_name") or wos.get("authors") or []
    affiliations = _affiliations(text.get("author_address", ""))
    orcids = _orcids(text.get("orcid_id", ""))
    people = []
    for name in names:
        person = ref.split_name(name)
        if orcid := orcids.get(clean(name)):
            person["person"] = {"orcid": orcid}
        person["affiliations"] = [{"text": address} for address in affiliations.get(clean(name), [])]
        people.append(person)
    groups = [ref.organisation(name) for name in wos.get("group_authors", [])]
    editors = [ref.split_name(name, role="edt") for name in wos.get("editors", [])]
    return people + groups + editors


def _affiliations(c1: str) -> dict[str, list[str]]:
    """ "[Bin, Xin; Thakur, Jagruti] KTH Royal Inst Technol, Stockholm, Sweden. [Ma, Yong] Univ Bergen…" →
    each name's addresses. Older records give addresses without names: those are not assigned."""
    found: dict[str, list[str]] = {}
    for names, address in _ADDRESS.findall(c1):
        address = clean(address).rstrip(".;").strip()
        for name in names.split(";"):
            found.setdefault(clean(name), []).append(address)
    return found


def _orcids(oi: str) -> dict[str, str]:
    """ "Flores-Garcia, Erik/0000-0003-0798-0753; …" → name → ORCID."""
    pairs = (part.rpartition("/") for part in oi.split(";"))
    return {clean(name): clean(orcid) for name, _slash, orcid in pairs if name and orcid}


def _issued(year: str, date: str) -> str:
    """PY with the month and day PD adds ("MAY", "2025 MAR 17", "DEC 15"; a season names no month)."""
    words = date.replace("-", " ").split()
    month = next((word for word in words if word[:3].lower() in ref.MONTHS), "")
    after = words[words.index(month) + 1 :] if month else []
    day = next((word for word in after if word.isdigit() and len(word) <= 2), "")
    return ref.issued(year, month[:3], day)


def _host(raw: dict[str, Any], text: dict[str, str]) -> None:
    """SO is the journal of an article; of anything else it is the book or proceedings, and SE its series."""
    source, issn, eissn = text.get("publication_name", ""), text.get("issn", ""), text.get("eissn", "")
    if raw["output_type"] in JOURNAL_TYPES:
        raw["journal"] = _journal(source, issn, eissn, "journal")
    else:
        raw["host_title"] = source
        raw["journal"] = _journal(text.get("book_series_title", ""), issn, eissn, "series")


def _journal(title: str, issn: str, eissn: str, kind: str) -> dict[str, str] | None:
    if not title:
        return None
    return {
        key: value
        for key, value in (("title", title), ("issn", issn), ("eissn", eissn), ("kind", kind))
        if value
    }


def _funders(fu: str) -> list[dict[str, str]]:
    """ "Swedish Foundation for Strategic Research [FFL18-0277]; Knut and Alice Wallenberg Foundation" →
    funders, each with its grant numbers as given."""
    funders = []
    for part in (clean(p) for p in fu.split(";")):
        grant = _GRANT.match(part)
        name, number = (grant.group(1), grant.group(2)) if grant else (part, "")
        if name:
            funders.append({"name": name, "grant": number})
    return funders

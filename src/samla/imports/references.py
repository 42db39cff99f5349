"""What the readers of reference-manager formats (BibTeX, RIS, CSL-JSON, DataCite XML) share: the entry
they hand the import service, and the helpers that turn loosely written values (names, page ranges,
dates, languages, links) into the record input.

Each entry is mapped when its file is read, so a bad entry carries its error to the import service, which
reports it with the file, line and entry label, and goes on with the others. As in `mapping`, values are
copied as given: checking identifiers and codes is `records.services`' job, which names the field.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import langcodes
import pycountry

from samla.core.errors import InvalidInput
from samla.vocabularies.identifiers import SCHEMES
from samla.vocabularies.languages import normalise_language

from .errors import UnreadableFile
from .mapping import Header, MappedRecord, clean


def read_text(path: Path) -> str:
    """The file's text: UTF-8, with or without a byte-order mark. UnreadableFile names the line of the
    first byte that is not UTF-8 (a Latin-1 BibTeX file raised UnicodeDecodeError, which stopped the
    whole import)."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            f"not UTF-8 text (byte 0x{data[error.start]:02X} cannot be read); nothing imported from this "
            "file: save it as UTF-8",
            path=str(path),
            line=data.count(b"\n", 0, error.start) + 1,
        ) from None


MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
# Links that are identifiers of a scheme here: the resolver's prefix, and the scheme.
_LINK_SCHEMES = [
    (re.compile(r"^https?://(dx\.)?doi\.org/", re.I), "doi"),
    (re.compile(r"^https?://[^?]+\?urn=(?=urn:nbn:)", re.I), "urn"),
    (re.compile(r"^https?://hdl\.handle\.net/", re.I), "handle"),
    (re.compile(r"^https?://arxiv\.org/abs/", re.I), "arxiv"),
    (re.compile(r"^https?://pubmed\.ncbi\.nlm\.nih\.gov/(\d+)/?$", re.I), "pmid"),
]
_UNSPACED = {"doi", "urn", "pmid", "arxiv"}
_PAGE_DASH = re.compile(r"\s*(?:-+|–|—)\s*")
_YEAR = re.compile(r"\b(\d{4})\b")


@dataclass(frozen=True)
class Entry:
    """One entry of a reference file, mapped (or refused) when read; the import service's SourceRecord.

    `label` is the entry's own name in its file (BibTeX key, RIS ID, CSL id, DataCite identifier), shown
    in reports; it is given to the service as the header identifier, which is what reports show for a
    record without a local id.
    """

    path: str
    line: int | None
    label: str
    mapped: MappedRecord | None = None
    error: InvalidInput | None = None
    warnings: tuple[str, ...] = ()  # values left out of the record, each named with the field

    @property
    def header(self) -> Header:
        return Header(identifier=self.label)

    def map(self) -> MappedRecord:
        if self.error is not None:
            raise self.error
        assert self.mapped is not None
        return self.mapped


def entry(path: str, line: int | None, label: str, raw: dict[str, Any], format: str) -> Entry:
    """The entry with its record input (from a file in `format`), or with the error naming the field that
    did not fit; with a warning for a date whose impossible month or day was left out (`issued`)."""
    date = raw.get("issued")
    warnings = (f"issued: {date.dropped}",) if isinstance(date, Issued) and date.dropped else ()
    try:
        return Entry(path, line, label, mapped=MappedRecord(raw, format=format).checked(), warnings=warnings)
    except InvalidInput as error:
        return Entry(path, line, label, error=error)


def failed(path: str, line: int | None, label: str, message: str, *, field: str = "") -> Entry:
    """An entry that could not be parsed; the message says where it was given up (in `field`)."""
    fields = {field: message} if field else None
    return Entry(path, line, label, error=InvalidInput(f"Entry {label or '?'}: {message}", fields=fields))


def new_record(output_type: str) -> dict[str, Any]:
    """The raw record a mapper fills in."""
    return {"output_type": output_type, "identifiers": [], "contributors": [], "keywords": []}


def person(family: str, given: str = "", *, role: str = "aut", orcid: str = "") -> dict[str, Any]:
    """A contributor; an ORCID (bare or as a link) identifies the person."""
    contributor: dict[str, Any] = {"family_name": clean(family), "given_name": clean(given), "role": role}
    if orcid:
        contributor["person"] = {"orcid": re.sub(r"^https?://orcid\.org/", "", orcid.strip())}
    return contributor


def organisation(name: str, *, role: str = "aut") -> dict[str, Any]:
    return {"family_name": clean(name), "role": role, "is_organisation": True}


def split_name(name: str, *, role: str = "aut") -> dict[str, Any]:
    """ "Family, Given" (RIS, DataCite creatorName) or a name without a comma, taken whole as the family
    name, as RIS writers put organisations."""
    family, comma, given = clean(name).partition(",")
    return person(family, given if comma else "", role=role)


def add_pages(raw: dict[str, Any], pages: str) -> None:
    """ "200-210", "200--210", "200–210" → start and end; a single page or an e-page is the start."""
    start, _, end = _PAGE_DASH.sub("-", clean(pages)).partition("-")
    raw["pages_start"], raw["pages_end"] = start, end


class Issued(str):
    """A date as `issued` gives it, which also says what it left out (`dropped`): a month or day that
    does not exist. Readers set it as the record's date unchanged, and `entry` turns `dropped` into the
    record's warning, so an impossible date is neither stored nor dropped without a word."""

    dropped: str = ""


def issued(year: str | int | None, month: str | int | None = None, day: str | int | None = None) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD from separate parts; a month may be a number or an English name. A
    month or day that does not exist is left out, and named in the result's `dropped`."""
    found = _YEAR.search(str(year or ""))
    if not found:
        return ""
    date, number, day_text = found.group(1), _month(month), str(day or "").strip()
    if month not in (None, "") and not number:
        return _dropped(date, f"month {clean(str(month))!r} of {date} is not a month; only the year is kept")
    if number:
        date += f"-{number:02d}"
        if day_text.isdigit() and 1 <= int(day_text) <= calendar.monthrange(int(date[:4]), number)[1]:
            date += f"-{int(day_text):02d}"
        elif day_text:
            return _dropped(
                date, f"day {day_text!r} of {date} does not exist; only the year and month are kept"
            )
    return date


def _dropped(date: str, message: str) -> Issued:
    found = Issued(date)
    found.dropped = message
    return found


def _month(value: str | int | None) -> int | None:
    text = str(value or "").strip().lower().rstrip(".")
    number = int(text) if text.isdigit() else MONTHS.get(text)
    return number if number and 1 <= number <= 12 else None


def language_code(value: str) -> str:
    """An ISO 639 code for a code, a language tag or a language name ("en", "en-US", "eng", "english",
    "Slovene", "Greek, Modern"); an unknown value is kept, so validation names it."""
    value = clean(value)
    if not value:
        return ""
    code = normalise_language(value.split("-")[0]) if len(value.split("-")[0]) <= 3 else None
    return code or language_by_name(value) or value


@lru_cache(maxsize=1024)
def language_by_name(name: str) -> str | None:
    """The ISO 639-3 code of a language named as the databases name it, in any case; None when unknown.

    Tried first: any of pycountry's names of a language, ISO 639-3's own, common or inverted ("Slovenian",
    "Bangla", "Greek, Modern (1453-)"). Then the names of CLDR and the IANA subtag registry, in English
    and other languages, which langcodes knows: Web of Science writes "Slovene" and "Greek", which ISO
    639-3 names "Slovenian" and "Modern Greek (1453-)". Cached: a file names a handful of languages.
    """
    try:
        return pycountry.languages.lookup(name).alpha_3
    except LookupError:
        pass
    try:
        return normalise_language(langcodes.find(name).language or "")
    except LookupError:
        return None


def add_link(raw: dict[str, Any], url: str) -> None:
    """A link as an identifier: a DOI, URN:NBN, Handle, arXiv or PubMed link in its scheme, else a URI.
    What is not an http(s) link (a bare path, a local file) is left out."""
    url = clean(url)
    if not re.match(r"^https?://", url, re.I):
        return
    for pattern, scheme in _LINK_SCHEMES:
        if match := pattern.match(url):
            add_identifier(raw, scheme, match.group(1) if scheme == "pmid" else url[match.end() :])
            return
    add_identifier(raw, "uri", url)


def add_identifier(raw: dict[str, Any], scheme: str, value: str) -> None:
    """An identifier, once; a DOI, URN, PubMed or arXiv id has no spaces, so whitespace in one (a line
    wrapped in a BibTeX field) is taken out instead of kept as a space."""
    value = "".join(value.split()) if scheme in _UNSPACED else clean(value)
    if value and scheme in SCHEMES and {"scheme": scheme, "value": value} not in raw["identifiers"]:
        raw["identifiers"].append({"scheme": scheme, "value": value})


def add_keywords(raw: dict[str, Any], terms: list[str]) -> None:
    """Keywords in the record's language (the formats do not say which)."""
    terms = [clean(t) for t in terms if clean(t)]
    if terms:
        raw["keywords"].append({"language": raw.get("language", ""), "terms": terms})


def add_abstract(raw: dict[str, Any], text: str, language: str = "") -> None:
    if clean(text):
        raw.setdefault("abstracts", []).append(
            {"language": language or raw.get("language", ""), "text": text}
        )


def split_terms(text: str) -> list[str]:
    """ "a, b; c" → ["a", "b", "c"]: BibTeX and CSL-JSON keep keywords in one field."""
    return [t for t in (clean(t) for t in re.split(r"[;,]", text or "")) if t]


def journal(title: str, issns: list[str], *, kind: str = "journal") -> dict[str, str] | None:
    """The journal (or series) a record appears in; print ISSN first, as the exports write them."""
    if not clean(title):
        return None
    found: dict[str, str] = {"title": clean(title), "kind": kind}
    values = [clean(v) for v in issns if clean(v)]
    if values:
        found["issn"] = values[0]
    if len(values) > 1:
        found["eissn"] = values[1]
    return found


def sniff(head: str) -> str:
    """The format a file's first characters show: "bibtex", "ris", "csl-json", "xml", or ""."""
    text = head.lstrip("\ufeff \t\r\n")
    if text.startswith("<"):
        return "xml"
    if text.startswith(("[", "{")):
        return "csl-json"
    if re.match(r"^(%.*\n\s*)*@", text):
        return "bibtex"
    if re.search(r"^TY  - ", text, re.M):
        return "ris"
    return ""

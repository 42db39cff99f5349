"""Mapping one Dublin Core record (oai_dc) to the record service's input: Zenodo and DSpace responses import.

Simple Dublin Core says little, so this is best effort: the output type comes from dc:type (the eu-repo or
DSpace vocabulary) or, when that says only "other", from the OAI set; creators are "Family, Given"; the
first date is the issue date; descriptions are abstracts and subjects keywords.
"""

from __future__ import annotations

import re
from typing import Any

import idutils
from lxml import etree

from samla.vocabularies.licences import find_licence

from .mapping import Header, MappedRecord, add_header, children, clean, date_part, rich_text

OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
NO_HEADER = Header()

# dc:type, lower-cased without spaces or the info:eu-repo/semantics/ prefix.
TYPES = {
    "article": "publication/journal-article",
    "journalarticle": "publication/journal-article",
    "review": "publication/review-article",
    "book": "publication/book",
    "bookpart": "publication/book-chapter",
    "bookchapter": "publication/book-chapter",
    "conferenceobject": "conference/paper",
    "conferencepaper": "conference/paper",
    "conferenceposter": "conference/poster",
    "lecture": "conference/other",
    "doctoralthesis": "publication/doctoral-thesis",
    "report": "publication/report",
    "workingpaper": "publication/working-paper",
    "preprint": "publication/preprint",
    "dataset": "other/data-set",
    "software": "other/software",
    "patent": "intellectual-property/patent",
}
# Zenodo types everything "other" in oai_dc and says what it is in the set.
SET_TYPES = {"software": "other/software", "openaire_data": "other/data-set"}
OTHER = "publication/other"
# dc:language values that name no language (DSpace writes "other").
NO_LANGUAGE = {"other"}
# What idutils detects in a dc:identifier, in order of preference, and the scheme Samla stores it under.
DETECTED_SCHEMES = {"doi": "doi", "handle": "handle", "isbn": "isbn", "url": "uri"}
ISBN_LABEL = re.compile(r"^ISBN:?\s*", re.IGNORECASE)


def map_oai_dc(dc: etree._Element, *, header: Header = NO_HEADER) -> MappedRecord:
    """The record an <oai_dc:dc> element describes."""
    values = _values(dc)
    titles = values.get("title", [])
    raw: dict[str, Any] = {
        "title": titles[0] if titles else "",
        "alternative_titles": [{"title": title} for title in titles[1:]],
        "output_type": _output_type(values.get("type", []), header.sets),
        "language": _language(next(iter(values.get("language", [])), "")),
        "issued": date_part(next(iter(values.get("date", [])), "")),
        "publisher": next(iter(values.get("publisher", [])), ""),
        "abstracts": [{"text": text} for text in _unique(_rich(dc, "description"))],
        "keywords": [{"terms": terms}] if (terms := _unique(values.get("subject", []))) else [],
        "licence": next((lic.id for text in values.get("rights", []) if (lic := find_licence(text))), ""),
        "contributors": _contributors(values),
    }
    raw["identifiers"], raw["notes"] = _identifiers(values.get("identifier", []), header.identifier)
    add_header(raw, header)
    return MappedRecord(raw, format="oai_dc")


def _values(dc: etree._Element) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for element in dc:
        if isinstance(element.tag, str) and (text := clean(element.text)):
            values.setdefault(etree.QName(element).localname, []).append(text)
    return values


def _language(value: str) -> str:
    """The language of a language tag ("en_US", "en-US" → "en"); DSpace's "other" names none."""
    return "" if value.lower() in NO_LANGUAGE else value.replace("_", "-").split("-")[0]


def _rich(dc: etree._Element, name: str) -> list[str]:
    return [text for element in children(dc, name) if (text := rich_text(element))]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _output_type(types: list[str], sets: tuple[str, ...]) -> str:
    for value in types:
        key = value.lower().removeprefix("info:eu-repo/semantics/").replace(" ", "")
        if key in TYPES:
            return TYPES[key]
    return next((SET_TYPES[s] for s in sets if s in SET_TYPES), OTHER)


def _contributors(values: dict[str, list[str]]) -> list[dict[str, str]]:
    """Creators are the authors; DSpace's older oai_dc puts the authors in dc:contributor instead."""
    if "creator" in values:
        return [_name(n, "aut") for n in values["creator"]]
    return [_name(n, "aut") for n in values.get("contributor", [])]


def _name(name: str, role: str) -> dict[str, str]:
    """A name given as Family, Given; or as Given Family when there is no comma."""
    if "," in name:
        family, _, given = name.partition(",")
    else:
        given, _, family = name.rpartition(" ")
    return {"family_name": family.strip(), "given_name": given.strip(), "role": role}


def _identifiers(values: list[str], source_identifier: str) -> tuple[list[dict[str, str]], list[str]]:
    """Identifiers by the scheme idutils recognises; one it does not is kept as a note, not lost."""
    identifiers, notes = [], []
    for value in values:
        if value == source_identifier:
            continue
        detected = idutils.detect_identifier_schemes(value)
        scheme = next((DETECTED_SCHEMES[s] for s in DETECTED_SCHEMES if s in detected), "")
        if scheme:
            identifiers.append({"scheme": scheme, "value": _without_label(scheme, value)})
        else:
            notes.append(f"Identifier: {value}")
    return identifiers, notes


def _without_label(scheme: str, value: str) -> str:
    """An ISBN as oai_dc writers (Samla among them) label it, "ISBN 978-…", without its label."""
    return ISBN_LABEL.sub("", value) if scheme == "isbn" else value

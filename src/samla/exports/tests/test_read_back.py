"""Every format × every demo record, read back by its real consumer: bibtexparser and pybtex, rispy, the
MODS 3.8 / 3.7, oai_dc and DataCite kernel-4 XSDs, the CSL-JSON schema, pyld, pymarc and the csv module.

Swepub MODS is checked against MODS 3.7, the version it declares (as DiVA's current Swepub records do), and
against 3.8, whose `version` attribute also accepts 3.7. No MARC21 slim XSD is bundled with the test data,
so MARCXML is read by pymarc and checked against the MARC 21 structure (leader, tags, indicators, subfield
codes) that MARC21slim.xsd describes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from functools import cache

import bibtexparser
import jsonschema
import pybtex.database
import pymarc
import pytest
import rispy
from lxml import etree
from pyld import jsonld

from samla.core.access import Actor
from samla.exports.framing import render_record, render_records
from samla.exports.registry import Format, formats
from samla.records.services import get_record_for

from .conftest import SCHEMAS, assert_valid, demo_ids, xml_schema

pytestmark = pytest.mark.django_db

# EndNote's RSXML.dtd content model of <record> (element order matters to EndNote), for what we write.
ENDNOTE_DTD = """
<!ELEMENT xml (records)>
<!ELEMENT records (record+)>
<!ELEMENT record (database?, source-app?, rec-number?, foreign-keys?, ref-type?, contributors?,
  auth-address?, auth-affiliaton?, titles?, periodical?, pages?, volume?, number?, issue?,
  secondary-volume?, secondary-issue?, num-vols?, edition?, section?, reprint-edition?, reprint-status?,
  keywords?, dates?, pub-location?, publisher?, orig-pub?, isbn?, accession-num?, call-num?, report-id?,
  coden?, electronic-resource-num?, abstract?, label?, image?, caption?, notes?, research-notes?,
  work-type?, reviewed-item?, availability?, remote-source?, meeting-place?, work-location?,
  work-extent?, pack-method?, size?, repro-ratio?, remote-database-name?, remote-database-provider?,
  language?, urls?, access-date?, modified-date?, custom1?, custom2?, custom3?, custom4?, custom5?,
  custom6?, custom7?)>
<!ELEMENT source-app (#PCDATA)> <!ATTLIST source-app name CDATA #IMPLIED>
<!ELEMENT ref-type (#PCDATA)> <!ATTLIST ref-type name CDATA #REQUIRED>
<!ELEMENT contributors (authors?, secondary-authors?, tertiary-authors?, subsidiary-authors?)>
<!ELEMENT authors (author+)> <!ELEMENT secondary-authors (author+)> <!ELEMENT tertiary-authors (author+)>
<!ELEMENT subsidiary-authors (author+)> <!ELEMENT author (#PCDATA)>
<!ELEMENT titles (title?, secondary-title?, tertiary-title?)>
<!ELEMENT title (#PCDATA)> <!ELEMENT secondary-title (#PCDATA)> <!ELEMENT tertiary-title (#PCDATA)>
<!ELEMENT periodical (full-title)> <!ELEMENT full-title (#PCDATA)>
<!ELEMENT keywords (keyword+)> <!ELEMENT keyword (#PCDATA)>
<!ELEMENT dates (year?, pub-dates?)> <!ELEMENT year (#PCDATA)> <!ELEMENT pub-dates (date+)>
<!ELEMENT date (#PCDATA)>
<!ELEMENT urls (related-urls?)> <!ELEMENT related-urls (url+)> <!ELEMENT url (#PCDATA)>
<!ELEMENT auth-address (#PCDATA)> <!ELEMENT pages (#PCDATA)> <!ELEMENT volume (#PCDATA)>
<!ELEMENT number (#PCDATA)> <!ELEMENT edition (#PCDATA)> <!ELEMENT pub-location (#PCDATA)>
<!ELEMENT publisher (#PCDATA)> <!ELEMENT isbn (#PCDATA)> <!ELEMENT accession-num (#PCDATA)>
<!ELEMENT electronic-resource-num (#PCDATA)> <!ELEMENT abstract (#PCDATA)> <!ELEMENT work-type (#PCDATA)>
<!ELEMENT language (#PCDATA)> <!ELEMENT custom7 (#PCDATA)>
"""
MARC_LEADER = re.compile(
    r"^[\d ]{5}[\dA-Za-z ][\dA-Za-z][\dA-Za-z ]{3}(2| )(2| )[\d ]{5}[\dA-Za-z ]{3}(4500|    )$"
)
SCHEMA_ORG_CONTEXT = {
    # A stand-in for https://schema.org's context (no network here): its vocabulary and the
    # properties that it declares as links.
    "@context": {
        "@vocab": "http://schema.org/",
        **{key: {"@type": "@id"} for key in ("sameAs", "url", "license", "inDefinedTermSet")},
    }
}


def _bibtex(text: str, record) -> None:
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    assert len(library.entries) == 1
    entry = library.entries[0]
    assert entry.fields_dict["title"].value
    parsed = pybtex.database.parse_string(text, "bibtex")
    assert list(parsed.entries) == [entry.key]
    assert parsed.entries[entry.key].type == entry.entry_type


def _ris(text: str, record) -> None:
    [reference] = rispy.loads(text)
    assert reference["title"] == record.full_title
    assert reference["type_of_reference"]
    assert reference["id"] == record.local_id


def _endnote(text: str, record) -> None:
    document = etree.fromstring(text.encode())
    dtd = etree.DTD(io.StringIO(ENDNOTE_DTD))
    assert dtd.validate(document), dtd.error_log.filter_from_errors()
    assert document.findtext("records/record/titles/title") == record.full_title


def _xsd(*schemas: str) -> Callable[[str, object], None]:
    def check(text: str, record) -> None:
        document = etree.fromstring(text.encode())
        for schema in schemas:
            assert_valid(xml_schema(schema), document)

    return check


@cache
def _csl_schema() -> dict:
    return json.loads((SCHEMAS / "csl" / "csl-data.json").read_text("utf-8"))


def _csl_json(text: str, record) -> None:
    items = json.loads(text)
    jsonschema.validate(items, _csl_schema())
    assert [item["id"] for item in items] == [record.local_id]


def _marcxml(text: str, record) -> None:
    document = etree.fromstring(text.encode())
    marc = "{http://www.loc.gov/MARC21/slim}"
    children = [child.tag.removeprefix(marc) for child in document]
    assert children[0] == "leader" and children == sorted(
        children, key=["leader", "controlfield", "datafield"].index
    )
    assert MARC_LEADER.match(document.findtext(f"{marc}leader"))
    for field in document.iter(f"{marc}controlfield"):
        assert re.fullmatch(r"00[1-9A-Za-z]", field.get("tag"))
    for field in document.iter(f"{marc}datafield"):
        assert re.fullmatch(r"0[1-9][0-9]|[1-9][0-9]{2}", field.get("tag"))
        assert re.fullmatch(r"[\da-z ]", field.get("ind1")) and re.fullmatch(r"[\da-z ]", field.get("ind2"))
        assert all(re.fullmatch(r"[\da-z]", s.get("code")) and s.text for s in field)
        assert len(field)
    [parsed] = pymarc.parse_xml_to_array(io.BytesIO(text.encode()))
    assert parsed["001"].data == record.local_id
    assert parsed["245"]["a"] == record.title


def _offline_loader(url: str, options: dict) -> dict:
    assert url.rstrip("/") in ("https://schema.org", "http://schema.org"), url
    return {"contextUrl": None, "documentUrl": url, "document": SCHEMA_ORG_CONTEXT}


def _json_ld(text: str, record) -> None:
    document = json.loads(text)
    [expanded] = jsonld.expand(document, {"documentLoader": _offline_loader})
    assert expanded["@type"][0].startswith("http://schema.org/")
    assert expanded["http://schema.org/name"][0]["@value"] == record.full_title
    dropped = set(document) - {"@context"} - {key.removeprefix("http://schema.org/") for key in expanded}
    assert dropped <= {"@id", "@type"}, dropped


def _csv(text: str, record) -> None:
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    from samla.exports import csv as csv_format

    assert rows == [list(csv_format.COLUMNS), csv_format.write(record)]


CONSUMERS: dict[str, Callable[[str, object], None]] = {
    "bibtex": _bibtex,
    "ris": _ris,
    "endnote": _endnote,
    "mods": _xsd("mods/mods-3-8.xsd"),
    "swepub_mods": _xsd("mods/mods-3-7.xsd", "mods/mods-3-8.xsd"),
    "oai_dc": _xsd("oai-pmh/oai_dc.xsd"),
    "datacite": _xsd("datacite/kernel-4/metadata.xsd"),
    "csl-json": _csl_json,
    "marcxml": _marcxml,
    "json-ld": _json_ld,
    "csv": _csv,
}


def test_every_registered_format_has_a_consumer_here():
    assert sorted(CONSUMERS) == sorted(f.name for f in formats())


@pytest.mark.parametrize("local_id", demo_ids())
@pytest.mark.parametrize("fmt", formats(), ids=lambda f: f.name)
def test_export_of_demo_record_is_read_back_by_its_consumer(fmt: Format, local_id: str):
    record = get_record_for(Actor.anonymous(), local_id)

    CONSUMERS[fmt.name](render_record(fmt, record), record)


@pytest.mark.parametrize("fmt", formats(), ids=lambda f: f.name)
def test_list_export_of_whole_demo_corpus_is_one_readable_file(fmt: Format):
    records = [get_record_for(Actor.anonymous(), local_id) for local_id in demo_ids()]

    text = "".join(render_records(fmt, records, chunk_chars=1000))

    if fmt.name in ("bibtex",):
        library = bibtexparser.parse_string(text)
        assert not library.failed_blocks and len(library.entries) == len(records)
        assert len(pybtex.database.parse_string(text, "bibtex").entries) == len(records)
    elif fmt.name == "ris":
        assert [r["id"] for r in rispy.loads(text)] == [r.local_id for r in records]
    elif fmt.name in ("csl-json",):
        jsonschema.validate(json.loads(text), _csl_schema())
    elif fmt.name == "json-ld":
        graph = jsonld.expand(json.loads(text), {"documentLoader": _offline_loader})
        assert len(graph) == len(records)
    elif fmt.name == "csv":
        assert len(list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))) == len(records) + 1
    else:
        document = etree.fromstring(text.encode())
        assert len(document.xpath("//*[local-name()='title' or local-name()='leader']")) >= len(records)
        if fmt.name in ("mods", "swepub_mods"):
            assert_valid(xml_schema("mods/mods-3-8.xsd"), document)
        if fmt.name == "marcxml":
            assert len(pymarc.parse_xml_to_array(io.BytesIO(text.encode()))) == len(records)
        if fmt.name in ("oai_dc", "datacite"):
            schema = xml_schema(
                "oai-pmh/oai_dc.xsd" if fmt.name == "oai_dc" else "datacite/kernel-4/metadata.xsd"
            )
            for child in document:
                assert_valid(schema, child)
        if fmt.name == "endnote":
            assert etree.DTD(io.StringIO(ENDNOTE_DTD)).validate(document)

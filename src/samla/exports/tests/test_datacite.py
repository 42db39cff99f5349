"""DataCite kernel 4: the seed record exactly, valid against the kernel-4 XSD."""

import pytest
from lxml import etree

from samla.exports import datacite
from samla.exports.framing import render_record

from .conftest import BASE_URL, assert_valid, expected, format_named, xml_schema

pytestmark = pytest.mark.django_db
NS = {"d": datacite.DATACITE_NS}


def test_datacite_seed_record_equals_expected_document(seed):
    text = render_record(format_named("datacite"), seed)

    assert text == expected("diva2_1897829.datacite.xml")
    assert_valid(xml_schema("datacite/kernel-4/metadata.xsd"), etree.fromstring(text.encode()))


def test_datacite_seed_identifier_type_and_journal(seed):
    element = datacite.write(seed)

    assert element.findtext("d:identifier", namespaces=NS) == "10.1186/s12913-024-10549-4"
    assert element.find("d:resourceType", NS).get("resourceTypeGeneral") == "JournalArticle"
    [item] = element.iterfind("d:relatedItems/d:relatedItem", NS)
    assert item.get("relatedItemType") == "Journal"
    assert item.findtext("d:number", namespaces=NS) == "219"
    assert element.xpath("d:creators/d:creator[3]/d:nameIdentifier/text()", namespaces=NS) == [
        "https://orcid.org/0000-0003-4364-9814"
    ]


def test_datacite_record_without_doi_or_authors_still_validates(make_record):
    record = make_record(contributors=[], identifiers=[], issued="", journal=None)

    element = datacite.write(record)

    assert element.find("d:identifier", NS).get("identifierType") == "URL"
    assert element.findtext("d:identifier", namespaces=NS) == f"{BASE_URL}/record/{record.local_id}"
    assert element.findtext("d:creators/d:creator/d:creatorName", namespaces=NS) == ":unkn"
    assert_valid(xml_schema("datacite/kernel-4/metadata.xsd"), element)

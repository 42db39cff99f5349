"""Links to the full text elsewhere and the access condition, in every format that can say them, on
real DiVA records of the demo corpus; each XML format valid against its XSD."""

import pytest

from samla.core.access import Actor
from samla.exports import datacite, json_ld, mods, oai_dc, swepub_mods
from samla.records.services import get_record_for

from .conftest import assert_valid, xml_schema

pytestmark = pytest.mark.django_db
NS = {
    "m": mods.MODS_NS,
    "d": datacite.DATACITE_NS,
    "dc": oai_dc.DC_NS,
}
FREE = [
    "https://doi.org/10.1371/journal.pone.0155045",
    "http://umu.diva-portal.org/smash/get/diva2:931243/FULLTEXT01.pdf",
]


@pytest.fixture
def free():
    """Two free full-text links (DiVA: note="free")."""
    return get_record_for(Actor.anonymous(), "diva:umu-121139")


@pytest.fixture
def gratis():
    """Access condition "gratis", and a link that is not labelled the full text."""
    return get_record_for(Actor.anonymous(), "diva:kth-289495")


@pytest.mark.parametrize(
    ("writer", "schema"), [(mods, "mods/mods-3-8.xsd"), (swepub_mods, "mods/mods-3-7.xsd")]
)
def test_mods_writes_links_as_diva_does_and_the_access_condition(writer, schema, free, gratis):
    element = writer.write(free)
    assert_valid(xml_schema(schema), element)
    urls = element.xpath("m:location/m:url[not(@usage='primary display')]", namespaces=NS)
    assert [(u.text, u.get("displayLabel"), u.get("note")) for u in urls] == [
        (FREE[0], "Fulltext", "free"),
        (FREE[1], "fulltext:print", "free"),
    ]
    element = writer.write(gratis)
    assert_valid(xml_schema(schema), element)
    assert element.xpath("m:accessCondition[not(@type)]/text()", namespaces=NS) == ["gratis"]
    [url] = element.xpath("m:location/m:url[not(@usage='primary display')]", namespaces=NS)
    assert (url.text, url.get("note")) == ("https://doi.org/10.1073/pnas.2002710117", None)


def test_datacite_writes_links_as_identical_urls_and_open_access_rights(free):
    element = datacite.write(free)
    assert_valid(xml_schema("datacite/kernel-4/metadata.xsd"), element)
    urls = element.xpath(
        "d:relatedIdentifiers/d:relatedIdentifier[@relatedIdentifierType='URL']", namespaces=NS
    )
    assert [(u.text, u.get("relationType")) for u in urls] == [(url, "IsIdenticalTo") for url in FREE]
    rights = element.xpath("d:rightsList/d:rights", namespaces=NS)
    assert [(r.text, r.get("rightsURI")) for r in rights] == [
        ("Open access", "info:eu-repo/semantics/openAccess")
    ]


def test_oai_dc_writes_links_as_identifiers_and_open_access_rights(gratis):
    element = oai_dc.write(gratis)
    assert_valid(xml_schema("oai-pmh/oai_dc.xsd"), element)
    assert "https://doi.org/10.1073/pnas.2002710117" in element.xpath("dc:identifier/text()", namespaces=NS)
    assert element.xpath("dc:rights/text()", namespaces=NS)[-1] == "info:eu-repo/semantics/openAccess"


def test_json_ld_writes_links_as_the_media_objects_encoding_it(free):
    item = json_ld.write(free)
    assert item["isAccessibleForFree"] is True
    assert item["encoding"] == [
        {"@type": "MediaObject", "contentUrl": FREE[0], "name": "Fulltext", "isAccessibleForFree": True},
        {
            "@type": "MediaObject",
            "contentUrl": FREE[1],
            "name": "fulltext:print",
            "isAccessibleForFree": True,
        },
    ]

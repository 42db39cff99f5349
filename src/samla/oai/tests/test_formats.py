"""Every metadata format of the registry, harvested over every verb that carries it, validates: the
envelope against the strict OAI-PMH schema and the records against their own XSDs."""

from functools import cache

import pytest
from lxml import etree
from tests import TESTDATA

from samla.exports.registry import formats
from samla.oai import services

pytestmark = pytest.mark.django_db
SCHEMAS = TESTDATA / "schemas"
NS = {"o": "http://www.openarchives.org/OAI/2.0/"}
SEED = "oai:samla.example.org:diva2:1897829"
# A metadata namespace -> the schema its records are checked with (MARCXML: no MARC21slim.xsd is bundled,
# so those records are checked by the exports app's own MARC tests; here the envelope only).
RECORD_SCHEMAS = {
    "http://www.loc.gov/mods/v3": "mods/mods-3-8.xsd",
    "http://www.openarchives.org/OAI/2.0/oai_dc/": "oai-pmh/oai_dc.xsd",
    "http://datacite.org/schema/kernel-4": "datacite/kernel-4/metadata.xsd",
}
PREFIXES = [f.oai.prefix for f in formats() if f.oai]


@cache
def schema(path: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / path)))


def validate(tree: etree._Element) -> None:
    schema("oai-pmh/OAI-PMH-lax-pyoai.xsd").assertValid(tree)
    for metadata in tree.xpath("//o:metadata/*", namespaces=NS):
        namespace = etree.QName(metadata).namespace
        if namespace in RECORD_SCHEMAS:
            schema(RECORD_SCHEMAS[namespace]).assertValid(etree.ElementTree(metadata))


def test_every_oai_format_of_the_registry_is_offered(client):
    tree = etree.fromstring(client.get("/oai", {"verb": "ListMetadataFormats"}).content)
    assert sorted(tree.xpath("//o:metadataPrefix/text()", namespaces=NS)) == sorted(PREFIXES)
    assert {"oai_dc", "mods", "swepub_mods", "datacite", "marc21"} <= set(PREFIXES)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_list_records_in_each_format_validates_for_every_record(client, prefix, monkeypatch):
    monkeypatch.setattr(services, "PAGE_SIZE", 25)
    token, count = None, 0
    while True:
        params = (
            {"verb": "ListRecords", "resumptionToken": token}
            if token
            else {"verb": "ListRecords", "metadataPrefix": prefix}
        )
        tree = etree.fromstring(client.get("/oai", params).content)
        validate(tree)
        count += len(tree.xpath("//o:record", namespaces=NS))
        found = tree.xpath("//o:resumptionToken/text()", namespaces=NS)
        token = found[0] if found else None
        if not token:
            break
    assert count == int(tree.xpath("//o:resumptionToken/@completeListSize", namespaces=NS)[0])


@pytest.mark.parametrize("prefix", PREFIXES)
def test_get_record_and_list_metadata_formats_for_an_identifier_validate(client, prefix):
    validate(
        etree.fromstring(
            client.get("/oai", {"verb": "GetRecord", "identifier": SEED, "metadataPrefix": prefix}).content
        )
    )
    validate(
        etree.fromstring(client.get("/oai", {"verb": "ListMetadataFormats", "identifier": SEED}).content)
    )


def test_list_sets_and_identify_validate_with_the_strict_bundle(client):
    bundle = schema("oai-pmh-bundle-mods38.xsd")
    for verb in ("Identify", "ListSets"):
        bundle.assertValid(etree.fromstring(client.get("/oai", {"verb": verb}).content))

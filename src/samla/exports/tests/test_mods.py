"""MODS 3.8: the seed record exactly, valid against mods-3-8.xsd, and its parts."""

import pytest
from lxml import etree

from samla.exports import mods
from samla.exports.framing import render_record, render_records

from .conftest import assert_valid, expected, format_named, xml_schema

pytestmark = pytest.mark.django_db
NS = {"m": mods.MODS_NS}


def test_mods_seed_record_equals_expected_document(seed):
    text = render_record(format_named("mods"), seed)

    assert text == expected("diva2_1897829.mods.xml")
    assert_valid(xml_schema("mods/mods-3-8.xsd"), etree.fromstring(text.encode()))


def test_mods_seed_host_has_journal_numbers_and_orcid(seed):
    element = mods.write(seed)

    host = element.find("m:relatedItem[@type='host']", NS)
    assert host.findtext("m:titleInfo/m:title", namespaces=NS) == "BMC Health Services Research"
    details = {d.get("type"): d.findtext("m:number", namespaces=NS) for d in host.iterfind(".//m:detail", NS)}
    assert details == {"volume": "24", "issue": "1", "artNo": "219"}
    assert element.xpath("m:name[3]/m:nameIdentifier[@type='orcid']/text()", namespaces=NS) == [
        "0000-0003-4364-9814"
    ]
    assert element.xpath("m:genre[@authority='kb.se']/text()", namespaces=NS) == [
        "publication/review-article"
    ]


def test_mods_list_is_a_valid_mods_collection(seed, make_record):
    other = make_record(title="Second record", pages_start="5", pages_end="9")

    text = "".join(render_records(format_named("mods"), [seed, other]))

    document = etree.fromstring(text.encode())
    assert document.tag == f"{{{mods.MODS_NS}}}modsCollection"
    assert len(document) == 2
    assert_valid(xml_schema("mods/mods-3-8.xsd"), document)

"""Dublin Core (oai_dc): the seed record exactly, valid against oai_dc.xsd."""

import pytest
from lxml import etree

from samla.exports import oai_dc
from samla.exports.framing import render_record

from .conftest import assert_valid, expected, format_named, xml_schema

pytestmark = pytest.mark.django_db
NS = {"dc": oai_dc.DC_NS}


def test_oai_dc_seed_record_equals_expected_document(seed):
    text = render_record(format_named("oai_dc"), seed)

    assert text == expected("diva2_1897829.dc.xml")
    assert_valid(xml_schema("oai-pmh/oai_dc.xsd"), etree.fromstring(text.encode()))


def test_oai_dc_seed_types_and_source(seed):
    element = oai_dc.write(seed)

    assert element.xpath("dc:type/text()", namespaces=NS) == [
        "info:eu-repo/semantics/article",
        "info:eu-repo/semantics/publishedVersion",
        "Text",
        "Article, review/survey",
    ]
    assert element.xpath("dc:source/text()", namespaces=NS) == [
        "BMC Health Services Research, Vol. 24, no 1, article id 219",
        "ISSN 1472-6963",
    ]
    assert element.xpath("dc:creator/text()", namespaces=NS) == [
        "Kjellström, Sofia",
        "Sarre, Sophie",
        "Masterson, Daniel",
    ]


def test_oai_dc_editors_of_a_collection_are_creators_and_others_contributors(make_record):
    record = make_record(
        output_type="publication/edited-book",
        contributors=[
            {"family_name": "Editor", "given_name": "Ed", "role": "edt"},
            {"family_name": "Translator", "given_name": "Tim", "role": "trl"},
        ],
    )

    element = oai_dc.write(record)

    assert element.xpath("dc:creator/text()", namespaces=NS) == ["Editor, Ed"]
    assert element.xpath("dc:contributor/text()", namespaces=NS) == ["Translator, Tim"]

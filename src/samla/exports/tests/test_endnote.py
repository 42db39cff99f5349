"""EndNote XML: the seed record exactly, reference types and contributor groups."""

import pytest

from samla.exports import endnote
from samla.exports.framing import render_record, render_records

from .conftest import expected, format_named

pytestmark = pytest.mark.django_db


def test_endnote_seed_record_equals_expected_document(seed):
    assert render_record(format_named("endnote"), seed) == expected("diva2_1897829.endnote.xml")


def test_endnote_thesis_supervisors_are_tertiary_authors(make_record):
    record = make_record(
        output_type="publication/doctoral-thesis",
        contributors=[
            {"family_name": "Student", "given_name": "Sam"},
            {"family_name": "Supervisor", "given_name": "Sue", "role": "ths"},
        ],
    )

    element = endnote.write(record)

    assert element.find("ref-type").get("name") == "Thesis"
    assert element.find("ref-type").text == "32"
    assert element.xpath("contributors/tertiary-authors/author/text()") == ["Supervisor, Sue"]


def test_endnote_list_is_one_records_element(seed, make_record):
    other = make_record(title="Second record")

    text = "".join(render_records(format_named("endnote"), [seed, other]))

    assert text.count("<records>") == 1
    assert text.count("<record>") == 2

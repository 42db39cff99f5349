"""MARCXML: the seed record exactly, and what pymarc reads back."""

import io

import pymarc
import pytest

from samla.exports import marcxml
from samla.exports.framing import render_record

from .conftest import expected, format_named

pytestmark = pytest.mark.django_db


def test_marcxml_seed_record_equals_expected_document(seed):
    assert render_record(format_named("marcxml"), seed) == expected("diva2_1897829.marc.xml")


def test_marcxml_seed_reads_back_with_pymarc(seed):
    [record] = pymarc.parse_xml_to_array(io.BytesIO(render_record(format_named("marcxml"), seed).encode()))

    assert str(record.leader) == "00000naa a2200000 c 4500"
    assert record["100"]["a"] == "Kjellström, Sofia"
    assert [f["a"] for f in record.get_fields("700")] == ["Sarre, Sophie", "Masterson, Daniel"]
    assert record.get_fields("700")[1]["1"] == "https://orcid.org/0000-0003-4364-9814"
    assert record["773"]["g"] == "Vol. 24, no. 1, article id 219"
    assert record["008"].data[35:38] == "eng"
    assert len(record["008"].data) == 40


def test_marcxml_software_is_a_computer_file_monograph(make_record):
    record = make_record(output_type="other/software", journal=None)

    assert marcxml.leader(record) == "00000nmm a2200000 c 4500"

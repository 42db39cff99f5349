"""Reading source files: OAI-PMH envelopes, stand-alone MODS, and files that must not be read."""

from pathlib import Path

import pytest

from samla.imports.errors import UnreadableFile
from samla.imports.mapping import local_id_from
from samla.imports.oai_pmh import read_records

from .conftest import DIVA_MODS, DIVA_SWEPUB, TESTDATA

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE OAI-PMH [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>&lol3;</responseDate></OAI-PMH>
"""


def test_read_records_list_records_yields_headers_lines_and_metadata():
    records = read_records(DIVA_SWEPUB / "obsolete-test-listrecords.xml")

    assert [(r.header.identifier, r.line) for r in records] == [
        ("oai:DiVA.org:kth-289495", 8),
        ("oai:DiVA.org:kth-285297", 194),
        ("oai:DiVA.org:kth-286668", 440),
    ]
    assert records[0].header.datestamp.startswith("20")
    assert all(r.metadata is not None and not r.header.deleted for r in records)


def test_read_records_deleted_header_yields_deleted_record_without_metadata():
    (record,) = read_records(DIVA_SWEPUB / "delete_kth_post.xml")

    assert (record.header.identifier, record.header.deleted, record.metadata) == (
        "oai:DiVA.org:kth-49381:mock",
        True,
        None,
    )


def test_read_records_standalone_mods_yields_one_record_without_header():
    (record,) = read_records(DIVA_MODS / "diva-ri-39788.mods.xml")

    assert (record.header.identifier, record.line) == ("", 2)


def test_read_records_mods_collection_yields_each_mods():
    records = read_records(TESTDATA / "records" / "mods" / "jabref" / "MODSImporterTestModsCollection.xml")

    assert len(records) == 3


def test_read_records_not_well_formed_file_raises_naming_file_and_line(not_well_formed):
    with pytest.raises(UnreadableFile) as raised:
        read_records(not_well_formed)

    assert raised.value.line == 186
    assert raised.value.message.startswith(f"{not_well_formed}:186: not well-formed XML")


def test_read_records_entity_declarations_raise_unreadable_file(tmp_path: Path):
    path = tmp_path / "laughs.xml"
    path.write_text(BILLION_LAUGHS)

    with pytest.raises(UnreadableFile, match="declares a DTD"):
        read_records(path)


def test_read_records_oai_pmh_error_response_raises_unreadable_file():
    with pytest.raises(UnreadableFile, match="OAI-PMH error badResumptionToken"):
        read_records(TESTDATA / "oai-pmh" / "zenodo-invenio" / "error-ListRecords-badResumptionToken.xml")


def test_read_records_html_page_raises_unreadable_file():
    with pytest.raises(UnreadableFile):
        read_records(TESTDATA / "oai-pmh" / "broken" / "Identify-returns-html.html")


@pytest.mark.parametrize(
    ("identifier", "local_id"),
    [
        ("oai:zenodo.org:8333281", "zenodo:8333281"),
        ("oai:DiVA.org:kth-49381:mock", "diva:kth-49381_mock"),
        ("oai:lup.lub.lu.se:3070384e-0534", "lup:3070384e-0534"),
        ("hdl:1765/308", "hdl:1765_308"),
    ],
)
def test_local_id_from_source_identifier_is_deterministic_local_id(identifier, local_id):
    assert local_id_from(identifier) == local_id


def test_read_records_indentation_is_dropped_but_spaces_in_mixed_content_are_kept(tmp_path: Path):
    path = tmp_path / "mods.xml"
    path.write_text(
        '<mods xmlns="http://www.loc.gov/mods/v3">\n  <titleInfo>\n    <title>A title</title>\n'
        "  </titleInfo>\n  <note>one <b>bold</b> <i>word</i> here</note>\n</mods>\n"
    )

    (record,) = read_records(path)

    title_info = record.metadata[0]
    assert (title_info.text, title_info[0].tail) == (None, None)
    assert "".join(record.metadata[1].itertext()) == "one bold word here"

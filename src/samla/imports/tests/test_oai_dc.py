"""The Dublin Core mapping on real Zenodo (InvenioRDM) and DSpace responses."""

import datetime as dt

from samla.imports.oai_pmh import read_records

from .conftest import TESTDATA

ZENODO = TESTDATA / "oai-pmh" / "zenodo-invenio"
DSPACE = TESTDATA / "oai-pmh" / "dspace-erasmus"


def test_map_oai_dc_zenodo_lecture_maps_type_creator_doi_and_licence():
    record = read_records(ZENODO / "ListRecords-oai_dc.xml")[0].map().record

    assert record.local_id == "zenodo:8435696"
    assert record.title == "PocketCoffea: a configuration layer for CMS analyses with Coffea"
    assert record.output_type == "conference/other"  # info:eu-repo/semantics/lecture
    assert [(c.family_name, c.given_name, c.role) for c in record.contributors] == [
        ("Marchegiani", "Matteo", "aut")
    ]
    assert (record.issued, record.publisher, record.licence) == ("2023-10-10", "Zenodo", "CC-BY-4.0")
    assert [(i.scheme, i.value) for i in record.identifiers] == [
        ("doi", "https://doi.org/10.5281/zenodo.8435696"),
        ("oai", "oai:zenodo.org:8435696"),
    ]
    assert (record.created, record.last_updated) == (dt.date(2023, 10, 12), dt.date(2023, 10, 12))
    (abstract,) = record.abstracts
    assert abstract.text.startswith(
        "A configuration layer for the analysis of CMS data in the NanoAOD format"
    )
    assert "<" not in abstract.text and "&" not in abstract.text
    assert abstract.text.count("\n") == 4  # two <p>s and three <br>s


def test_map_oai_dc_zenodo_other_type_in_software_set_maps_software():
    records = read_records(ZENODO / "ListRecords-oai_dc-page2.xml")
    record = records[2].map().record

    assert records[2].header.sets == ("software",)
    assert record.output_type == "other/software"
    assert [(c.family_name, c.given_name) for c in record.contributors][:2] == [
        ("Thronsen", "Elisabeth"),
        ("Bergh", "Tina"),
    ]
    assert record.keywords[0].terms == [
        "Phase mapping",
        "Transmission electron microscopy",
        "Machine learning",
        "Template matching",
        "4D-STEM",
    ]


def test_map_oai_dc_dspace_record_maps_contributors_handle_and_language_tag():
    records = read_records(DSPACE / "ListRecords.xml")
    record = next(r for r in records if r.header.identifier == "hdl:1765/316").map().record

    assert record.local_id == "hdl:1765_316"
    assert record.output_type == "publication/working-paper"
    assert record.language == "en"  # dc:language en_US
    assert record.issued == "2003-04-22"
    assert [(c.family_name, c.given_name) for c in record.contributors] == [
        ("Toktay", "B."),
        ("Laan", "E.A. van der"),
        ("Brito", "M.P. de"),
    ]
    assert [(i.scheme, i.value) for i in record.identifiers] == [("handle", "http://hdl.handle.net/1765/316")]
    assert len(record.abstracts) == 1  # DSpace repeats the description


def test_map_oai_dc_dspace_isbn_and_other_language_map_identifier_and_no_language():
    record = read_records(DSPACE / "ListRecords.xml")[0].map().record

    assert record.language == ""  # dc:language "other"
    assert [(i.scheme, i.value) for i in record.identifiers] == [
        ("isbn", "90-5892-036-4"),
        ("handle", "http://hdl.handle.net/1765/308"),
    ]

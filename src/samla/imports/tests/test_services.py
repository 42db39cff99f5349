"""The import service: real files in, records, organisations and per-record reports out.

The test database holds the demo corpus, built from these same files, so imports of them update or
leave unchanged; records that must be created are copies under new ids (see conftest).
"""

from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps

from samla.imports.services import import_files
from samla.organisations.models import Organisation
from samla.records.models import Record, Revision
from samla.records.services import get_record_for

from .conftest import DIVA_MODS, DIVA_SWEPUB, TESTDATA

WELL_FORMED = sorted(DIVA_SWEPUB.glob("*.xml")) + sorted(DIVA_MODS.glob("*.xml"))
# Records with a value the record service keeps aside with a quality flag: (file, line) → (field, message).
FLAGGED = {
    ("dedup.xml", 2711): (
        "identifiers",
        "'oai:gup.ub.gu.se/212822' is not an OAI identifier (oai:<repository>:<id>)",
    ),
    ("dedup.xml", 2946): (
        "identifiers",
        "'oai:gup.ub.gu.se/216759' is not an OAI identifier (oai:<repository>:<id>)",
    ),
    ("minimum_level-diva.xml", 120): (
        "identifiers",
        "'978-911-7601-301-4' is not a valid ISBN (The number has an invalid length.)",
    ),
}
BAD_ORCID = {"0000-0001-9329-9088": "0000-0001-9329-9089"}
NO_TITLE = {
    "Inkjet Printing of Graphene-based Microsupercapacitors for Miniaturized Energy Storage": "",
    "Applications": "",
}


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def statuses(results) -> Counter:
    return Counter(r.status for r in results)


@pytest.mark.parametrize("path", WELL_FORMED, ids=lambda p: p.name)
def test_import_files_well_formed_testdata_file_imports_every_record_flagging_bad_values(db, system, path):
    results = list(import_files(system, [path]))

    assert [r for r in results if r.status == "failed"] == []
    flagged = {(Path(r.path).name, r.line): r.flags for r in results if r.flags}
    assert flagged == {key: (flag,) for key, flag in FLAGGED.items() if key[0] == path.name}
    assert all(r.record for r in results)


def test_import_files_flagged_record_is_written_without_its_bad_identifier(db, system):
    results = list(import_files(system, [DIVA_SWEPUB / "minimum_level-diva.xml"]))

    (flagged,) = [r for r in results if r.flags]
    assert (flagged.line, flagged.record, flagged.status) == (120, "diva2:844675", "created")
    assert flagged.flag_lines() == [
        f"{DIVA_SWEPUB / 'minimum_level-diva.xml'}:120 diva2:844675 identifiers: "
        "'978-911-7601-301-4' is not a valid ISBN (The number has an invalid length.)"
    ]
    record = get_record_for(system, "diva2:844675")
    assert [i.scheme for i in record.identifiers.all() if i.value == "978-911-7601-301-4"] == []
    assert [(f["field"], f["kind"], f["scheme"], f["value"]) for f in record.quality_flags] == [
        ("identifiers", "invalid-identifier", "isbn", "978-911-7601-301-4")
    ]


def test_import_files_not_well_formed_file_fails_and_changes_nothing(db, system, not_well_formed):
    before = row_counts()

    results = list(import_files(system, [not_well_formed]))

    assert [(Path(r.path).name, r.line, r.status) for r in results] == [("chalmers.xml", 186, "failed")]
    assert "not well-formed XML (Entity 'oumlaut' not defined" in results[0].message
    assert row_counts() == before


def test_import_files_entity_declarations_fail_and_change_nothing(db, system, tmp_path):
    source = (DIVA_SWEPUB / "kth-new-diva.xml").read_text(encoding="utf-8")
    path = tmp_path / "laughs.xml"
    path.write_text(
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE OAI-PMH [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n'
        + source.replace("QC 20190816", "&lol2;"),
        encoding="utf-8",
    )
    before = row_counts()

    (result,) = import_files(system, [path])

    assert (result.status, result.record) == ("failed", "")
    assert "declares a DTD" in result.message
    assert row_counts() == before


def test_import_files_invalid_orcid_is_flagged_and_the_contributor_kept_without_it(
    db, system, kth_thesis_copies
):
    path = kth_thesis_copies((9100001, BAD_ORCID), (9100002, {}))

    bad, good = import_files(system, [path])

    assert (bad.status, bad.record) == ("created", "diva2:9100001")
    assert bad.flags == (
        (
            "contributors[0].person.orcid",
            "'0000-0001-9329-9089' is not a valid ORCID iD (wrong form or check digit)",
        ),
    )
    assert (good.status, good.record, good.flags) == ("created", "diva2:9100002", ())
    flagged = get_record_for(system, "diva2:9100001").contributions.all()[0]
    assert flagged.family_name == "Sollami Delekta"
    assert flagged.person is None or flagged.person.orcid != "0000-0001-9329-9089"
    record = get_record_for(system, "diva2:9100002")
    assert record.contributions.all()[0].person.orcid == "0000-0001-9329-9088"


HOSTILE_EXTENT = {"<extent>73</extent>": f"<extent>{'9' * 5000}</extent>"}
BODYLESS_ABSTRACT = {'<abstract lang="eng">': '<abstract lang="eng">&lt;html&gt;&lt;/html&gt;'}


def test_import_files_hostile_values_fail_their_record_or_give_no_text_and_the_import_goes_on(
    db, system, kth_thesis_copies
):
    """A page count of 5,000 digits and an abstract that is a whole HTML document: each once stopped the
    whole import (int() and lxml.html raised errors no mapper expected)."""
    path = kth_thesis_copies((9100011, HOSTILE_EXTENT), (9100012, BODYLESS_ABSTRACT), (9100013, {}))

    extent, bodyless, plain = import_files(system, [path])

    assert (extent.status, extent.record) == ("created", "diva2:9100011")
    assert [field for field, _message in extent.flags] == ["page_count"]
    assert (bodyless.status, plain.status) == ("created", "created")
    assert get_record_for(system, "diva2:9100011").page_count is None
    assert get_record_for(system, "diva2:9100013").page_count == 73


def test_import_files_organisation_name_longer_than_its_column_fails_that_record_alone(
    db, system, kth_thesis_copies
):
    """PostgreSQL refused the name with a DataError that stopped the whole import (SQLite stored it)."""
    name = "Elektronik " * 40
    long_unit = {  # a unit not here yet, which the authors' affiliations name, so it is created
        'xlink:href="879249"': 'xlink:href="9879249"',
        "<namePart>Elektronik</namePart>": f"<namePart>{name}</namePart>",
        "<affiliation>KTH, Elektronik</affiliation>": f"<affiliation>KTH, {name.strip()}</affiliation>",
    }
    path = kth_thesis_copies((9100021, long_unit), (9100022, {}))

    bad, good = import_files(system, [path])

    assert (bad.status, bad.field) == ("failed", "name_en")
    assert "longer than 300 characters" in bad.message
    assert good.status == "created"
    assert not Organisation.objects.filter(name_en__startswith="Elektronik Elektronik").exists()


def test_import_files_same_file_twice_reports_unchanged_and_writes_no_revision(db, system, kth_thesis_copies):
    path = kth_thesis_copies((9100003, {}), (9100004, {}))
    assert statuses(import_files(system, [path])) == {"created": 2}
    revisions = Revision.objects.count()

    assert statuses(import_files(system, [path])) == {"unchanged": 2}
    assert Revision.objects.count() == revisions


def test_import_files_changed_source_reports_updated_with_a_revision(db, system, kth_thesis_copies):
    list(import_files(system, [kth_thesis_copies((9100005, {}))]))

    changed = kth_thesis_copies((9100005, {"Inkjet Printing": "Inkjet printing"}), name="changed.xml")
    (result,) = import_files(system, [changed])

    assert (result.status, result.record) == ("updated", "diva2:9100005")
    revision = Revision.objects.filter(record__local_id="diva2:9100005").order_by("-number").first()
    assert (revision.number, revision.summary, list(revision.changes)) == (2, "imported", ["title"])


def test_import_files_deleted_header_withdraws_the_record_it_names(db, system):
    results = list(import_files(system, [DIVA_SWEPUB / "delete_kth_post.xml"]))

    assert [(r.status, r.record) for r in results] == [("deleted", "diva2:459554")]
    record = Record.objects.get(local_id="diva2:459554")
    assert record.state == "withdrawn"
    assert (
        record.revisions.first().summary == "withdrawn: deleted at the source (oai:DiVA.org:kth-49381:mock)"
    )


def test_import_files_deleted_header_of_unknown_record_changes_nothing(db, system, tmp_path):
    path = tmp_path / "deleted.xml"
    text = (DIVA_SWEPUB / "delete_kth_post.xml").read_text(encoding="utf-8")
    path.write_text(text.replace("kth-49381:mock", "kth-1:never"), encoding="utf-8")
    before = row_counts()

    results = list(import_files(system, [path]))

    assert [(r.status, r.record) for r in results] == [("deleted", "oai:DiVA.org:kth-1:never")]
    assert row_counts() == before


def test_import_files_new_organisation_path_creates_hierarchy_before_record(db, system, kth_thesis_copies):
    path = kth_thesis_copies(
        (9100006, {'xlink:href="879249"': 'xlink:href="990001"', "Elektronik": "Mikrosystemteknik"})
    )

    (result,) = import_files(system, [path])

    assert result.status == "created"
    unit = Organisation.objects.get(identifier="kth:990001")
    assert (unit.name_en, unit.parent.name_en, unit.parent.parent.name_en) == (
        "Mikrosystemteknik",
        "Skolan för elektroteknik och datavetenskap (EECS)",
        "KTH",
    )
    affiliation = get_record_for(system, "diva2:9100006").contributions.all()[0].affiliations.all()[0]
    assert (affiliation.organisation, affiliation.text) == (unit, "KTH, Mikrosystemteknik")


def test_import_files_fault_no_check_foresees_writes_the_batch_again_record_by_record(
    db, system, kth_thesis_copies
):
    """Two new records of one batch with the same URN:NBN pass every check made before the batch is
    inserted; the insert fails, and the batch is written again with a savepoint a record. There the
    second finds the URN the first's, and is written without it, flagged."""
    path = kth_thesis_copies(
        (9100011, {'xlink:href="879249"': 'xlink:href="990003"', "Elektronik": "Kvantteknik"}),
        (9100012, {"diva-9100012": "diva-9100011"}),
        (9100013, {}),
    )

    first, second, third = import_files(system, [path])

    assert (first.status, first.record) == ("created", "diva2:9100011")
    assert (second.status, second.record) == ("created", "diva2:9100012")
    assert second.flags == (
        ("identifiers", "urn urn:nbn:se:kth:diva-9100011 belongs to record diva2:9100011; left out"),
    )
    assert (third.status, third.record) == ("created", "diva2:9100013")
    assert "urn:nbn:se:kth:diva-9100011" not in {
        i.value for i in Record.objects.get(local_id="diva2:9100012").identifiers.all()
    }
    unit = Organisation.objects.get(identifier="kth:990003")  # made again after the first try's rollback
    affiliation = get_record_for(system, "diva2:9100011").contributions.all()[0].affiliations.all()[0]
    assert affiliation.organisation == unit
    assert Revision.objects.filter(record__local_id__startswith="diva2:91000").count() == 3


def test_import_files_refused_record_leaves_no_organisation_behind(db, system, kth_thesis_copies):
    path = kth_thesis_copies(
        (9100007, {'xlink:href="879249"': 'xlink:href="990002"', "Elektronik": "Fotonik", **NO_TITLE})
    )

    (result,) = import_files(system, [path])

    assert (result.status, result.field) == ("failed", "title")
    assert not Organisation.objects.filter(identifier="kth:990002").exists()
    assert not Organisation.objects.filter(name_en="Fotonik").exists()


def test_import_files_liu_record_links_affiliations_to_organisation_hierarchy(db, system):
    (result,) = import_files(system, [DIVA_SWEPUB / "liu-new-diva.xml"])

    assert (result.status, result.record) == ("unchanged", "diva2:1367988")
    record = get_record_for(system, "diva2:1367988")
    sverker = record.contributions.all()[3]
    assert (sverker.family_name, sverker.person.local_id, sverker.person.authority_id) == (
        "Sverker",
        "liu:annsv50",
        "diva:authority-person:27062",
    )
    unit = sverker.affiliations.all()[0].organisation
    assert (unit.identifier, unit.name_en, unit.parent.name_en, unit.parent.parent.name_en) == (
        "liu:9150",
        "Socialt arbete",
        "Institutionen för samhälls- och välfärdsstudier",
        "Linköpings universitet",
    )
    assert unit.parent.parent.parent is None
    assert [i.value for i in record.identifiers.all()] == [
        "urn:nbn:se:liu:diva-161552",
        "000346919806500",
        "oai:DiVA.org:liu-161552",
    ]


@pytest.mark.parametrize(
    ("folder", "pattern", "expected"),
    [
        ("zenodo-invenio", "ListRecords-oai_dc*.xml", {"unchanged": 8, "deleted": 1}),
        ("dspace-erasmus", "ListRecords.xml", {"unchanged": 16}),
    ],
)
def test_import_files_oai_dc_responses_import_as_in_the_demo_corpus(db, system, folder, pattern, expected):
    paths = sorted((TESTDATA / "oai-pmh" / folder).glob(pattern))

    assert statuses(import_files(system, paths)) == expected


def test_import_files_zenodo_record_stored_with_doi_licence_and_type(db, system):
    record = get_record_for(system, "zenodo:8321258")

    assert (record.title, record.output_type, record.licence, record.year) == (
        "SPED phase mapping",
        "other/software",
        "CC-BY-4.0",
        2023,
    )
    assert [(i.scheme, i.value) for i in record.identifiers.all()] == [
        ("doi", "10.5281/zenodo.8321258"),
        ("oai", "oai:zenodo.org:8321258"),
    ]


def test_import_files_datacite_record_of_an_oai_pmh_response_is_imported(db, system):
    path = TESTDATA / "oai-pmh" / "zenodo-invenio" / "GetRecord-datacite.xml"

    (result,) = import_files(system, [path])

    assert (result.status, result.record) == ("updated", "zenodo:10357859")  # the demo corpus has its oai_dc
    record = get_record_for(system, "zenodo:10357859")
    assert ("oai", "oai:zenodo.org:10357859") in [(i.scheme, i.value) for i in record.identifiers.all()]


def test_import_files_record_in_unknown_metadata_format_fails_naming_it(db, system, tmp_path):
    source = (TESTDATA / "oai-pmh" / "zenodo-invenio" / "GetRecord-datacite.xml").read_text(encoding="utf-8")
    path = tmp_path / "marc.xml"
    path.write_text(source.replace("http://datacite.org/schema/kernel-4", "http://www.loc.gov/MARC21/slim"))
    before = row_counts()

    (result,) = import_files(system, [path])

    assert (result.status, result.record, result.field) == ("failed", "oai:zenodo.org:10357859", "metadata")
    assert (
        result.message == "Metadata in http://www.loc.gov/MARC21/slim is neither MODS, DataCite nor oai_dc."
    )
    assert row_counts() == before


def test_import_files_progress_counts_every_record(db, system):
    calls = []

    results = list(
        import_files(system, [DIVA_SWEPUB / "dedup_ignore_id_qualifier_2.xml"], progress=calls.append)
    )

    assert sum(calls) == len(results) == 2

"""Duplicate detection in the record services: which inputs are checked, on what, and what an import of
duplicates writes (nothing)."""

from __future__ import annotations

import pytest

from samla.core.access import Actor
from samla.records.models import Record
from samla.records.schemas import ContributorIn, IdentifierIn, RecordIn
from samla.records.services import find_duplicates, import_new_records

pytestmark = pytest.mark.django_db
SEED_ID = "diva2:1897829"
SEED_TITLE = (
    "The complexity of leadership in coproduction practices: a guiding framework based on a systematic "
    "literature review"
)


def record(title="Something else", *, ids=(), family="Nobody", issued="2024", **fields) -> RecordIn:
    return RecordIn(
        title=title,
        output_type="publication/journal-article",
        issued=issued,
        contributors=[ContributorIn(family_name=family, given_name="A")],
        identifiers=[IdentifierIn(scheme=s, value=v) for s, v in ids],
        **fields,
    )


@pytest.mark.parametrize(
    ("scheme", "value", "reason"),
    [
        ("doi", "10.1186/S12913-024-10549-4", "DOI 10.1186/s12913-024-10549-4"),
        ("pmid", "38368329", "PMID 38368329"),
        ("urn", "URN:NBN:SE:HIS:DIVA-24521", "URN urn:nbn:se:his:diva-24521"),
    ],
)
def test_same_identifier_is_an_exact_duplicate(scheme, value, reason):
    (duplicate,) = find_duplicates([record(ids=[(scheme, value)])]).values()

    assert (duplicate.local_id, duplicate.reason) == (SEED_ID, reason)


def test_web_of_science_record_with_a_stored_ut_is_no_duplicate_but_updates_the_record():
    wos_record = record(SEED_TITLE, family="Kjellström", ids=[("isi", "WOS:001163766500001")])

    assert find_duplicates([wos_record]) == {}
    (outcome,) = import_new_records(Actor.system("test"), [wos_record])
    assert (outcome.status, outcome.record.local_id) == ("updated", SEED_ID)


def test_same_title_year_and_first_author_is_a_fuzzy_duplicate_whatever_the_spelling():
    spelled = record(SEED_TITLE.upper().replace(":", " --") + ".", family="KJELLSTROM")
    other_year = record(SEED_TITLE, family="Kjellström", issued="2023")
    other_author = record(SEED_TITLE, family="Sarre")

    found = find_duplicates([spelled, other_year, other_author])

    assert {i: (d.local_id, d.reason) for i, d in found.items()} == {
        0: (SEED_ID, "title, year and first author")
    }


def test_title_split_into_title_and_subtitle_matches_the_whole_title():
    title, subtitle = SEED_TITLE.split(": ")

    (duplicate,) = find_duplicates([record(title, subtitle=subtitle, family="Kjellström")]).values()

    assert duplicate.local_id == SEED_ID


def test_inputs_with_an_identity_of_their_own_are_not_checked():
    with_local_id = record(SEED_TITLE, family="Kjellström", local_id="diva2:99999999")
    with_oai = record(ids=[("oai", "oai:DiVA.org:x-1"), ("doi", "10.1186/s12913-024-10549-4")])

    assert find_duplicates([with_local_id, with_oai]) == {}


def test_repeat_within_a_batch_duplicates_the_record_made_from_the_first():
    first, again = record("A new one", ids=[("doi", "10.5555/new.1")]), record("A NEW ONE!")
    before = Record.objects.count()

    outcomes = import_new_records(Actor.system("test"), [first, again])

    assert [o.status for o in outcomes] == ["created", "duplicate"]
    assert outcomes[1].record.pk == outcomes[0].record.pk
    assert Record.objects.count() == before + 1


def test_repeat_of_a_refused_input_is_judged_on_its_own():
    refused = record("", ids=[("doi", "10.5555/twice")])
    again = record("Twice", ids=[("doi", "10.5555/twice")])

    outcomes = import_new_records(Actor.system("test"), [refused, again])

    assert [o.status for o in outcomes] == ["failed", "created"]
    assert [o.index for o in outcomes] == [0, 1]


def test_urn_of_another_record_is_left_out_with_a_flag_naming_it(kth_thesis_copies):
    """DiVA's chalmers.xml gives a record the URN:NBN of invalid_issn.xml's (the same work under another
    local id): the record is kept, without the URN, and its flag names the record that has it."""
    from samla.imports.services import import_files

    importer = Actor.system("import")
    urn = "urn=urn:nbn:se:kth:diva-9500002"  # the second copy's, made the first's
    path = kth_thesis_copies((9500001, {}), (9500002, {urn: "urn=urn:nbn:se:kth:diva-9500001"}))
    list(import_files(importer, [kth_thesis_copies((9500001, {}), name="first.xml")]))

    results = list(import_files(importer, [path]))
    again = list(import_files(importer, [path]))

    assert [(r.status, r.record) for r in results] == [
        ("unchanged", "diva2:9500001"),
        ("created", "diva2:9500002"),
    ]
    assert results[1].flags == (
        ("identifiers", "urn urn:nbn:se:kth:diva-9500001 belongs to record diva2:9500001; left out"),
    )
    second = Record.objects.get(local_id="diva2:9500002")
    assert ("urn", "urn:nbn:se:kth:diva-9500001") not in {
        (i.scheme, i.value) for i in second.identifiers.all()
    }
    assert [(f["kind"], f["scheme"], f["value"]) for f in second.quality_flags] == [
        ("identifier-taken", "urn", "urn:nbn:se:kth:diva-9500001")
    ]
    assert [(r.status, r.flags) for r in again] == [("unchanged", ()), ("unchanged", results[1].flags)]


def test_a_curator_edit_of_a_record_with_a_urn_set_aside_is_not_refused(curator, kth_thesis_copies):
    from samla.imports.services import import_files
    from samla.records.services import get_record_for, record_to_input, update_record

    urn = "urn=urn:nbn:se:kth:diva-9500002"  # the second copy's, made the first's
    path = kth_thesis_copies((9500001, {}), (9500002, {urn: "urn=urn:nbn:se:kth:diva-9500001"}))
    list(import_files(Actor.system("import"), [path]))
    data = record_to_input(get_record_for(curator, "diva2:9500002"))
    data.publisher = "KTH"

    record, changed = update_record(curator, local_id="diva2:9500002", data=data)

    assert changed and record.publisher == "KTH"
    assert [f["kind"] for f in record.quality_flags] == ["identifier-taken"]


def test_a_person_giving_a_urn_another_record_has_is_told(curator):
    from samla.core.errors import InvalidInput
    from samla.records.services import create_record

    create_record(curator, data=record("First", ids=[("urn", "urn:nbn:se:kth:diva-9500001")]))

    with pytest.raises(InvalidInput, match="belongs to record"):
        create_record(curator, data=record("Second", ids=[("urn", "urn:nbn:se:kth:diva-9500001")]))


def test_the_same_orcid_from_two_institutions_is_one_person_and_a_name_alone_none(kth_thesis_copies):
    """Issue #16, item 4: a person matched across institutions by ORCID (each institution's local id
    learned or kept), never by name: the same name under a third institution's id without the ORCID is
    another person, and a contributor with no id has no authority record."""
    from samla.imports.services import import_files

    kth = 'authority="kth" xlink:href="u1qvds70"'
    orcid = "<description>orcid.org=0000-0001-9329-9088</description>"
    path = kth_thesis_copies(
        (9600001, {}),
        (9600002, {kth: 'authority="liu" xlink:href="szyso12"'}),
        (9600003, {kth: 'authority="uu" xlink:href="szde99"', orcid: ""}),
    )

    results = list(import_files(Actor.system("import"), [path]))

    assert [r.status for r in results] == ["created", "created", "created"]
    first = {
        local_id: Record.objects.get(local_id=local_id).contributions.order_by("position")[0]
        for local_id in ("diva2:9600001", "diva2:9600002", "diva2:9600003")
    }
    kth_person, liu_person, uu_person = (first[k].person for k in sorted(first))
    assert kth_person == liu_person
    assert kth_person.orcid == "0000-0001-9329-9088"
    assert uu_person is not None and uu_person != kth_person
    assert (uu_person.family_name, uu_person.orcid) == ("Sollami Delekta", None)
    unidentified = Record.objects.get(local_id="diva2:9600001").contributions.get(family_name="Li")
    assert unidentified.person is None

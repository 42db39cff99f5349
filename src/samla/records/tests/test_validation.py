"""`clean_record_input`: certain fixes made, every other bad value kept aside with a quality flag, and a
record refused only without a title (or, for a person's edit, with a problem the edit brings)."""

from __future__ import annotations

import pytest

from samla.core.errors import InvalidInput
from samla.records.schemas import ContributorIn, IdentifierIn, JournalIn, PersonRef, RecordIn
from samla.records.services.validation import Lookups, clean_record_input

NO_LOOKUPS = Lookups(subject_codes=frozenset(), organisation_ids={})


def cleaned(**fields) -> RecordIn:
    data = RecordIn(title="A title", output_type=fields.pop("output_type", "publication/book"), **fields)
    return clean_record_input(data, NO_LOOKUPS, lenient=True)


def flags(data: RecordIn) -> list[tuple[str, str, str, str]]:
    return [(f.field, f.kind, f.scheme, f.value) for f in data.quality_flags]


def test_clean_orcid_with_zero_width_space_is_fixed_without_flag():
    data = cleaned(
        contributors=[ContributorIn(family_name="Li", person=PersonRef(orcid="0000-0001-7335-3796\u200b"))]
    )

    assert data.contributors[0].person.orcid == "0000-0001-7335-3796"
    assert data.quality_flags == []


def test_clean_issns_typed_into_isbn_field_move_to_issn():
    data = cleaned(
        identifiers=[IdentifierIn(scheme="isbn", value="1651-2081 (Electronic) 1650-1977 (Linking)")]
    )

    assert [(i.scheme, i.value) for i in data.identifiers] == [("issn", "1651-2081"), ("issn", "1650-1977")]
    assert data.quality_flags == []


def test_clean_qualifier_after_journal_issn_is_dropped_and_two_issns_are_split():
    data = cleaned(
        output_type="publication/journal-article",
        journal=JournalIn(title="J", issn="0570-1864, 1432-0592 (eISSN)"),
    )
    again = cleaned(journal=JournalIn(title="J", issn="2325-9671 (electronic)"))

    assert (data.journal.issn, data.journal.eissn) == ("0570-1864", "1432-0592")
    assert (again.journal.issn, again.quality_flags) == ("2325-9671", [])


def test_clean_unknown_scheme_and_invalid_isbn_are_kept_aside_with_flags():
    data = cleaned(
        identifiers=[
            IdentifierIn(scheme="libris", value="17786218"),
            IdentifierIn(scheme="isbn", value="978-911-7601-301-4"),
            IdentifierIn(scheme="doi", value="10.1234/ok"),
        ]
    )

    assert [(i.scheme, i.value) for i in data.identifiers] == [("doi", "10.1234/ok")]
    assert flags(data) == [
        ("identifiers", "invalid-identifier", "isbn", "978-911-7601-301-4"),
        ("identifiers", "unknown-scheme", "libris", "17786218"),
    ]


@pytest.mark.parametrize(
    ("fields", "guess"),
    [
        ({"journal": JournalIn(title="J")}, "publication/journal-article"),
        ({"host_title": "A book"}, "publication/book-chapter"),
        ({"identifiers": [IdentifierIn(scheme="isbn", value="978-91-7685-046-6")]}, "publication/book"),
        ({"conference": "A meeting"}, "conference/paper"),
        ({"output_type": "inproceedings"}, "conference/paper"),
        ({}, "publication/other"),
    ],
)
def test_clean_missing_or_unknown_output_type_is_guessed_and_flagged(fields, guess):
    given = fields.pop("output_type", "")

    data = cleaned(output_type=given, **fields)

    assert data.output_type == guess
    assert flags(data) == [("output_type", "output-type-guessed", "", given)]


def test_clean_impossible_date_keeps_its_valid_part_flagged():
    data = cleaned(issued="2019-02-30")

    assert data.issued == "2019-02"
    assert flags(data) == [("issued", "impossible-date", "", "2019-02-30")]


def test_clean_local_id_without_prefix_becomes_one_the_same_each_time():
    data = cleaned(local_id="archives/cushman/P07803")

    assert data.local_id == "import:archives_cushman_P07803"
    assert flags(data) == [("local_id", "invalid-local-id", "", "archives/cushman/P07803")]


def test_clean_twice_gives_the_same_flags():
    data = cleaned(language="klingon", identifiers=[IdentifierIn(scheme="libris", value="1")], output_type="")
    first = data.model_dump()

    assert clean_record_input(data, NO_LOOKUPS, lenient=True).model_dump() == first


def test_clean_without_title_is_refused():
    with pytest.raises(InvalidInput) as refused:
        clean_record_input(RecordIn(title="", output_type="publication/book"), NO_LOOKUPS, lenient=True)
    assert refused.value.fields == {"title": "a title is required"}


def test_clean_strict_edit_is_refused_for_a_new_problem_but_keeps_the_flags_it_had():
    stored = cleaned(identifiers=[IdentifierIn(scheme="libris", value="1")])
    edit = stored.model_copy(deep=True)
    edit.title = "A new title"

    assert flags(clean_record_input(edit, NO_LOOKUPS)) == [("identifiers", "unknown-scheme", "libris", "1")]
    edit.identifiers.append(IdentifierIn(scheme="doi", value="nonsense"))
    with pytest.raises(InvalidInput) as refused:
        clean_record_input(edit, NO_LOOKUPS)
    assert list(refused.value.fields) == ["identifiers[0].value"]


def test_merge_import_takes_a_fields_flags_with_its_value():
    from samla.records.services.merging import Origin, merge_import

    flag = {
        "field": "language",
        "kind": "unknown-language",
        "value": "x",
        "scheme": "",
        "kept": "",
        "message": "",
    }
    orcid = {**flag, "field": "contributors[0].person.orcid", "kind": "invalid-orcid"}
    old = RecordIn(title="T", output_type="publication/book", language="", quality_flags=[flag, orcid])
    new = RecordIn(title="T", output_type="publication/book", language="eng")
    old, new = old.model_dump(mode="json"), new.model_dump(mode="json")
    new["contributors"] = [{"family_name": "Li"}]  # the source names the contributor again, fixed
    provenance = {"language": {"user": "curator", "at": "2026-01-01"}}  # a person set the language

    merge_import(old, new, provenance, Origin("mods"), "2026-02-01")

    # The contributors are the source's now, without the ORCID flag; the person's language stays, and
    # with it its flag.
    assert [f["field"] for f in new["quality_flags"]] == ["language"]
    assert new["language"] == ""

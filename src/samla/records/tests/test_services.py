"""Record services: validation, revisions, idempotent updates, matching of people and journals."""

import pytest

from samla.core.errors import Gone, InvalidInput, NotFound, PermissionDenied
from samla.people.models import Person, PersonNameVariant
from samla.records.models import Identifier, Record, Revision
from samla.records.services import (
    approve_record,
    create_record,
    get_record_for,
    record_to_input,
    submit_record,
    update_record,
    upsert_record,
    withdraw_record,
)

from .factories import record_input

pytestmark = pytest.mark.django_db


def test_create_record_without_local_id_mints_one_and_writes_revision_1(system):
    record = create_record(system, data=record_input())
    assert record.local_id == f"samla:{record.pk}"
    assert record.revision == 1
    assert record.year == 2023
    assert list(record.revisions.values_list("number", "actor", "summary")) == [
        (1, "system:tests", "created")
    ]


def test_update_record_with_changes_writes_revision_naming_fields(system, curator):
    record = create_record(system, data=record_input())
    changed = record_input(title="A better title", volume="7")
    record, did_change = update_record(curator, local_id=record.local_id, data=changed)
    assert did_change
    revision = record.revisions.get(number=2)
    assert revision.actor == "curator:curator"
    assert revision.changes["title"] == ["A study of test records", "A better title"]
    assert revision.changes["volume"] == ["", "7"]
    assert set(revision.changes) == {"title", "volume"}
    assert record.last_updated >= record.created


def test_update_record_with_same_data_changes_nothing(system):
    record = create_record(system, data=record_input(identifiers=[{"scheme": "doi", "value": "10.1234/abc"}]))
    before = record.datestamp
    again, did_change = update_record(system, local_id=record.local_id, data=record_to_input(record))
    assert not did_change
    assert again.datestamp == before
    assert Revision.objects.filter(record=record).count() == 1


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"identifiers": [{"scheme": "doi", "value": "not-a-doi"}]}, "identifiers[0].value"),
        ({"identifiers": [{"scheme": "isbn", "value": "978-91-7685-123-5"}]}, "identifiers[0].value"),
        ({"identifiers": [{"scheme": "pmid", "value": "abc"}]}, "identifiers[0].value"),
        ({"identifiers": [{"scheme": "isi", "value": "123"}]}, "identifiers[0].value"),
        ({"identifiers": [{"scheme": "urn", "value": "nbn:se:x"}]}, "identifiers[0].value"),
        ({"identifiers": [{"scheme": "telephone", "value": "123"}]}, "identifiers[0].value"),
        ({"output_type": "publication/novel"}, "output_type"),
        ({"content_type": "peer-reviewed"}, "content_type"),
        ({"publication_status": "maybe"}, "publication_status"),
        ({"language": "xx1"}, "language"),
        ({"issued": "2024-13-01"}, "issued"),
        ({"issued": "24"}, "issued"),
        ({"licence": "CC-BY-5.0"}, "licence"),
        ({"subjects": ["99999"]}, "subjects[0]"),
        ({"local_id": "no colon"}, "local_id"),
        ({"journal": {"title": "J", "issn": "1472-6964"}}, "journal.issn"),
        (
            {"contributors": [{"family_name": "X", "person": {"orcid": "0000-0003-4364-9815"}}]},
            "contributors[0].person.orcid",
        ),
        ({"contributors": [{"family_name": "X", "role": "xyz"}]}, "contributors[0].role"),
        (
            {"contributors": [{"family_name": "X", "affiliations": [{"organisation": "nowhere:1"}]}]},
            "contributors[0].affiliations[0].organisation",
        ),
        ({"relations": [{"relation": "likes", "scheme": "doi", "value": "10.1/x"}]}, "relations[0].relation"),
        ({"links": [{"url": "javascript:alert(1)"}]}, "links[0].url"),
        ({"access_condition": "open"}, "access_condition"),
    ],
)
def test_create_record_with_invalid_field_raises_invalid_input_naming_field(system, override, field):
    before = Record.objects.count()
    with pytest.raises(InvalidInput) as error:
        create_record(system, data=record_input(**override))
    assert field in error.value.fields
    assert Record.objects.count() == before


def test_create_record_normalises_identifiers(system):
    record = create_record(
        system,
        data=record_input(
            identifiers=[
                {"scheme": "doi", "value": "https://doi.org/10.1186/S12913-024-99999-1"},
                {"scheme": "isbn", "value": "9789176851234"},
                {"scheme": "isi", "value": "WOS:000346919806500"},
            ]
        ),
    )
    values = dict(record.identifiers.values_list("scheme", "value"))
    assert values == {
        "doi": "10.1186/S12913-024-99999-1",
        "isbn": "978-91-7685-123-4",
        "isi": "000346919806500",
    }


def test_create_record_with_taken_oai_identifier_raises_invalid_input(system):
    with pytest.raises(InvalidInput) as error:
        create_record(
            system, data=record_input(identifiers=[{"scheme": "oai", "value": "oai:DiVA.org:his-24521"}])
        )
    assert "diva2:1897829" in error.value.message


def test_create_record_as_anonymous_or_reader_is_denied(anonymous, reader):
    for actor in (anonymous, reader):
        with pytest.raises(PermissionDenied):
            create_record(actor, data=record_input())


def test_draft_is_visible_to_owner_and_curator_only(depositor, reader, curator, anonymous):
    record = create_record(depositor, data=record_input(state="draft"), owner_id=depositor.user_id)
    assert get_record_for(depositor, record.local_id) == record
    assert get_record_for(curator, record.local_id) == record
    for actor in (reader, anonymous):
        with pytest.raises(NotFound):
            get_record_for(actor, record.local_id)


def test_depositor_may_update_own_draft_but_not_published_record(depositor):
    draft = create_record(depositor, data=record_input(state="draft"), owner_id=depositor.user_id)
    update_record(depositor, local_id=draft.local_id, data=record_input(state="draft", title="Changed"))
    with pytest.raises(PermissionDenied):
        update_record(depositor, local_id="diva2:1897829", data=record_input())


def test_update_record_unknown_id_raises_not_found(curator):
    with pytest.raises(NotFound):
        update_record(curator, local_id="diva2:0", data=record_input())


def test_approve_record_by_curator_writes_revision(system, curator, depositor):
    record = create_record(system, data=record_input())
    with pytest.raises(PermissionDenied):
        approve_record(depositor, local_id=record.local_id)
    approved = approve_record(curator, local_id=record.local_id)
    assert approved.approved
    assert approved.revisions.first().summary == "approved"


def test_upsert_record_matches_by_oai_identifier(system):
    oai = [{"scheme": "oai", "value": "oai:example.org:1"}]
    first, status = upsert_record(system, data=record_input(identifiers=oai))
    assert status == "created"
    second, status = upsert_record(system, data=record_input(identifiers=oai, title="Revised"))
    assert (second.pk, status) == (first.pk, "updated")
    third, status = upsert_record(system, data=record_input(identifiers=oai, title="Revised"))
    assert (third.pk, status) == (first.pk, "unchanged")


def test_contributor_with_known_orcid_reuses_person_and_keeps_name_variant(system):
    contributors = [
        {"family_name": "Masterson", "given_name": "D.", "person": {"orcid": "0000-0003-4364-9814"}}
    ]
    record = create_record(system, data=record_input(contributors=contributors))
    person = record.contributions.get().person
    assert person.orcid == "0000-0003-4364-9814"
    assert Person.objects.filter(orcid="0000-0003-4364-9814").count() == 1
    assert PersonNameVariant.objects.filter(person=person, given_name="D.").exists()


def test_journal_is_matched_by_eissn_given_as_issn(system):
    journal = {"title": "BMC Health Serv Res", "issn": "1472-6963"}
    record = create_record(system, data=record_input(journal=journal))
    assert record.journal.title == "BMC Health Services Research"


def test_relation_links_to_record_created_later(system):
    relations = [{"relation": "has-correction", "scheme": "doi", "value": "10.1234/later"}]
    original = create_record(system, data=record_input(relations=relations))
    assert original.identifiers.get(relation="has-correction").related_record is None
    later = create_record(
        system, data=record_input(identifiers=[{"scheme": "doi", "value": "10.1234/later"}])
    )
    assert Identifier.objects.get(record=original, relation="has-correction").related_record == later


def test_depositor_cannot_approve_by_setting_approved_in_input(depositor, curator):
    record = create_record(
        depositor, data=record_input(state="draft", approved=True), owner_id=depositor.user_id
    )
    assert not record.approved
    record, _changed = update_record(
        depositor, local_id=record.local_id, data=record_input(state="draft", approved=True)
    )
    assert not record.approved
    record, _changed = update_record(curator, local_id=record.local_id, data=record_input(approved=True))
    assert (record.state, record.approved) == ("draft", False)  # a person's edit: transitions only
    submit_record(depositor, local_id=record.local_id)
    assert approve_record(curator, local_id=record.local_id).approved


def test_withdrawn_record_is_gone_for_readers_and_kept_for_curators(system, curator, anonymous, depositor):
    record = create_record(system, data=record_input())
    with pytest.raises(PermissionDenied):
        withdraw_record(depositor, local_id=record.local_id)
    withdrawn = withdraw_record(curator, local_id=record.local_id, reason="duplicate")
    assert (withdrawn.state, withdrawn.revision) == ("withdrawn", 2)
    assert withdrawn.revisions.first().summary == "withdrawn: duplicate"
    with pytest.raises(Gone):
        get_record_for(anonymous, record.local_id)
    assert get_record_for(curator, record.local_id).state == "withdrawn"

"""Record permissions asked with the record's organisations: a curator of an organisation curates the
records affiliated with it or a unit below it, and no others."""

from __future__ import annotations

import pytest

from samla.accounts.services import grant_role
from samla.core.access import Actor, can
from samla.records.models import Record
from samla.records.permissions import visible_records
from samla.records.services import create_record, get_record_for
from samla.records.tests.factories import record_input

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


def _record(*identifiers: str, state: str = "published") -> Record:
    contributors = [
        {"family_name": f"Author{n}", "affiliations": [{"organisation": identifier}]}
        for n, identifier in enumerate(identifiers)
    ]
    record = create_record(SYSTEM, data=record_input(contributors=contributors))
    Record.objects.filter(pk=record.pk).update(state=state)
    return Record.objects.get(pk=record.pk)


def _curator_of(user, organisation) -> Actor:
    grant_role(SYSTEM, user=user, role="curator", organisation_id=organisation.pk)
    return Actor.for_user(user)


def test_curator_of_a_school_updates_records_of_its_units(tree, make_user):
    actor = _curator_of(make_user("anna"), tree.school)

    assert can(actor, "record.update", _record("t:unit"))
    assert can(actor, "record.approve", _record("u:top", "t:school"))


def test_curator_of_a_school_does_not_update_records_above_it_or_elsewhere(tree, make_user):
    actor = _curator_of(make_user("anna"), tree.school)

    assert not can(actor, "record.update", _record("t:top"))
    assert not can(actor, "record.withdraw", _record("u:top"))


def test_curator_of_an_organisation_reads_its_drafts_in_lists_too(tree, make_user):
    actor = _curator_of(make_user("anna"), tree.top)
    mine, theirs = _record("t:unit", state="draft"), _record("u:top", state="draft")

    visible = set(Record.objects.filter(visible_records(actor)).filter(pk__in=[mine.pk, theirs.pk]))

    assert visible == {mine}
    assert get_record_for(actor, mine.local_id) == mine


def test_permission_on_a_record_of_twenty_organisations_costs_one_query(
    tree, make_user, django_assert_max_num_queries
):
    from samla.organisations.services import ensure_organisation_path

    identifiers = [f"t:group{n}" for n in range(20)]
    for identifier in identifiers:
        ensure_organisation_path(
            SYSTEM, names=["Högskolan T", "Skolan T1", identifier], identifier=identifier
        )
    actor = _curator_of(make_user("anna"), tree.top)
    record = _record(*identifiers)

    with django_assert_max_num_queries(1):
        for action in ("record.read", "record.update", "record.approve", "record.withdraw"):
            assert can(actor, action, record)


def test_global_curator_asks_the_database_nothing(curator, tree, django_assert_num_queries):
    record = _record("u:top")

    with django_assert_num_queries(0):
        assert can(curator, "record.update", record)

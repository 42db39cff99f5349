"""Loading records for export: the record page's shape plus the organisation hierarchy, chunked lists in
constant queries, visibility."""

import pytest

from samla.core.access import Actor
from samla.core.errors import NotFound
from samla.exports import bibliographic as bib
from samla.exports.framing import render_record
from samla.exports.registry import formats
from samla.exports.services import records_for_export, select_records
from samla.journals.models import Journal
from samla.records.services import create_record, get_record_for
from samla.records.tests.factories import record_input

pytestmark = pytest.mark.django_db


def test_get_record_for_export_loads_seed_in_5_queries_and_writers_then_query_nothing(
    django_assert_num_queries,
):
    with django_assert_num_queries(5):
        record = get_record_for(Actor.anonymous(), "diva2:1897829")

    with django_assert_num_queries(0):
        for fmt in formats():
            render_record(fmt, record)


def test_get_record_for_export_loads_affiliation_organisation_hierarchy(seed):
    organisation = seed.contributions.all()[0].affiliations.all()[0].organisation

    assert [o.identifier for o in bib.organisation_path(organisation)] == [
        "ju:jonkoping-university",
        "ju:school-of-health-and-welfare",
        "ju:jonkoping-academy",
    ]


def test_records_for_export_keeps_given_order_and_skips_missing_and_hidden(system):
    draft = create_record(system, data=record_input(state="draft"))
    ids = ["samla:s12913-024-10811-9", "diva2:0", draft.local_id, "diva2:1897829"]

    records = list(records_for_export(Actor.anonymous(), ids, chunk_size=2))

    assert [r.local_id for r in records] == ["samla:s12913-024-10811-9", "diva2:1897829"]


def test_select_records_of_missing_journal_raises_not_found_at_once():
    with pytest.raises(NotFound):
        select_records(Actor.anonymous(), journal_id=999999)


def test_selection_loads_each_chunk_with_at_most_five_queries(system, django_assert_max_num_queries):
    journal = Journal.objects.get(eissn="1472-6963")
    for n in range(8):
        create_record(
            system,
            data=record_input(title=f"Paper {n}", journal={"title": journal.title, "eissn": "1472-6963"}),
        )
    selection = select_records(Actor.anonymous(), journal_id=journal.pk)

    # the id cursor, then at most 5 queries for each chunk of 4 (organisations only when one is named)
    with django_assert_max_num_queries(1 + 3 * 5):
        records = list(selection.records(chunk_size=4))

    assert len(records) == 10
    assert records[0].contributions.all()[0].family_name  # loaded with its parts

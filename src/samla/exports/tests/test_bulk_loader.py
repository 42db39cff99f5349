"""The lean bulk loader that OAI-PMH and list exports read records with: every format writes a record it
loaded exactly as it writes the record page's model instance, in at most five queries a chunk."""

import pytest
from django.urls import reverse

from samla.core.access import Actor
from samla.exports import bibliographic as bib
from samla.exports.framing import render_record
from samla.exports.registry import formats
from samla.exports.services import records_for_export
from samla.organisations.services import ensure_organisation_path
from samla.records.models import Record
from samla.records.services import create_record, get_record_for
from samla.records.services.reading import load_records_data
from samla.records.tests.factories import many_authors_input, record_input

from .conftest import demo_ids

pytestmark = pytest.mark.django_db


def test_every_format_writes_bulk_loaded_demo_records_exactly_as_the_record_pages_instances():
    anonymous = Actor.anonymous()
    loaded = list(records_for_export(anonymous, demo_ids(), chunk_size=7))

    assert [r.local_id for r in loaded] == demo_ids()
    for lean in loaded:
        instance = get_record_for(anonymous, lean.local_id)
        for fmt in formats():
            assert render_record(fmt, lean) == render_record(fmt, instance), (fmt.name, lean.local_id)


def test_bulk_loader_keeps_part_order_and_loads_in_five_queries(system, django_assert_max_num_queries):
    record = create_record(system, data=many_authors_input(30, 12))

    with django_assert_max_num_queries(5):
        (lean,) = load_records_data(Record.objects.filter(pk=record.pk))

    instance = get_record_for(system, record.local_id)
    assert [c.family_name for c in lean.contributions.all()] == [
        c.family_name for c in instance.contributions.all()
    ]
    assert [[a.text for a in c.affiliations.all()] for c in lean.contributions.all()] == [
        [a.text for a in c.affiliations.all()] for c in instance.contributions.all()
    ]
    assert [i.value for i in lean.identifiers.all()] == [i.value for i in instance.identifiers.all()]


def test_bulk_loader_gives_each_organisation_its_whole_ancestry(system):
    names = ["University", "School", "Department", "Division", "Unit", "Group"]
    ensure_organisation_path(system, names=names, identifier="test:group")
    record = create_record(
        system,
        data=record_input(
            contributors=[
                {"family_name": "Deep", "given_name": "Dee", "affiliations": [{"organisation": "test:group"}]}
            ]
        ),
    )

    (lean,) = load_records_data(Record.objects.filter(pk=record.pk))
    organisation = lean.contributions.all()[0].affiliations.all()[0].organisation

    assert [o.name_en for o in bib.organisation_path(organisation)] == names


def test_bulk_loader_of_no_records_asks_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert load_records_data(Record.objects.filter(pk=0)) == []


def test_direct_link_is_the_reversed_record_page_url(settings):
    for record in records_for_export(Actor.anonymous(), demo_ids()):
        assert bib.direct_link(record) == settings.BASE_URL + reverse(
            "records:detail", args=[record.local_id]
        )

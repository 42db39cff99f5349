"""Keyset paging where many records share one datestamp, as after a bulk import: every harvestable record
is listed once, in (datestamp, id) order, and drafts never."""

import pytest
from django.db.models import Q
from lxml import etree

from samla.oai import services
from samla.oai.protocol import DateRange
from samla.records.models import Record
from samla.records.services import create_record, withdraw_record
from samla.records.tests.factories import record_input

pytestmark = pytest.mark.django_db
NS = {"o": "http://www.openarchives.org/OAI/2.0/"}


def harvest_identifiers(client) -> list[str]:
    params, identifiers = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}, []
    while True:
        tree = etree.fromstring(client.get("/oai", params).content)
        identifiers += tree.xpath("//o:header/o:identifier/text()", namespaces=NS)
        token = tree.xpath("//o:resumptionToken/text()", namespaces=NS)
        if not token:
            return identifiers
        params = {"verb": "ListIdentifiers", "resumptionToken": token[0]}


def test_records_sharing_a_datestamp_are_each_harvested_once_in_order(client, system, monkeypatch):
    monkeypatch.setattr(services, "PAGE_SIZE", 4)
    created = [create_record(system, data=record_input(title=f"Batch {n}")) for n in range(9)]
    create_record(system, data=record_input(title="Still a draft", state="draft"))
    withdraw_record(system, local_id=created[3].local_id)
    shared = Record.objects.get(pk=created[0].pk).datestamp
    Record.objects.filter(pk__in=[r.pk for r in created]).update(datestamp=shared)  # one bulk import
    expected = [
        services.oai_identifier(r)
        for r in Record.objects.filter(state__in=services.HARVESTABLE).order_by("datestamp", "pk")
    ]

    assert harvest_identifiers(client) == expected


def test_a_page_after_a_record_continues_with_its_datestamp_and_then_the_later_ones(monkeypatch):
    monkeypatch.setattr(services, "PAGE_SIZE", 5)
    records = list(Record.objects.filter(state__in=services.HARVESTABLE).order_by("datestamp", "pk"))
    first = records[0]

    page, more = services.page_after(DateRange(None, None), Q(), (first.datestamp, first.pk))

    assert [pk for pk, _datestamp, _state in page] == [r.pk for r in records[1:6]]
    assert more

"""Batch rows: keys reserved ahead of an insert are new, never reused, and the database agrees with them."""

import pytest
from django.db import connections, transaction
from django.db.transaction import TransactionManagementError

from samla.records.models import Contribution, Record
from samla.records.services import create_record
from samla.records.services.rows import reserve_ids
from samla.records.services.writing import import_records

from .factories import record_input

pytestmark = pytest.mark.django_db


def test_reserve_ids_outside_a_transaction_is_refused(monkeypatch):
    """Outside a transaction another writer could take the same keys before the rows are inserted."""
    monkeypatch.setattr(connections["default"], "in_atomic_block", False)
    with pytest.raises(TransactionManagementError):
        reserve_ids(Record, 3)


def test_reserved_ids_follow_every_key_given_before_even_deleted_ones(system):
    kept = create_record(system, data=record_input(local_id="test:1"))
    deleted = create_record(system, data=record_input(local_id="test:2"))
    deleted_pk = deleted.pk
    deleted.delete()
    with transaction.atomic():
        reserved = reserve_ids(Record, 3)
    assert reserved == sorted(reserved)
    assert len(set(reserved)) == 3
    assert min(reserved) > max(kept.pk, deleted_pk)


def test_keys_given_after_a_batch_with_reserved_keys_follow_it(system):
    """Both databases move their own counter past keys inserted explicitly, so a record created
    afterwards, the usual way, never collides with a batch's reserved keys."""
    batch = [record_input(local_id=f"test:{n}") for n in range(3)]
    created = [outcome.record for outcome in import_records(system, batch)]
    later = create_record(system, data=record_input(local_id="test:later"))
    assert later.pk > max(r.pk for r in created)
    contributions = Contribution.objects.filter(record__in=created).values_list("pk", flat=True)
    assert later.contributions.get().pk > max(contributions)


def test_reserving_no_key_needs_no_transaction():
    assert reserve_ids(Record, 0) == []

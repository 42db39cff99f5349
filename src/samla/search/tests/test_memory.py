"""The facet sets' counting against counting the index's facet rows directly: codes counted from bitmaps
and codes gathered by record, few records and many, before and after a change of a record."""

from collections import Counter

import numpy as np
import pytest
from django.db import connection

from samla.records.models import Record
from samla.records.services import record_to_input, update_record
from samla.search import memory
from samla.search.backends import backend_for

pytestmark = pytest.mark.django_db

SEED = "diva2:1897829"


def fresh_sets() -> memory.FacetSets:
    memory._CACHE.clear()
    return memory.facet_sets(backend_for())


def counted_directly(sets: memory.FacetSets, ids: np.ndarray) -> dict[tuple[str, str], int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT record_id, field, value FROM search_facet")
        rows = cursor.fetchall()
    wanted = set(ids.tolist())
    return dict(Counter((field, value) for record_id, field, value in rows if record_id in wanted))


def counted_by_sets(sets: memory.FacetSets, ids: np.ndarray) -> dict[tuple[str, str], int]:
    counts = sets._id_code_counts(ids)
    return {sets.values[code]: int(n) for code, n in enumerate(counts) if n}


@pytest.mark.parametrize(("dense_share", "from_bitmaps"), [(1, "none"), (4, "some"), (1_000_000, "all")])
def test_facet_sets_count_as_the_facet_rows_do(monkeypatch, dense_share, from_bitmaps):
    monkeypatch.setattr(memory, "DENSE_SHARE", dense_share)
    sets = fresh_sets()
    dense = len(sets.dense_codes)
    assert {"none": dense == 0, "some": 0 < dense < len(sets.values), "all": dense == len(sets.values)}[
        from_bitmaps
    ]
    indexed = np.flatnonzero(sets.indexed)
    rng = np.random.default_rng(7)
    for size in (1, 3, len(indexed) // 2, len(indexed)):  # bits read one by one, then packed
        ids = np.sort(rng.choice(indexed, size=size, replace=False))
        assert counted_by_sets(sets, ids) == counted_directly(sets, ids), size


def test_facet_sets_count_a_changed_record_by_its_new_codes(monkeypatch, system):
    monkeypatch.setattr(memory, "DENSE_SHARE", 4)
    fresh_sets()
    data = record_to_input(Record.objects.get(local_id=SEED))
    data.output_type = "publication/book"
    update_record(system, local_id=SEED, data=data)

    sets = memory.facet_sets(backend_for())

    assert Record.objects.get(local_id=SEED).pk in sets.overlay
    indexed = np.flatnonzero(sets.indexed)
    assert counted_by_sets(sets, indexed) == counted_directly(sets, indexed)
    assert np.array_equal(sets._all_counts, sets._id_code_counts(indexed))

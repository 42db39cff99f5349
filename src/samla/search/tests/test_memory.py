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
from samla.search.query import parse_query

from .conftest import fresh_sets, full_matches, retitle

pytestmark = pytest.mark.django_db

SEED = "diva2:1897829"


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


# ---------------------------------------------------------------- kept matches


def found(anonymous, query: str) -> set[str]:
    from .conftest import all_results

    return set(all_results(anonymous, query=query))


def test_search_again_with_the_same_text_uses_the_kept_match(anonymous, matched):
    from samla.search.schemas import SearchFilters
    from samla.search.services import search_records

    fresh_sets()
    search_records(anonymous, query="health")
    page = search_records(anonymous, query="health", filters=SearchFilters(language=["eng"]))

    assert full_matches(matched, "health") == 1
    assert {r.local_id for r in page.items} <= found(anonymous, "health")


def test_a_kept_match_follows_changed_records_without_matching_everything_again(system, anonymous, matched):
    fresh_sets()
    before = found(anonymous, "coproduction")
    assert SEED in before
    retitle(system, SEED, "A study of care", text_besides=False)
    retitle(system, "diva:rkh-1935", "Coproduction of vaccines")

    kept = found(anonymous, "coproduction")
    assert full_matches(matched, "coproduction") == 1  # the first search's, before the changes
    fresh_sets()

    assert kept == found(anonymous, "coproduction")  # as matching everything again finds
    assert "diva:rkh-1935" in kept and "diva:rkh-1935" not in before
    assert SEED not in kept


def test_a_kept_match_taken_in_a_rolled_back_change_is_not_used(system, anonymous):
    from django.db import transaction

    fresh_sets()
    before = found(anonymous, "coproduction")
    with pytest.raises(RuntimeError), transaction.atomic():
        retitle(system, "diva:rkh-1935", "Coproduction of vaccines")
        assert "diva:rkh-1935" in found(anonymous, "coproduction")
        raise RuntimeError

    assert found(anonymous, "coproduction") == before


def test_kept_matches_stay_within_their_budget(monkeypatch, anonymous):
    from samla.search.services import search_records

    sets = fresh_sets()
    one = np.packbits(sets.indexed).nbytes
    monkeypatch.setattr(memory, "MAX_KEPT_MATCH_BYTES", 2 * one)
    for query in ("health", "care", "study", "leadership", "cat", "research"):
        search_records(anonymous, query=query)

    backend = backend_for()
    latest = [backend.hits_sql(parse_query(query).match) for query in ("cat", "research")]
    assert [(sql, tuple(params)) for sql, params in latest] == list(sets.kept_matches)  # oldest out first
    assert sets.kept_bytes <= 2 * one

"""Bitmaps of frequent lexemes (PostgreSQL: `backends.lexeme_sets`): built by a full reindex, a search
through them finds exactly what the GIN index finds, before and after records change, and a bitmap the
change log no longer reaches is built again. On SQLite a reindex builds none and the same searches run
through FTS5, so every assertion on results holds on both databases."""

import pytest
from django.db import connection

from samla.search import memory
from samla.search.backends import lexeme_sets
from samla.search.models import LexemeSet
from samla.search.rebuild import reindex

from .conftest import all_results, fresh_sets, full_matches, retitle

pytestmark = pytest.mark.django_db

SEED = "diva2:1897829"

QUERIES = [
    "health",
    "care OR study",
    "health -care",
    "care study",
    "title:health",
    '"health care" study',
    "heal*",
    "author:Donkers OR health",
]


@pytest.fixture
def with_bitmaps(monkeypatch, system):
    """A full reindex that gives a bitmap to every lexeme a handful of records hold."""
    monkeypatch.setattr(lexeme_sets, "MIN_RECORDS", 3)
    list(reindex(system, batch_size=50))
    return LexemeSet.objects.count()


def results(anonymous, query: str) -> list[str]:
    fresh_sets()
    return all_results(anonymous, query=query)


def without_bitmaps(anonymous, query: str) -> list[str]:
    kept = list(LexemeSet.objects.all())
    LexemeSet.objects.all().delete()
    try:
        return results(anonymous, query)
    finally:
        LexemeSet.objects.bulk_create(kept)


def test_a_full_reindex_builds_bitmaps_on_postgresql_only(with_bitmaps):
    assert (with_bitmaps > 0) == (connection.vendor == "postgresql")
    assert not LexemeSet.objects.filter(lexeme__startswith="~").exists()  # never the filler


@pytest.mark.parametrize("query", QUERIES)
def test_searches_through_bitmaps_find_what_the_text_index_finds(with_bitmaps, anonymous, query):
    assert results(anonymous, query) == without_bitmaps(anonymous, query)


def test_a_frequent_word_is_matched_from_its_bitmap(with_bitmaps, anonymous, matched):
    results(anonymous, "health")

    assert full_matches(matched, "health") == (0 if connection.vendor == "postgresql" else 1)


def test_bitmaps_follow_changed_records(with_bitmaps, system, anonymous):
    retitle(system, SEED, "Sea ice", text_besides=False)
    retitle(system, "diva:rkh-1935", "Health and care of ticks")

    for query in ("health", "care study", "health -care"):
        assert results(anonymous, query) == without_bitmaps(anonymous, query), query
    assert "diva:rkh-1935" in results(anonymous, "health")


def test_a_bitmap_the_change_log_no_longer_reaches_is_built_again(with_bitmaps, system, anonymous):
    retitle(system, "diva:rkh-1935", "Health and care of ticks")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_change")  # as pruning does, long after

    found = results(anonymous, "health")

    assert "diva:rkh-1935" in found
    assert found == without_bitmaps(anonymous, "health")
    current = memory.current_counter(connection)
    rebuilt = LexemeSet.objects.filter(lexeme__in=["health", "healt"])
    assert all(row.counter == current for row in rebuilt)
    assert rebuilt.exists() == (connection.vendor == "postgresql")

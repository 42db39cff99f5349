"""Search test helpers: every result of a search (following cursors), and facet counts computed
independently with the ORM from the records themselves."""

from __future__ import annotations

from collections import Counter

import pytest

from samla.organisations.models import Organisation
from samla.records.models import ContributionAffiliation, Record
from samla.records.services import record_to_input, update_record
from samla.search import memory
from samla.search.backends import backend_for
from samla.search.backends.base import SqlBackend
from samla.search.query import parse_query
from samla.search.services import search_records


def all_results(actor, **kwargs) -> list[str]:
    """Local ids of every result, in order, following next cursors page by page."""
    found, cursor = [], ""
    for _ in range(1000):
        page = search_records(actor, cursor=cursor, with_facets=False, **kwargs)
        found += [r.local_id for r in page.items]
        cursor = page.next_cursor
        if not cursor:
            return found
    raise AssertionError("paging did not end")


def orm_facets(local_ids: list[str]) -> dict[str, Counter]:
    """Facet counts of these records computed from the record tables, not from the index."""
    records = Record.objects.filter(local_id__in=local_ids).prefetch_related("subjects", "contributions")
    parents = dict(Organisation.objects.values_list("pk", "parent_id"))
    fields = ("type", "year", "content", "category", "organisation", "language", "journal", "author")
    counts: dict[str, Counter] = {name: Counter() for name in fields}
    for record in records:
        counts["type"][record.output_type] += 1
        if record.year:
            counts["year"][str(record.year)] += 1
        if record.content_type:
            counts["content"][record.content_type] += 1
        if record.language:
            counts["language"][record.language] += 1
        if record.journal_id:
            counts["journal"][str(record.journal_id)] += 1
        codes = {
            code[:n] for s in record.subjects.all() for code in [s.code] for n in (1, 3, 5) if n <= len(code)
        }
        counts["category"].update(codes)
        people = {str(c.person_id) for c in record.contributions.all() if c.person_id}
        counts["author"].update(people)
        organisations = set()
        for organisation_id in ContributionAffiliation.objects.filter(
            contribution__record=record, organisation__isnull=False
        ).values_list("organisation_id", flat=True):
            while organisation_id and organisation_id not in organisations:
                organisations.add(organisation_id)
                organisation_id = parents.get(organisation_id)
        counts["organisation"].update(str(o) for o in organisations)
    return counts


def flat_counts(page) -> dict[str, dict[str, int]]:
    """A page's facet counts, hierarchies flattened, as {field: {value: count}}."""
    found: dict[str, dict[str, int]] = {}

    def walk(field, values):
        for value in values:
            found.setdefault(field, {})[value.value] = value.count
            walk(field, value.children)

    for facet in page.facets:
        walk(facet.field, facet.values)
    return found


@pytest.fixture
def search():
    """search(actor, query, **kwargs) -> local ids of every result."""
    return all_results


def fresh_sets() -> memory.FacetSets:
    """This process's facet sets loaded afresh, without the matches kept by earlier searches."""
    memory._CACHE.clear()
    return memory.facet_sets(backend_for())


@pytest.fixture
def matched(monkeypatch) -> list[str]:
    """The SQL of every text match run against the index from now on."""
    statements: list[str] = []
    original = SqlBackend.matching_ids

    def recording(self, hits, params):
        statements.append(hits)
        return original(self, hits, params)

    monkeypatch.setattr(SqlBackend, "matching_ids", recording)
    return statements


def full_matches(statements: list[str], query: str) -> int:
    """How many of `statements` matched `query`'s text against the whole index."""
    return statements.count(backend_for().hits_sql(parse_query(query).match)[0])


def retitle(actor, local_id: str, title: str, *, text_besides: bool = True) -> None:
    """Give a stored record a new title; without `text_besides`, also no subtitle, abstract or keywords."""
    data = record_to_input(Record.objects.get(local_id=local_id))
    data.title = title
    if not text_besides:
        data.subtitle, data.abstracts, data.keywords = "", [], []
    update_record(actor, local_id=local_id, data=data)

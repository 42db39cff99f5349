"""Index documents: a writer builds those of the records it has just written from the rows it holds, and
they must be the very documents the index builds by reading the records back (`samla reindex`)."""

import pytest

from samla.records.indexing import WrittenRows
from samla.records.models import Record
from samla.records.services import import_records, record_to_input, update_record, writing
from samla.search import analysis
from samla.search.index_documents import (
    IndexDocument,
    SourceRows,
    build_documents,
    column_words,
    documents_from_rows,
    natural_stems,
    rows_written,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def written(monkeypatch) -> list[SourceRows]:
    """The rows each write hands the index, as the index reads them when they are written."""
    seen: list[SourceRows] = []
    index_written = writing.index_written

    def keep(rows: WrittenRows) -> None:
        seen.append(rows_written(rows))
        index_written(rows)

    monkeypatch.setattr(writing, "index_written", keep)
    return seen


def _as_written(written: list[SourceRows]) -> dict[int, IndexDocument]:
    return {d.record_id: d for rows in written for d in documents_from_rows(rows)}


def _copy_of(record: Record) -> object:
    """Every part of a seed record again, as a new record: its own local id, no OAI identifier or URN."""
    data = record_to_input(record)
    data.local_id = f"copy:{record.pk}"
    data.identifiers = [i for i in data.identifiers if i.scheme not in ("oai", "urn")]
    return data


def test_documents_of_a_written_batch_equal_documents_read_back(system, written):
    outcomes = import_records(system, [_copy_of(r) for r in Record.objects.order_by("pk")])
    assert {o.status for o in outcomes} == {"created"}
    built = _as_written(written)
    assert sorted(built) == sorted(o.record.pk for o in outcomes)
    assert built == {d.record_id: d for d in build_documents(built)}
    for column in ("author", "orcid", "journal", "issn", "identifier", "organisation", "keyword", "abstract"):
        assert any(d.columns[column] for d in built.values()), column
    assert any(name == "category" for d in built.values() for name, _value in d.facets)


def test_documents_of_an_updated_record_equal_documents_read_back(system, written):
    record = Record.objects.filter(contributions__person__isnull=False).order_by("pk").first()
    data = record_to_input(record)
    data.title = "Okapi sightings"
    data.contributors = data.contributors[1:]
    update_record(system, local_id=record.local_id, data=data)
    built = _as_written(written)
    assert list(built) == [record.pk]
    assert built == {d.record_id: d for d in build_documents([record.pk])}
    assert "okapi" in column_words(built[record.pk], "title")


def test_documents_built_with_stems_worked_out_ahead_equal_those_built_without():
    """What an import's reading process works out (`natural_stems`) is what the writer would."""
    records = list(Record.objects.order_by("pk"))
    expected = build_documents([r.pk for r in records])
    ahead = {}
    for record in records:
        ahead.update(natural_stems(record_to_input(record).model_dump()))
    assert len(ahead) > 3 * len(records)
    with analysis.using_precomputed_stems(ahead):
        assert analysis._PRECOMPUTED_STEMS
        got = build_documents([r.pk for r in records])
    assert not analysis._PRECOMPUTED_STEMS
    assert [(d.columns, d.facets) for d in got] == [(d.columns, d.facets) for d in expected]
    with analysis.using_precomputed_stems(dict.fromkeys(ahead, "ahead")):  # and they are the ones taken
        marked = build_documents([r.pk for r in records])
    assert all(d.columns["title"][0] == "ahead" for d in marked)

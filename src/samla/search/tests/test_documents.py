"""Index documents: a writer builds those of the records it has just written from the rows it holds, and
they must be the very documents the index builds by reading the records back (`samla reindex`)."""

from types import SimpleNamespace

import pytest

from samla.records.models import Record
from samla.records.services import import_records, record_to_input, update_record, writing
from samla.search import analysis
from samla.search.documents import (
    TEXT_FIELDS,
    IndexDocument,
    SourceRows,
    build_documents,
    documents_from_rows,
    prepared_stems,
    stems_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def written(monkeypatch) -> list[SourceRows]:
    """The rows each write hands the index, as it writes them."""
    seen: list[SourceRows] = []
    index_written = writing.index_written

    def keep(rows: SourceRows) -> None:
        seen.append(rows)
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
    assert "okapi" in built[record.pk].columns["title"]


def test_documents_written_with_stems_worked_out_ahead_equal_those_read_back(system, written, monkeypatch):
    """An import's reading process hands on the stems of each record's texts (`stems_of`): documents built
    with them are the ones built without, and those texts are not stemmed again while writing."""
    inputs = [_copy_of(r) for r in Record.objects.order_by("pk")]
    stems = {}
    for data in inputs:
        stems.update(stems_of(SimpleNamespace(**data.model_dump(include=set(TEXT_FIELDS)))))
    calls: list[tuple[str, str]] = []
    stemmed = analysis.stemmed

    def counted(text: str, language: str = "") -> list[str]:
        calls.append((text, language))
        return stemmed(text, language)

    monkeypatch.setattr(analysis, "stemmed", counted)
    with prepared_stems(stems):
        outcomes = import_records(system, inputs)
    stemmed_while_writing = set(calls)

    built = _as_written(written)
    assert sorted(built) == sorted(o.record.pk for o in outcomes)
    assert built == {d.record_id: d for d in build_documents(built)}
    assert not stemmed_while_writing & stems.keys()
    assert len(stems) > len(inputs)

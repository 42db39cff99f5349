"""Reading in a second process: the same results as reading inline, errors carried over, no orphan."""

import multiprocessing
import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest

from samla.batch.pipeline import ReaderFailed, run_in_worker
from samla.core.errors import InvalidInput
from samla.imports import services
from samla.imports.mapping import MappedRecord
from samla.imports.oai_pmh import read_records
from samla.records.models import Record
from samla.search.index_documents import natural_stems

from .conftest import DIVA_SWEPUB


def numbers(count: int) -> Iterator[int]:
    yield from range(count)


def failing_after(count: int) -> Iterator[int]:
    yield from range(count)
    raise ValueError("the source broke")


def test_run_in_worker_yields_what_the_generator_yields_in_order():
    assert list(run_in_worker(numbers, 50)) == list(range(50))


def test_run_in_worker_error_in_the_reader_is_raised_with_its_traceback():
    received = []
    with pytest.raises(ReaderFailed, match="ValueError: the source broke"):
        for item in run_in_worker(failing_after, 3):
            received.append(item)

    assert received == [0, 1, 2]


def test_run_in_worker_consumer_stopping_early_ends_the_reader():
    items = run_in_worker(numbers, 10**9)
    assert next(items) == 0

    items.close()  # the finally: block joins or terminates the reader; a hang here would fail the run


@pytest.fixture
def in_worker(monkeypatch):
    """Every import, however small, read and mapped by the reading process."""
    monkeypatch.setattr(services, "WORKER_MIN_BYTES", 0)


def test_import_files_in_worker_reports_as_inline(db, system, in_worker, kth_thesis_copies):
    bad_orcid = {"0000-0001-9329-9088": "0000-0001-9329-9089"}
    path = kth_thesis_copies((9200001, bad_orcid), (9200002, {}), (9200003, {}))
    calls = []

    results = list(services.import_files(system, [path], progress=calls.append, found=calls.append))

    assert [(r.status, r.record, [field for field, _m in r.flags]) for r in results] == [
        ("created", "diva2:9200001", ["contributors[0].person.orcid"]),
        ("created", "diva2:9200002", []),
        ("created", "diva2:9200003", []),
    ]
    assert calls == [3, 3]  # found 3, then 3 imported
    assert (
        Record.objects.filter(local_id__in=["diva2:9200001", "diva2:9200002", "diva2:9200003"]).count() == 3
    )


def test_import_files_in_worker_unreadable_file_and_deleted_header(db, system, in_worker, not_well_formed):
    results = list(services.import_files(system, [not_well_formed, DIVA_SWEPUB / "delete_kth_post.xml"]))

    assert [(Path(r.path).name, r.line, r.status) for r in results] == [
        ("chalmers.xml", 186, "failed"),
        ("delete_kth_post.xml", results[1].line, "deleted"),
    ]
    assert Record.objects.get(local_id="diva2:459554").state == "withdrawn"


def test_mapped_batches_bring_stems_while_the_writer_wants_them(db, monkeypatch, kth_thesis_copies):
    """A re-run of records already here would work out stems for nothing: the writer says so after each
    batch, and the reader stops until it says otherwise. (The reader reads the fingerprints kept.)"""
    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    first = kth_thesis_copies(*((9300000 + n, {}) for n in range(4)), name="first.xml")
    second = kth_thesis_copies(*((9310000 + n, {}) for n in range(3)), name="second.xml")
    stems_wanted = multiprocessing.RawValue("b", 1)
    items = []
    for item in services.mapped_batches([str(first), str(second)], stems_wanted):
        items.append(item)
        stems_wanted.value = len(items) < 4

    shapes = [item if isinstance(item, int) else [m.mapped.record.local_id for m in item] for item in items]
    assert shapes == [
        4,
        ["diva2:9300000", "diva2:9300001"],
        ["diva2:9300002", "diva2:9300003"],
        3,
        ["diva2:9310000", "diva2:9310001"],
        ["diva2:9310002"],
    ]
    with_stems = [bool(item[0].stems) for item in items if isinstance(item, list)]
    assert with_stems == [True, True, False, False]


@pytest.mark.parametrize("name", ["kth-new-diva.xml", "liu-new-diva.xml", "rise-new-diva.xml"])
def test_a_mapped_record_crosses_to_the_writing_process_unchanged(name):
    """What the reading process hands on, unchecked, is rebuilt from the JSON of its values: every field
    comes back as mapped, organisations included, and so do the stems worked out from those values."""
    for source in read_records(DIVA_SWEPUB / name):
        if source.header.deleted:
            continue
        mapped = source.map()
        again = pickle.loads(pickle.dumps(mapped))
        assert again.values == {}  # crossed as JSON, unchecked
        assert again.organisations == mapped.organisations
        assert again.record == mapped.record
        assert again.record.model_dump_json() == mapped.record.model_dump_json()
        assert natural_stems(mapped.values) == natural_stems(again.record.model_dump())


def test_a_mapped_record_crosses_unchecked_and_its_bad_value_is_flagged_where_checked():
    """Values JSON cannot carry as they are (an int past 64 bits) cross all the same, and the schema
    refuses them where the record is checked, in the writing process: the value is left out, flagged."""
    mapped = MappedRecord({"title": "Huge", "output_type": "art", "page_count": 10**30, "local_id": "x:1"})

    again = pickle.loads(pickle.dumps(mapped))

    record = again.checked().record
    assert record.page_count is None
    assert [(f.field, f.kind, f.value) for f in record.quality_flags] == [
        (
            "page_count",
            "invalid-value",
            "1e+30",
        )  # as it crossed: JSON readers take so large a number as a float
    ]


def test_a_mapped_record_without_a_title_is_refused_naming_the_field():
    mapped = MappedRecord({"title": "\x00", "output_type": "art", "local_id": "x:1"})

    with pytest.raises(InvalidInput) as refused:
        pickle.loads(pickle.dumps(mapped)).checked()
    assert list(refused.value.fields) == ["title"]
    assert refused.value.message == "Record x:1: title: control characters are not allowed"


def test_import_files_in_worker_refused_value_is_flagged_in_the_writer(
    db, system, in_worker, kth_thesis_copies
):
    huge_extent = {"<extent>73</extent>": f"<extent>{'9' * 5000}</extent>"}
    path = kth_thesis_copies((9200011, {}), (9200012, huge_extent))

    results = list(services.import_files(system, [path]))

    assert [(r.status, r.record, [field for field, _m in r.flags]) for r in results] == [
        ("created", "diva2:9200011", []),
        ("created", "diva2:9200012", ["page_count"]),
    ]
    assert Record.objects.get(local_id="diva2:9200012").page_count is None


def test_natural_stems_of_values_the_schema_refuses_are_none():
    assert natural_stems({"title": None, "abstracts": "not a list", "keywords": [3]}) == {}

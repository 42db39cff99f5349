"""Fingerprints of source records: an unchanged record is passed over on re-import, and only then."""

import pytest

from samla.core.access import Actor
from samla.imports import services
from samla.imports.fingerprints import record_spans
from samla.imports.models import ImportFingerprint
from samla.imports.oai_pmh import SourceRecord
from samla.imports.services import import_files
from samla.records.models import Record
from samla.records.services import get_record_for, record_to_input, update_record

from .conftest import DIVA_SWEPUB, OAI_ENVELOPE

pytestmark = pytest.mark.django_db
IMPORTER = Actor.system("import")


@pytest.fixture
def mapped(monkeypatch) -> list[str]:
    """The OAI identifiers of the records mapped from now on."""
    seen: list[str] = []
    original = SourceRecord.map

    def counting(self):
        seen.append(self.header.identifier)
        return original(self)

    monkeypatch.setattr(SourceRecord, "map", counting)
    return seen


def statuses(results) -> list[tuple[str, str]]:
    return [(r.status, r.record) for r in results]


def test_reimport_of_unchanged_records_maps_nothing_and_counts_them_unchanged(kth_thesis_copies, mapped):
    path = kth_thesis_copies((9400001, {}), (9400002, {}))
    assert statuses(import_files(IMPORTER, [path])) == [
        ("created", "diva2:9400001"),
        ("created", "diva2:9400002"),
    ]
    kept = ImportFingerprint.objects.order_by("record__local_id")
    assert [(f.record.local_id, f.source, f.revision) for f in kept] == [
        ("diva2:9400001", "mods", 1),
        ("diva2:9400002", "mods", 1),
    ]
    mapped.clear()

    again = list(import_files(IMPORTER, [path]))

    assert statuses(again) == [("unchanged", "diva2:9400001"), ("unchanged", "diva2:9400002")]
    assert [r.line for r in again] == [r.line for r in import_files(IMPORTER, [path])]
    assert mapped == []
    assert Record.objects.get(local_id="diva2:9400001").revision == 1


def test_flags_of_an_unchanged_record_are_reported_again(kth_thesis_copies, mapped):
    """A value kept aside with a quality flag (an ISBN with a wrong check digit) is named again."""
    path = kth_thesis_copies((9400001, {"978-91-7873-255-5": "978-91-7873-255-6"}))
    (first,) = import_files(IMPORTER, [path])
    mapped.clear()

    (again,) = import_files(IMPORTER, [path])

    assert first.flags and first.flags[0][0].startswith("identifiers")
    assert (again.status, again.flags) == ("unchanged", first.flags)
    assert mapped == []


def test_a_record_edited_since_is_merged_again(curator, kth_thesis_copies, mapped):
    path = kth_thesis_copies((9400001, {}), (9400002, {}))
    list(import_files(IMPORTER, [path]))
    data = record_to_input(get_record_for(curator, "diva2:9400001"))
    data.publisher = "KTH"
    update_record(curator, local_id="diva2:9400001", data=data)
    mapped.clear()

    again = list(import_files(IMPORTER, [path]))

    assert statuses(again) == [("proposed", "diva2:9400001"), ("unchanged", "diva2:9400002")]
    assert mapped == ["oai:DiVA.org:kth-9400001"]
    kept = ImportFingerprint.objects.get(record__local_id="diva2:9400001")
    assert kept.revision == Record.objects.get(local_id="diva2:9400001").revision == 2


def test_a_changed_source_record_is_mapped_and_merged(kth_thesis_copies, mapped):
    list(import_files(IMPORTER, [kth_thesis_copies((9400001, {}), (9400002, {}))]))
    mapped.clear()
    changed = kth_thesis_copies((9400001, {}), (9400002, {"<extent>73</extent>": "<extent>74</extent>"}))

    again = list(import_files(IMPORTER, [changed]))

    assert statuses(again) == [("unchanged", "diva2:9400001"), ("updated", "diva2:9400002")]
    assert mapped == ["oai:DiVA.org:kth-9400002"]


def test_a_record_sent_twice_changed_in_between_ends_as_sent_last(monkeypatch, kth_thesis_copies):
    """The fingerprints of a file are looked up before its first batch is written: the second copy, known
    from the first import, is checked against the record the first copy has changed since."""
    monkeypatch.setattr(services, "BATCH_SIZE", 1)
    list(import_files(IMPORTER, [kth_thesis_copies((9400001, {}), name="first.xml")]))
    original = Record.objects.get(local_id="diva2:9400001").page_count
    twice = kth_thesis_copies(
        (9400001, {"<extent>73</extent>": "<extent>74</extent>"}), (9400001, {}), name="twice.xml"
    )

    assert statuses(import_files(IMPORTER, [twice])) == [
        ("updated", "diva2:9400001"),
        ("updated", "diva2:9400001"),
    ]
    assert Record.objects.get(local_id="diva2:9400001").page_count == original == 73


def test_a_record_sent_twice_in_one_batch_ends_as_sent_last(kth_thesis_copies):
    list(import_files(IMPORTER, [kth_thesis_copies((9400001, {}), name="first.xml")]))
    changed = {"<extent>73</extent>": "<extent>74</extent>"}
    twice = kth_thesis_copies((9400001, changed), (9400001, {}), name="twice.xml")

    assert statuses(import_files(IMPORTER, [twice])) == [
        ("updated", "diva2:9400001"),
        ("updated", "diva2:9400001"),
    ]
    assert Record.objects.get(local_id="diva2:9400001").page_count == 73


def test_a_record_twice_in_one_batch_keeps_one_fingerprint(kth_thesis_copies):
    changed = {"<extent>73</extent>": "<extent>74</extent>"}
    twice = kth_thesis_copies((9400001, {}), (9400001, changed))

    assert statuses(import_files(IMPORTER, [twice])) == [
        ("created", "diva2:9400001"),
        ("updated", "diva2:9400001"),
    ]
    assert statuses(import_files(IMPORTER, [kth_thesis_copies((9400001, changed))])) == [
        ("unchanged", "diva2:9400001")
    ]
    assert ImportFingerprint.objects.get().revision == 2


def test_a_dry_run_keeps_no_fingerprint(kth_thesis_copies):
    list(import_files(IMPORTER, [kth_thesis_copies((9400001, {}))], dry_run=True))

    assert not ImportFingerprint.objects.exists()


def test_spans_are_the_files_records():
    raw = (DIVA_SWEPUB / "kth-new-diva.xml").read_bytes()
    spans = record_spans(raw)

    assert len(spans) == 1
    assert raw[spans[0].start : spans[0].end].startswith(b"<record>")
    assert raw[spans[0].start : spans[0].end].endswith(b"</record>")
    assert spans[0].line == raw[: spans[0].start].count(b"\n") + 1


@pytest.mark.parametrize(
    "records",
    [
        "<record><metadata><record xmlns='http://www.loc.gov/MARC21/slim'/></metadata></record>",  # nested
        "<record><header><identifier>oai:x:1</identifier></header>",  # never closed
    ],
)
def test_spans_refuse_what_is_not_one_record_after_another(records):
    assert record_spans(OAI_ENVELOPE.format(records=records).encode()) is None


def test_spans_refuse_a_file_declaring_a_dtd():
    raw = OAI_ENVELOPE.format(records="<record></record>").replace("<OAI-PMH", "<!DOCTYPE x []>\n<OAI-PMH", 1)
    assert record_spans(raw.encode()) is None


def test_a_reharvest_of_unchanged_records_maps_nothing(kth_thesis_copies, mapped):
    """A harvested page's records are fingerprinted as a file's are: harvesting them again passes them
    over, and a page sending a record twice has both copies merged."""
    from samla.imports.harvest import harvest

    page = kth_thesis_copies((9400001, {}), (9400002, {})).read_bytes()
    first = list(harvest(IMPORTER, "https://diva.example/oai", prefix="swepub_mods", fetch=lambda url: page))
    mapped.clear()

    again = list(
        harvest(IMPORTER, "https://diva.example/oai", prefix="swepub_mods", full=True, fetch=lambda url: page)
    )

    assert statuses(first) == [("created", "diva2:9400001"), ("created", "diva2:9400002")]
    assert statuses(again) == [("unchanged", "diva2:9400001"), ("unchanged", "diva2:9400002")]
    assert mapped == []


def test_a_page_sending_a_known_record_twice_has_both_copies_merged(kth_thesis_copies, mapped):
    from samla.imports.harvest import harvest

    list(import_files(IMPORTER, [kth_thesis_copies((9400001, {}), name="first.xml")]))
    changed = {"<extent>73</extent>": "<extent>74</extent>"}
    page = kth_thesis_copies((9400001, changed), (9400001, {}), name="twice.xml").read_bytes()
    mapped.clear()

    results = list(
        harvest(IMPORTER, "https://diva.example/oai", prefix="swepub_mods", fetch=lambda url: page)
    )

    assert statuses(results) == [("updated", "diva2:9400001"), ("updated", "diva2:9400001")]
    assert len(mapped) == 2
    assert Record.objects.get(local_id="diva2:9400001").page_count == 73


def test_spans_of_records_under_a_prefix():
    raw = (
        b'<oai:OAI-PMH xmlns:oai="http://www.openarchives.org/OAI/2.0/"><oai:ListRecords>'
        b"<oai:record><oai:header><oai:identifier>oai:x:1</oai:identifier></oai:header></oai:record>\n"
        b"<oai:record><oai:header><oai:identifier>oai:x:2</oai:identifier></oai:header></oai:record>"
        b"</oai:ListRecords></oai:OAI-PMH>"
    )
    spans = record_spans(raw)

    assert [(raw[s.start : s.start + 12], s.line, s.identifier) for s in spans] == [
        (b"<oai:record>", 1, b"oai:x:1"),
        (b"<oai:record>", 2, b"oai:x:2"),
    ]
    assert raw[spans[1].start : spans[1].end].endswith(b"</oai:record>")

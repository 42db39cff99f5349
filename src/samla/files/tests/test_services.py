"""File services on the real PDFs of testdata/: attaching, extraction, access, fixity."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from samla.core.access import Actor
from samla.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from samla.files import services, store
from samla.files.errors import FileDamaged, InsufficientStorage, PayloadTooLarge
from samla.files.models import ExtractedText, FixityCheck, RecordFile, StoredFile
from samla.records.models import Record, Revision
from samla.records.services import get_record_for

from .conftest import ENCRYPTED, FOUR_PAGES, MINIMAL, NO_XREF, PDF_DIR, SEED_ID, sha512_of, stored_blobs

TODAY = timezone.localdate()
FUTURE = TODAY + dt.timedelta(days=365)
PAST = TODAY - dt.timedelta(days=1)
ROLES = ["anonymous", "reader", "depositor", "curator", "admin_actor"]


def windows_executable() -> Path:
    """A real Windows program: the launcher setuptools ships (the project's venv always has setuptools,
    which `pip install -e` needs); a missing one fails the test rather than skipping it."""
    import setuptools

    path = Path(setuptools.__file__).parent / "cli-64.exe"
    assert path.exists(), f"setuptools no longer ships {path.name}; pick another Windows program"
    return path


def flip_a_byte(sha512: str, offset: int = 100) -> None:
    path = store.blob_path(sha512)
    path.chmod(0o644)
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


# ---------------------------------------------------------------- attaching


def test_attach_file_pdf_stores_sha512_size_type_pages_and_text(attach, file_store):
    record_file = attach(MINIMAL, file_name="Östlund_2024.pdf")

    stored = record_file.stored_file
    assert stored.sha512 == sha512_of(MINIMAL)
    assert (stored.size, stored.mime_type, stored.page_count) == (16978, "application/pdf", 1)
    assert (stored.extraction_status, stored.extraction_detail) == ("ok", "")
    text = ExtractedText.objects.get(stored_file=stored).text
    assert text.startswith(
        "Lorem ipsum dolor sit amet, consetetur sadipscing elitr, sed diam nonumy eirmod\n"
        "tempor invidunt ut labore et dolore magna aliquyam erat, sed diam voluptua. At vero\n"
    )
    assert (record_file.file_name, record_file.position, record_file.access) == (
        "Östlund_2024.pdf",
        1,
        "open",
    )
    assert (record_file.version, record_file.label, record_file.attached_by) == (
        "published",
        "fulltext",
        "system:tests",
    )
    assert stored_blobs(file_store) == [store.blob_path(stored.sha512)]


def test_attach_file_four_page_pdf_counts_pages_and_separates_them(attach):
    stored = attach(FOUR_PAGES).stored_file

    assert stored.page_count == 4
    assert stored.extracted_text.text.count("\f") == 3
    assert stored.extracted_text.text.startswith("Hello, here is some text without a meaning.")


def test_attach_file_encrypted_pdf_stored_with_encrypted_status(attach):
    stored = attach(ENCRYPTED).stored_file

    assert (stored.mime_type, stored.extraction_status, stored.page_count) == (
        "application/pdf",
        "encrypted",
        None,
    )
    assert stored.extraction_detail == "The PDF is encrypted with a password; its text cannot be read."
    assert not ExtractedText.objects.filter(stored_file=stored).exists()


def test_attach_file_pdf_without_xref_stored_with_failed_status(attach):
    stored = attach(NO_XREF).stored_file

    assert (stored.size, stored.extraction_status, stored.page_count) == (849, "failed", None)
    assert stored.extraction_detail == "The PDF could not be read: PdfReadError: startxref not found"


def test_attach_file_every_shared_pdf_is_stored_without_crash(attach):
    statuses = {p.name: attach(p).stored_file.extraction_status for p in sorted(PDF_DIR.glob("*.pdf"))}

    assert statuses == {
        "pdfminer-simple1.pdf": "failed",
        "pysample-001-minimal-document.pdf": "ok",
        "pysample-004-pdflatex-4-pages.pdf": "ok",
        "pysample-005-encrypted.pdf": "encrypted",
        "pysample-021-crazyones-pdfa.pdf": "ok",
        "pysample-026-multicolumn.pdf": "ok",
    }
    assert list(RecordFile.objects.filter(record__local_id=SEED_ID).values_list("position", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
        6,
    ]


def test_attach_file_text_file_detected_by_content_and_not_extracted(attach):
    stored = attach(PDF_DIR / "pysample-001-minimal-document.tex", file_name="paper.pdf").stored_file

    assert (stored.mime_type, stored.extraction_status) == ("text/x-tex", "skipped")


def test_attach_file_same_bytes_on_two_records_stored_once(attach, file_store, system):
    other = Record.objects.exclude(local_id=SEED_ID).order_by("local_id").first()

    first = attach(MINIMAL)
    second = attach(MINIMAL, local_id=other.local_id, file_name="copy.pdf")

    assert first.stored_file_id == second.stored_file_id == sha512_of(MINIMAL)
    assert StoredFile.objects.count() == 1
    assert len(stored_blobs(file_store)) == 1


def test_attach_file_same_bytes_twice_on_one_record_raises_conflict(attach):
    first = attach(MINIMAL)

    with pytest.raises(Conflict) as raised:
        attach(MINIMAL, file_name="again.pdf")

    assert raised.value.message == f"This file is already attached to {SEED_ID} as {first.file_name}."
    assert RecordFile.objects.filter(record__local_id=SEED_ID).count() == 1


def test_attach_file_writes_revision_and_new_datestamp(attach):
    before = Record.objects.get(local_id=SEED_ID)

    attach(MINIMAL, file_name="FULLTEXT01.pdf")

    record = Record.objects.get(local_id=SEED_ID)
    assert record.revision == before.revision + 1
    assert record.datestamp > before.datestamp
    revision = Revision.objects.get(record=record, number=record.revision)
    assert (revision.summary, revision.actor) == ("file attached: FULLTEXT01.pdf", "system:tests")
    assert revision.changes == {"files": [[], ["FULLTEXT01.pdf"]]}


def test_attach_file_zero_bytes_refused_and_nothing_stored(attach, file_store, tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")

    with pytest.raises(InvalidInput) as raised:
        attach(empty)

    assert raised.value.message == "empty.pdf is empty (0 bytes); there is nothing to store."
    assert raised.value.fields == {"file": "empty"}
    assert (StoredFile.objects.count(), RecordFile.objects.count()) == (0, 0)
    assert stored_blobs(file_store) == []


def test_attach_file_windows_executable_named_pdf_refused(attach, file_store):
    with pytest.raises(InvalidInput) as raised:
        attach(windows_executable(), file_name="paper.pdf")

    assert raised.value.message == (
        "paper.pdf is a Windows executable (application/vnd.microsoft.portable-executable), not a document; "
        "programs are not stored."
    )
    assert (StoredFile.objects.count(), RecordFile.objects.count()) == (0, 0)
    assert stored_blobs(file_store) == []


def test_attach_file_over_limit_raises_413_naming_limit(attach, settings, file_store):
    settings.MAX_UPLOAD_BYTES = 16 * 1024

    with pytest.raises(PayloadTooLarge) as raised:
        attach(MINIMAL)

    assert raised.value.status == 413
    assert raised.value.message == "The file is larger than the upload limit of 16 KiB (16384 bytes)."
    assert (StoredFile.objects.count(), RecordFile.objects.count()) == (0, 0)


def test_attach_file_disk_full_leaves_no_file_and_no_row(attach, file_store, monkeypatch):
    def disk_full(out, chunk: bytes) -> None:
        out.write(chunk[:100])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "_write", disk_full)
    before = Record.objects.get(local_id=SEED_ID).revision

    with pytest.raises(InsufficientStorage) as raised:
        attach(MINIMAL)

    assert raised.value.message == "The file store is full; the file was not stored."
    assert (StoredFile.objects.count(), RecordFile.objects.count()) == (0, 0)
    assert Record.objects.get(local_id=SEED_ID).revision == before
    assert list((file_store / "tmp").iterdir()) == []
    assert stored_blobs(file_store) == []


@pytest.mark.parametrize(
    ("name", "stored_as"),
    [("../../etc/passwd.pdf", "passwd.pdf"), ("x" * 300 + ".pdf", "x" * 251 + ".pdf")],
    ids=["dot-dot", "300-characters"],
)
def test_attach_file_hostile_name_stored_safe(attach, name, stored_as):
    assert attach(MINIMAL, file_name=name).file_name == stored_as


@pytest.mark.parametrize("name", ["paper\x00.pdf", "paper\r\n.pdf"], ids=["nul", "crlf"])
def test_attach_file_name_with_control_characters_refused_before_storing(attach, file_store, name):
    with pytest.raises(InvalidInput):
        attach(MINIMAL, file_name=name)

    assert stored_blobs(file_store) == []


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"access": "embargo"}, "embargo_until"),
        ({"access": "open", "embargo_until": FUTURE}, "embargo_until"),
        ({"access": "restricted"}, "restricted_role"),
        ({"access": "restricted", "restricted_role": "anonymous"}, "restricted_role"),
        ({"access": "public"}, "access"),
        ({"version": "preprint"}, "version"),
        ({"label": "x" * 31}, "label"),
    ],
    ids=[
        "embargo-no-date",
        "date-not-embargo",
        "restricted-no-role",
        "unknown-role",
        "access",
        "version",
        "label",
    ],
)
def test_attach_file_inconsistent_access_raises_invalid_input(attach, options, field):
    with pytest.raises(InvalidInput) as raised:
        attach(MINIMAL, **options)

    assert list(raised.value.fields) == [field]


def test_attach_file_large_pdf_left_pending_then_extracted_by_job(attach, settings, system):
    settings.EXTRACT_INLINE_MAX_BYTES = 10_000
    stored = attach(MINIMAL).stored_file
    assert (stored.extraction_status, stored.page_count) == ("pending", None)

    pending = services.pending_extractions(system)
    results = list(services.extract_texts(system, sha512s=pending))

    assert pending == [stored.sha512]
    assert results == [services.ExtractionResult(stored.sha512, "ok", "", 1)]
    stored.refresh_from_db()
    assert (stored.extraction_status, stored.page_count) == ("ok", 1)
    assert stored.extracted_text.text.startswith("Lorem ipsum dolor sit amet")
    assert services.pending_extractions(system) == []


def test_attach_file_depositor_own_draft_allowed(depositor, draft_of):
    record = draft_of(depositor)

    record_file = services.attach_file(
        depositor, local_id=record.local_id, source=MINIMAL, file_name="draft.pdf", version="submitted"
    )

    assert (record_file.record_id, record_file.version, record_file.attached_by) == (
        record.pk,
        "submitted",
        "depositor:depositor",
    )


@pytest.mark.parametrize("role", ["reader", "depositor"])
def test_attach_file_to_published_record_not_own_denied(request, role, file_store):
    actor = request.getfixturevalue(role)

    with pytest.raises(PermissionDenied) as raised:
        services.attach_file(actor, local_id=SEED_ID, source=MINIMAL, file_name="x.pdf")

    assert raised.value.data == {"action": "file.attach"}
    assert stored_blobs(file_store) == []


def test_attach_file_to_someone_elses_draft_not_found(anonymous, depositor, draft_of):
    record = draft_of(depositor)

    with pytest.raises(NotFound, match=f"No record {record.local_id}."):
        services.attach_file(anonymous, local_id=record.local_id, source=MINIMAL, file_name="x.pdf")


# ---------------------------------------------------------------- access

EXPECTED = {
    # access options → what anonymous, reader, depositor, curator, admin get
    "open": ("ok", "ok", "ok", "ok", "ok"),
    "embargo-future": ("denied", "denied", "denied", "ok", "ok"),
    "embargo-past": ("ok", "ok", "ok", "ok", "ok"),
    "restricted-reader": ("denied", "ok", "ok", "ok", "ok"),
    "restricted-curator": ("denied", "denied", "denied", "ok", "ok"),
    "archive": ("missing", "missing", "missing", "ok", "ok"),
}
OPTIONS = {
    "open": {},
    "embargo-future": {"access": "embargo", "embargo_until": FUTURE},
    "embargo-past": {"access": "embargo", "embargo_until": PAST},
    "restricted-reader": {"access": "restricted", "restricted_role": "reader"},
    "restricted-curator": {"access": "restricted", "restricted_role": "curator"},
    "archive": {"access": "archive"},
}


def outcome(actor: Actor, file_id: int) -> str:
    try:
        services.get_file_for_download(actor, file_id)
    except PermissionDenied:
        return "denied"
    except NotFound:
        return "missing"
    return "ok"


@pytest.mark.parametrize("case", list(EXPECTED))
def test_get_file_for_download_each_access_for_each_role(request, attach, case):
    record_file = attach(MINIMAL, **OPTIONS[case])
    actors = [request.getfixturevalue(role) for role in ROLES]

    assert tuple(outcome(actor, record_file.pk) for actor in actors) == EXPECTED[case]


def test_get_file_for_download_embargoed_message_names_date(attach, anonymous):
    record_file = attach(MINIMAL, access="embargo", embargo_until=dt.date(2099, 1, 1))

    with pytest.raises(PermissionDenied) as raised:
        services.get_file_for_download(anonymous, record_file.pk)

    assert raised.value.message == "pysample-001-minimal-document.pdf is embargoed until 2099-01-01."
    assert raised.value.status == 403


def test_get_file_for_download_owner_gets_own_embargoed_file(depositor, reader, draft_of):
    record = draft_of(depositor)
    record_file = services.attach_file(
        depositor,
        local_id=record.local_id,
        source=MINIMAL,
        file_name="x.pdf",
        access="embargo",
        embargo_until=FUTURE,
    )

    assert outcome(depositor, record_file.pk) == "ok"
    assert outcome(reader, record_file.pk) == "missing"  # someone else's draft


def test_get_file_for_download_other_records_id_not_found(attach, anonymous):
    record_file = attach(MINIMAL)

    with pytest.raises(NotFound, match=r"No such file\."):
        services.get_file_for_download(anonymous, record_file.pk, local_id="diva2:0")


def test_list_files_for_hides_archive_copies_from_non_curators(attach, anonymous, curator, seed_record):
    attach(MINIMAL, file_name="open.pdf")
    attach(FOUR_PAGES, file_name="archive.pdf", access="archive")
    attach(ENCRYPTED, file_name="embargoed.pdf", access="embargo", embargo_until=FUTURE)
    seed_record = get_record_for(anonymous, seed_record.local_id)  # as a page loads it, files known

    assert [f.file_name for f in services.list_files_for(anonymous, seed_record)] == [
        "open.pdf",
        "embargoed.pdf",
    ]
    record = Record.objects.get(pk=seed_record.pk)
    assert [f.file_name for f in services.list_files_for(curator, record)] == [
        "open.pdf",
        "archive.pdf",
        "embargoed.pdf",
    ]


def test_list_files_for_prefetched_record_needs_no_query(attach, anonymous, django_assert_num_queries):
    attach(MINIMAL)
    record = Record.objects.prefetch_related(services.FILES_PREFETCH).get(local_id=SEED_ID)

    with django_assert_num_queries(0):
        files = services.list_files_for(anonymous, record)
        assert [f.stored_file.size for f in files] == [16978]


# ---------------------------------------------------------------- fixity


def test_check_fixity_intact_file_logged_ok(attach, system):
    stored = attach(MINIMAL).stored_file

    results = list(services.check_fixity(system, sha512s=services.select_for_fixity(system)))

    assert results == [
        services.FixityResult(stored.sha512, "ok", "", (f"{SEED_ID} pysample-001-minimal-document.pdf",))
    ]
    stored.refresh_from_db()
    check = FixityCheck.objects.get(stored_file=stored)
    assert (check.result, check.detail, stored.last_check_result) == ("ok", "", "ok")
    assert stored.last_checked == check.at


def test_check_fixity_flipped_byte_reported_corrupted_and_not_served(attach, system, anonymous):
    record_file = attach(MINIMAL)
    sha512 = record_file.stored_file_id
    flip_a_byte(sha512)

    [result] = services.check_fixity(system, sha512s=[sha512])

    assert (result.result, result.failed) == ("corrupted", True)
    assert result.detail.startswith("now 16978 bytes with SHA-512 ")
    assert result.detail.endswith("…, stored as 16978 bytes.")
    with pytest.raises(FileDamaged) as raised:
        services.get_file_for_download(anonymous, record_file.pk)
    assert raised.value.status == 503
    assert raised.value.message == (
        "pysample-001-minimal-document.pdf is damaged in the store (its fixity check found it corrupted); "
        "it is not served until a curator restores it."
    )


def test_check_fixity_missing_blob_reported_missing(attach, system):
    sha512 = attach(MINIMAL).stored_file_id
    store.blob_path(sha512).unlink()

    [result] = services.check_fixity(system, sha512s=[sha512])

    assert result.result == "missing"
    assert result.detail == f"{store.blob_path(sha512)} is not in the store."


def test_get_file_for_download_blob_gone_before_any_check_not_served(attach, anonymous):
    record_file = attach(MINIMAL)
    store.blob_path(record_file.stored_file_id).unlink()

    with pytest.raises(FileDamaged):
        services.get_file_for_download(anonymous, record_file.pk)


def test_attach_file_same_bytes_again_restores_corrupted_blob(attach, system, anonymous):
    other = Record.objects.exclude(local_id=SEED_ID).order_by("local_id").first()
    record_file = attach(MINIMAL)
    flip_a_byte(record_file.stored_file_id)
    list(services.check_fixity(system, sha512s=[record_file.stored_file_id]))

    attach(MINIMAL, local_id=other.local_id)

    assert services.get_file_for_download(anonymous, record_file.pk) == record_file
    assert store.hash_blob(record_file.stored_file_id) == (record_file.stored_file_id, 16978)
    checks = FixityCheck.objects.filter(stored_file_id=record_file.stored_file_id).order_by("at")
    assert [c.result for c in checks] == ["corrupted", "ok"]
    assert checks.last().detail == "restored from a new upload by system:tests"


def test_select_for_fixity_never_checked_first_then_oldest(attach, system):
    first = attach(MINIMAL).stored_file_id
    second = attach(FOUR_PAGES).stored_file_id
    third = attach(NO_XREF).stored_file_id
    list(services.check_fixity(system, sha512s=[second]))
    list(services.check_fixity(system, sha512s=[first]))

    order = services.select_for_fixity(system)

    assert order == [third, second, first]
    assert services.select_for_fixity(system, limit=2) == [third, second]
    assert services.select_for_fixity(system, share=0.5) == [third, second]  # 1.5 rounded up
    assert services.select_for_fixity(system, share=0.1) == [third]


@pytest.mark.parametrize(
    ("share", "total", "count"), [(0.07, 100, 7), (0.5, 3, 2), (0.1, 3, 1), (1, 7, 7), (0.5, 0, 0)]
)
def test_share_of_rounds_up_without_float_error(share, total, count):
    assert services.share_of(share, total) == count


@pytest.mark.parametrize(
    "options",
    [{"limit": 0}, {"share": 0.0}, {"share": 1.5}, {"limit": 1, "share": 0.5}],
    ids=["limit-0", "share-0", "share-over-1", "both"],
)
def test_select_for_fixity_bad_selection_raises_invalid_input(system, options):
    with pytest.raises(InvalidInput):
        services.select_for_fixity(system, **options)


@pytest.mark.parametrize("role", ["anonymous", "reader", "depositor"])
def test_fixity_and_extraction_jobs_need_curator(request, role):
    actor = request.getfixturevalue(role)

    with pytest.raises(PermissionDenied):
        services.select_for_fixity(actor)
    with pytest.raises(PermissionDenied):
        services.pending_extractions(actor)


# ---------------------------------------------------------------- search


def found(actor: Actor, query: str) -> list[str]:
    from samla.search.services import search_records

    return [r.local_id for r in search_records(actor, query=query, with_facets=False).items]


def test_attach_open_pdf_makes_record_findable_by_its_text(attach, anonymous):
    assert found(anonymous, "consetetur") == []

    attach(MINIMAL)

    assert found(anonymous, "consetetur") == [SEED_ID]


@pytest.mark.parametrize("case", ["embargo-future", "restricted-reader", "archive"])
def test_attach_non_public_pdf_text_not_searchable(attach, anonymous, curator, case):
    attach(MINIMAL, **OPTIONS[case])

    assert found(anonymous, "consetetur") == []
    assert found(curator, "consetetur") == []


def test_extract_texts_pending_pdf_indexed_when_extracted(attach, settings, anonymous, system):
    settings.EXTRACT_INLINE_MAX_BYTES = 1000
    stored = attach(MINIMAL).stored_file
    assert found(anonymous, "consetetur") == []

    list(services.extract_texts(system, sha512s=[stored.sha512]))

    assert found(anonymous, "consetetur") == [SEED_ID]


def test_public_texts_joins_a_records_public_files_in_order(attach, seed_record):
    attach(FOUR_PAGES)
    attach(MINIMAL)
    attach(ENCRYPTED)

    [text] = services.public_texts([seed_record.pk]).values()

    assert text.startswith("Hello, here is some text without a meaning.")
    assert "\nLorem ipsum dolor sit amet, consetetur" in text

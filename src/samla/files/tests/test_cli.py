"""`samla attach`, `samla fixity` and `samla files extract`, run through the real click group."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from samla.cli import main
from samla.files import store
from samla.files.models import FixityCheck, RecordFile, StoredFile

from .conftest import ENCRYPTED, FOUR_PAGES, MINIMAL, NO_XREF, SEED_ID, sha512_of


@pytest.fixture
def run(db):
    def run(*args: str):
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    return run


def corrupt(sha512: str) -> None:
    path = store.blob_path(sha512)
    path.chmod(0o644)
    data = bytearray(path.read_bytes())
    data[-1] ^= 0x01
    path.write_bytes(bytes(data))


def test_attach_two_pdfs_with_embargo(run):
    result = run(
        "attach", SEED_ID, MINIMAL, FOUR_PAGES, "--access", "embargo:2030-01-01", "--version", "accepted"
    )

    assert result.exit_code == 0, result.output
    files = list(RecordFile.objects.filter(record__local_id=SEED_ID).order_by("position"))
    assert [(f.file_name, f.access, str(f.embargo_until), f.version) for f in files] == [
        ("pysample-001-minimal-document.pdf", "embargo", "2030-01-01", "accepted"),
        ("pysample-004-pdflatex-4-pages.pdf", "embargo", "2030-01-01", "accepted"),
    ]
    assert result.stdout.splitlines()[0] == (
        f"{MINIMAL}: attached to {SEED_ID} as file {files[0].pk} pysample-001-minimal-document.pdf "
        f"(application/pdf, 16978 bytes, text ok) sha512 {sha512_of(MINIMAL)}"
    )
    assert result.stderr == ""


def test_attach_restricted_default_role_is_signed_in_users(run):
    result = run("attach", SEED_ID, MINIMAL, "--access", "restricted")

    assert result.exit_code == 0, result.output
    assert RecordFile.objects.get(record__local_id=SEED_ID).restricted_role == "reader"


def test_attach_refused_file_reported_others_attached_exit_1(run, tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")

    result = run("attach", SEED_ID, empty, MINIMAL)

    assert result.exit_code == 1
    assert result.stderr == f"{empty}: empty.pdf is empty (0 bytes); there is nothing to store.\n"
    assert [f.file_name for f in RecordFile.objects.filter(record__local_id=SEED_ID)] == [MINIMAL.name]


@pytest.mark.parametrize("access", ["embargo", "embargo:soon", "public", "open:now"])
def test_attach_bad_access_is_a_usage_error(run, access):
    result = run("attach", SEED_ID, MINIMAL, "--access", access)

    assert result.exit_code == 2
    assert "use open, embargo:YYYY-MM-DD, restricted[:ROLE] or archive" in result.stderr
    assert RecordFile.objects.count() == 0


def test_attach_unknown_record_exit_1(run):
    result = run("attach", "diva2:0", MINIMAL)

    assert result.exit_code == 1
    assert result.stderr == f"{MINIMAL}: No record diva2:0.\n"


def test_fixity_all_intact_exit_0(run):
    run("attach", SEED_ID, MINIMAL, FOUR_PAGES)

    result = run("fixity")

    assert result.exit_code == 0, result.output
    assert result.stdout == "2 checked: 2 ok, 0 missing, 0 corrupted\n"
    assert "Checking fixity" in result.stderr
    assert FixityCheck.objects.filter(result="ok").count() == 2


def test_fixity_flipped_byte_and_missing_file_reported_exit_1(run):
    run("attach", SEED_ID, MINIMAL, FOUR_PAGES, NO_XREF)
    corrupt(sha512_of(MINIMAL))
    store.blob_path(sha512_of(NO_XREF)).unlink()

    result = run("fixity")

    assert result.exit_code == 1
    assert result.stdout == "3 checked: 1 ok, 1 missing, 1 corrupted\n"
    detail = FixityCheck.objects.get(stored_file_id=sha512_of(MINIMAL)).detail
    lines = [line for line in result.stderr.splitlines() if line.startswith(("corrupted:", "missing:"))]
    assert sorted(lines) == [
        f"corrupted: {sha512_of(MINIMAL)} ({SEED_ID} pysample-001-minimal-document.pdf): {detail}",
        f"missing: {sha512_of(NO_XREF)} ({SEED_ID} pdfminer-simple1.pdf): "
        f"{store.blob_path(sha512_of(NO_XREF))} is not in the store.",
    ]
    assert StoredFile.objects.get(pk=sha512_of(MINIMAL)).last_check_result == "corrupted"


def test_fixity_limit_checks_oldest_first(run):
    run("attach", SEED_ID, MINIMAL, FOUR_PAGES, ENCRYPTED)
    run("fixity", "--limit", "2")

    result = run("fixity", "--limit", "2")

    assert result.stdout == "2 checked: 2 ok, 0 missing, 0 corrupted\n"
    assert not StoredFile.objects.filter(last_checked__isnull=True).exists()  # the third came next
    assert FixityCheck.objects.count() == 4


def test_fixity_share_rounds_up(run):
    run("attach", SEED_ID, MINIMAL, FOUR_PAGES, ENCRYPTED)

    result = run("fixity", "--share", "0.5")

    assert result.stdout == "2 checked: 2 ok, 0 missing, 0 corrupted\n"


@pytest.mark.parametrize(
    "args",
    [["--share", "0.5", "--limit", "1"], ["--share", "0"], ["--share", "2"], ["--limit", "0"]],
    ids=["both", "share-0", "share-2", "limit-0"],
)
def test_fixity_bad_options_usage_error(run, args):
    assert run("fixity", *args).exit_code == 2


def test_fixity_second_concurrent_run_refused(run):
    run("attach", SEED_ID, MINIMAL)

    with store.job_lock("fixity"):
        result = run("fixity")

    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "Another fixity run is in progress."
    assert FixityCheck.objects.count() == 0


def test_files_extract_processes_pending_pdfs(run, settings):
    settings.EXTRACT_INLINE_MAX_BYTES = 1000
    run("attach", SEED_ID, MINIMAL, ENCRYPTED, NO_XREF)
    assert set(StoredFile.objects.values_list("extraction_status", flat=True)) == {"pending", "failed"}

    result = run("files", "extract")

    assert result.exit_code == 0, result.output
    assert result.stdout == "2 extracted: 1 ok, 1 encrypted, 0 failed, 0 skipped\n"
    assert f"encrypted: {sha512_of(ENCRYPTED)}: The PDF is encrypted" in result.stderr
    assert dict(StoredFile.objects.values_list("sha512", "extraction_status")) == {
        sha512_of(MINIMAL): "ok",
        sha512_of(ENCRYPTED): "encrypted",
        sha512_of(NO_XREF): "failed",  # 849 bytes: extracted during the upload
    }
    assert run("files", "extract").stdout == "0 extracted: 0 ok, 0 encrypted, 0 failed, 0 skipped\n"

"""The content-addressed store: SHA-512 keys, atomic writes, the same bytes once, size limit, full disk."""

from __future__ import annotations

import errno
import io
import stat
import subprocess
from pathlib import Path

import pytest

from samla.core.errors import Conflict
from samla.files import store
from samla.files.errors import InsufficientStorage, PayloadTooLarge

from .conftest import FOUR_PAGES, MINIMAL, sha512_of, stored_blobs

LIMIT = 512 * 1024 * 1024


def test_receive_pdf_sha512_equals_hashlib_and_sha512sum(file_store):
    sha512sum = subprocess.run(["sha512sum", str(MINIMAL)], capture_output=True, text=True, check=True)

    with store.receive(MINIMAL, max_bytes=LIMIT) as incoming:
        incoming.commit()

    assert incoming.sha512 == sha512_of(MINIMAL) == sha512sum.stdout.split()[0]
    assert incoming.size == 16978


def test_receive_in_many_chunks_hashes_the_whole_stream(file_store, monkeypatch):
    monkeypatch.setattr(store, "CHUNK_SIZE", 1000)

    with store.receive(MINIMAL, max_bytes=LIMIT) as incoming:
        incoming.commit()

    assert (incoming.sha512, incoming.size) == (sha512_of(MINIMAL), 16978)
    assert store.hash_blob(incoming.sha512) == (sha512_of(MINIMAL), 16978)


def test_commit_places_blob_under_hash_fan_out_read_only(file_store):
    with store.receive(MINIMAL, max_bytes=LIMIT) as incoming:
        assert incoming.commit() is True

    digest = sha512_of(MINIMAL)
    path = file_store / digest[:2] / digest[2:4] / digest
    assert store.blob_path(digest) == path
    assert path.read_bytes() == MINIMAL.read_bytes()
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert list((file_store / "tmp").iterdir()) == []


def test_commit_same_bytes_twice_stores_them_once(file_store):
    with store.receive(MINIMAL, max_bytes=LIMIT) as first:
        assert first.commit() is True
    with store.receive(io.BytesIO(MINIMAL.read_bytes()), max_bytes=LIMIT) as second:
        assert second.commit() is False

    assert first.sha512 == second.sha512
    assert stored_blobs(file_store) == [store.blob_path(first.sha512)]
    assert list((file_store / "tmp").iterdir()) == []


def test_receive_stream_over_limit_raises_payload_too_large_naming_limit(file_store):
    source = io.BytesIO(MINIMAL.read_bytes())  # no declared size: found out while reading

    with pytest.raises(PayloadTooLarge) as raised, store.receive(source, max_bytes=16 * 1024):
        pass

    assert raised.value.status == 413
    assert raised.value.message == "The file is larger than the upload limit of 16 KiB (16384 bytes)."
    assert raised.value.as_dict()["limit"] == 16384
    assert list((file_store / "tmp").iterdir()) == []


def test_receive_path_over_limit_refused_before_writing(file_store):
    with pytest.raises(PayloadTooLarge), store.receive(FOUR_PAGES, max_bytes=1000):
        pass

    assert not file_store.exists() or stored_blobs(file_store) == []


def test_receive_disk_full_raises_insufficient_storage_and_leaves_no_file(file_store, monkeypatch):
    """The disk fills after the first chunk: the half-written temporary file is removed."""
    written = []

    def write_until_full(out, chunk: bytes) -> None:
        if written:
            raise OSError(errno.ENOSPC, "No space left on device")
        out.write(chunk)
        written.append(len(chunk))

    monkeypatch.setattr(store, "CHUNK_SIZE", 4096)
    monkeypatch.setattr(store, "_write", write_until_full)

    with pytest.raises(InsufficientStorage) as raised, store.receive(MINIMAL, max_bytes=LIMIT):
        pass

    assert raised.value.status == 507
    assert written == [4096]
    assert list((file_store / "tmp").iterdir()) == []
    assert stored_blobs(file_store) == []


def test_receive_without_commit_removes_temporary_file(file_store):
    with store.receive(MINIMAL, max_bytes=LIMIT) as incoming:
        assert incoming.temp_path.exists()

    assert not incoming.temp_path.exists()
    assert stored_blobs(file_store) == []


def test_commit_replace_restores_changed_blob(file_store):
    with store.receive(MINIMAL, max_bytes=LIMIT) as incoming:
        incoming.commit()
    path = store.blob_path(incoming.sha512)
    path.chmod(0o644)
    path.write_bytes(b"damaged")

    with store.receive(MINIMAL, max_bytes=LIMIT) as again:
        assert again.commit(replace=True) is True

    assert store.hash_blob(incoming.sha512) == (incoming.sha512, 16978)


def test_hash_blob_missing_raises_file_not_found(file_store):
    with pytest.raises(FileNotFoundError):
        store.hash_blob("0" * 128)
    assert store.blob_size("0" * 128) is None


@pytest.mark.parametrize(
    ("limit", "text"),
    [(512 * 1024 * 1024, "512 MiB"), (2 * 1024**3, "2 GiB"), (16 * 1024, "16 KiB"), (1000, "1000 bytes")],
)
def test_describe_limit_names_binary_units(limit, text):
    assert store.describe_limit(limit) == text


def test_job_lock_second_run_raises_conflict(file_store):
    conflict = pytest.raises(Conflict, match=r"Another fixity run is in progress\.")
    with store.job_lock("fixity"), conflict, store.job_lock("fixity"):
        pass
    with store.job_lock("fixity"):  # released: a later run goes ahead
        pass


def test_blob_path_of_other_hash_is_under_its_own_prefix(file_store):
    digest = "ab" + "cd" + "e" * 124
    assert store.blob_path(digest) == Path(file_store) / "ab" / "cd" / digest

"""The content-addressed file store under `settings.FILE_STORE_DIR`.

A blob lives at `<store>/<h[0:2]>/<h[2:4]>/<h>`, where `h` is the hex SHA-512 of its bytes, so the same
bytes are stored once. Writing is atomic: the bytes go to a temporary file in `<store>/tmp/` (the same file
system), are hashed while they stream (a large file is never held in memory), fsynced, made read-only and
renamed into place; the directory is fsynced after the rename. Until then nothing of the file is visible,
and a failed write (a full disk, a file over the size limit) leaves nothing behind.

This module knows bytes and paths only; `files.services` decides what to keep and records it.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

from samla.core.errors import Conflict

from .errors import InsufficientStorage, PayloadTooLarge

CHUNK_SIZE = 1024 * 1024
Source = str | os.PathLike | BinaryIO


def root() -> Path:
    return Path(settings.FILE_STORE_DIR)


def blob_path(sha512: str) -> Path:
    return root() / sha512[:2] / sha512[2:4] / sha512


def describe_limit(limit: int) -> str:
    """512 MiB, 64 KiB or 1000 bytes: the limit as the error message names it."""
    for unit, size in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if limit >= size and limit % size == 0:
            return f"{limit // size} {unit}"
    return f"{limit} bytes"


def too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"The file is larger than the upload limit of {describe_limit(limit)} ({limit} bytes).",
        fields={"file": "too large"},
        limit=limit,
    )


@dataclass
class Incoming:
    """Bytes written to a temporary file in the store and hashed, not yet in place."""

    temp_path: Path
    sha512: str = ""
    size: int = 0
    placed: bool = field(default=False, init=False)

    def commit(self, *, replace: bool = False) -> bool:
        """Move the bytes to their place; True when they were not stored before (or `replace` was asked,
        to restore a blob that fixity found missing or changed)."""
        target = blob_path(self.sha512)
        if target.exists() and not replace:
            self.temp_path.unlink(missing_ok=True)
            self.placed = True
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.temp_path, target)
        _fsync_directory(target.parent)
        self.placed = True
        return True


@contextmanager
def receive(source: Source, *, max_bytes: int) -> Iterator[Incoming]:
    """Copy `source` (a path or a binary file object) into a temporary file of the store, hashing it.

    Inside the block the caller inspects `incoming.temp_path` and calls `incoming.commit()`; on leaving the
    block, by an error or without a commit, the temporary file is removed. PayloadTooLarge as soon as the
    source is known or read to be over `max_bytes`; InsufficientStorage when the disk fills up.
    """
    declared = _declared_size(source)
    if declared is not None and declared > max_bytes:
        raise too_large(max_bytes)
    temp_dir = root() / "tmp"
    temp_dir.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(prefix="upload-", dir=temp_dir)
    incoming = Incoming(Path(name))
    try:
        with os.fdopen(descriptor, "wb") as out, _opened(source) as stream:
            digest = hashlib.sha512()
            while chunk := stream.read(CHUNK_SIZE):
                incoming.size += len(chunk)
                if incoming.size > max_bytes:
                    raise too_large(max_bytes)
                digest.update(chunk)
                _write(out, chunk)
            out.flush()
            os.fsync(out.fileno())
        incoming.sha512 = digest.hexdigest()
        os.chmod(incoming.temp_path, 0o444)
        yield incoming
    except OSError as error:
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise InsufficientStorage(
                "The file store is full; the file was not stored.", fields={"file": "no space"}
            ) from error
        raise
    finally:
        if not incoming.placed:
            incoming.temp_path.unlink(missing_ok=True)


def _write(out: BinaryIO, chunk: bytes) -> None:
    """Write one chunk of an incoming file (a seam of its own: the place a full disk shows up)."""
    out.write(chunk)


def _declared_size(source: Source) -> int | None:
    if isinstance(source, str | os.PathLike):
        return os.stat(source).st_size
    size = getattr(source, "size", None)  # Django's UploadedFile
    return size if isinstance(size, int) else None


@contextmanager
def _opened(source: Source) -> Iterator[BinaryIO]:
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as stream:
            yield stream
    else:
        if hasattr(source, "seek"):
            source.seek(0)
        yield source


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def hash_blob(sha512: str) -> tuple[str, int]:
    """Re-read a stored blob: its SHA-512 and size now. FileNotFoundError when it is gone."""
    digest = hashlib.sha512()
    size = 0
    with open(blob_path(sha512), "rb") as stream:
        while chunk := stream.read(CHUNK_SIZE):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def blob_size(sha512: str) -> int | None:
    """The size of the blob on disk, or None when it is missing: a cheap check before serving it."""
    try:
        return blob_path(sha512).stat().st_size
    except FileNotFoundError:
        return None


def open_blob(sha512: str) -> BinaryIO:
    return open(blob_path(sha512), "rb")


def changed_since(sha512: str, at: dt.datetime | None) -> bool:
    """Whether the blob was written (or replaced) after `at`: its status-change time, which no program
    can set back. False when it is missing, or when it has never been checked (`at` is None)."""
    try:
        changed = blob_path(sha512).stat().st_ctime
    except FileNotFoundError:
        return False
    return at is not None and changed >= at.timestamp()


class DigestMismatch(Exception):
    """The bytes streamed are not the stored file's: the response is broken off before its last byte, so
    the client sees an incomplete transfer."""


def verified_chunks(sha512: str, size: int, damaged: Callable[[str, int], None]) -> Iterator[bytes]:
    """The blob in CHUNK_SIZE chunks, hashed as it is read; the last chunk is held back until the SHA-512
    and size of the whole match. When they do not, `damaged(digest, size)` is told what was read, all
    but the last byte the response promised are sent (so the server has begun the response and can only
    break it off, not answer an error page in its place) and DigestMismatch is raised."""
    digest, read, sent, held = hashlib.sha512(), 0, 0, b""
    with open_blob(sha512) as blob:
        while read <= size and (chunk := blob.read(CHUNK_SIZE)):
            if held:
                yield held
                sent += len(held)
            digest.update(chunk)
            read += len(chunk)
            held = chunk
    if digest.hexdigest() == sha512 and read == size:
        yield held
        return
    damaged(digest.hexdigest(), read)
    if rest := held[: max(0, size - 1 - sent)]:
        yield rest
    raise DigestMismatch(f"{blob_path(sha512)} now has {read} bytes with SHA-512 {digest.hexdigest()}")


@contextmanager
def job_lock(name: str) -> Iterator[None]:
    """Hold `<store>/<name>.lock` for a job; Conflict when another run of the job holds it."""
    root().mkdir(parents=True, exist_ok=True)
    with open(root() / f"{name}.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise Conflict(f"Another {name} run is in progress.", job=name) from error
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)

"""Fixtures of the files tests: a file store in a temporary directory, the shared PDFs, attaching."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from tests import TESTDATA

from samla.core.access import Actor
from samla.files.models import RecordFile
from samla.files.services import attach_file
from samla.records.models import Record
from samla.records.services import create_record
from samla.records.tests.factories import record_input

PDF_DIR = TESTDATA / "pdf"
MINIMAL = PDF_DIR / "pysample-001-minimal-document.pdf"  # 16,978 bytes, 1 page
FOUR_PAGES = PDF_DIR / "pysample-004-pdflatex-4-pages.pdf"
ENCRYPTED = PDF_DIR / "pysample-005-encrypted.pdf"
NO_XREF = PDF_DIR / "pdfminer-simple1.pdf"  # 849 bytes, no xref table
SEED_ID = "diva2:1897829"


def sha512_of(path: Path) -> str:
    return hashlib.sha512(path.read_bytes()).hexdigest()


@pytest.fixture(autouse=True)
def file_store(settings, tmp_path: Path) -> Path:
    """Each test stores its files in its own empty store."""
    settings.FILE_STORE_DIR = tmp_path / "store"
    return settings.FILE_STORE_DIR


def stored_blobs(store_dir: Path) -> list[Path]:
    """The blobs in the store (not its temporary files or locks)."""
    return sorted(p for p in store_dir.glob("??/??/*") if p.is_file())


@pytest.fixture
def attach(db) -> Callable[..., RecordFile]:
    """Attach a file as the system actor (to the seed record unless `local_id` is given)."""

    def attach(path: Path, *, local_id: str = SEED_ID, file_name: str = "", **options) -> RecordFile:
        return attach_file(
            Actor.system("tests"),
            local_id=local_id,
            source=path,
            file_name=file_name or path.name,
            **options,
        )

    return attach


@pytest.fixture
def draft_of(db) -> Callable[[Actor], Record]:
    """A draft record owned by the given depositor."""

    def draft_of(owner: Actor) -> Record:
        return create_record(owner, data=record_input(state="draft"), owner_id=owner.user_id)

    return draft_of

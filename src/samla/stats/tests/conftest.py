"""Fixtures of the stats tests: two records with a file each, and a way to replay an event log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests import TESTDATA

from samla.core.access import Actor
from samla.files.services import attach_file
from samla.records.models import Record

PDF_DIR = TESTDATA / "pdf"
PDF = PDF_DIR / "pysample-001-minimal-document.pdf"
PDF_B = PDF_DIR / "pysample-004-pdflatex-4-pages.pdf"
SEED_ID = "diva2:1897829"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
# A robot by the COUNTER-Robots list.
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def utc(hhmmss: str, day: str = "2025-03-10") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hhmmss}+00:00")


@pytest.fixture(autouse=True)
def file_store(settings, tmp_path: Path) -> Path:
    settings.FILE_STORE_DIR = tmp_path / "store"
    return settings.FILE_STORE_DIR


@pytest.fixture
def items(db):
    """Two published records ("A", the seed, and "B"), each with one open PDF."""
    system = Actor.system("tests")
    record_b = Record.objects.filter(state="published").exclude(local_id=SEED_ID).order_by("pk").first()
    file_a = attach_file(system, local_id=SEED_ID, source=PDF, file_name="a.pdf")
    file_b = attach_file(system, local_id=record_b.local_id, source=PDF_B, file_name="b.pdf")
    return {"A": file_a.record, "B": file_b.record, "file A": file_a, "file B": file_b}

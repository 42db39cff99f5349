"""Fixtures of the export tests: stable links, the seed record as exports load it, the demo corpus ids,
and the real consumers (parsers, XSDs, JSON Schema) each format is read back with."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path

import pytest
from lxml import etree
from tests import TESTDATA

from samla.core.access import Actor
from samla.demo.services import corpus_paths

SCHEMAS = TESTDATA / "schemas"
BASE_URL = "https://samla.example.org"
SEED_ID = "diva2:1897829"


def demo_ids() -> list[str]:
    """Every record id of the demo corpus the test database holds (read from the corpus files)."""
    return [r["local_id"] for path in corpus_paths() for r in json.loads(path.read_text("utf-8"))["records"]]


@pytest.fixture(autouse=True)
def _stable_links(settings):
    """Exports name the record's page: pin the public address so expected outputs are exact."""
    settings.BASE_URL = BASE_URL
    settings.URN_RESOLVER = "https://urn.kb.se/resolve?urn="
    settings.LOCAL_ID_PREFIX = "samla"


@pytest.fixture
def seed(db):
    """The seed record loaded for export, its datestamp (the time the test database was loaded) pinned."""
    from samla.records.services import get_record_for

    record = get_record_for(Actor.anonymous(), SEED_ID)
    record.datestamp = dt.datetime(2025, 9, 29, 10, 30, tzinfo=dt.UTC)
    return record


@cache
def xml_schema(relative: str) -> etree.XMLSchema:
    """An XSD of testdata/schemas, loaded once (all of them load without network access)."""
    return etree.XMLSchema(etree.parse(str(SCHEMAS / relative)))


def assert_valid(schema: etree.XMLSchema, document: etree._Element | etree._ElementTree) -> None:
    if not schema.validate(document):
        errors = "\n".join(f"line {e.line}: {e.message}" for e in schema.error_log)
        raise AssertionError(f"not valid against the XSD:\n{errors}")


EXPECTED = Path(__file__).resolve().parent / "expected"


def expected(filename: str) -> str:
    """An exact expected output, kept as a file beside the tests (newlines as written: CSV has CRLF)."""
    with open(EXPECTED / filename, encoding="utf-8", newline="") as file:
        return file.read()


@pytest.fixture
def make_record(system):
    """Create a record through the record service (fields over a valid minimal record) and load it as
    exports do: `make_record(title="…", contributors=[…])`."""
    from samla.records.services import create_record, get_record_for
    from samla.records.tests.factories import record_input

    def make(**fields):
        record = create_record(system, data=record_input(**fields))
        return get_record_for(system, record.local_id)

    return make


def format_named(name: str):
    from samla.exports.registry import get_format

    return get_format(name)

"""CSV: the seed record exactly, round trip through the csv module, formula cells neutralised."""

import csv
import io

import pytest

from samla.exports import csv as csv_format
from samla.exports.framing import render_record, render_records

from .conftest import expected, format_named

pytestmark = pytest.mark.django_db


def test_csv_seed_record_equals_expected_table(seed):
    assert render_record(format_named("csv"), seed) == expected("diva2_1897829.csv")


def test_csv_seed_round_trips_through_the_csv_module(seed):
    text = render_record(format_named("csv"), seed)

    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))

    assert len(rows) == 1
    assert rows[0]["id"] == "diva2:1897829"
    assert rows[0]["authors"] == "Kjellström, Sofia; Sarre, Sophie; Masterson, Daniel"
    assert rows[0]["abstract"] == seed.abstracts[0]["text"]


def test_csv_cell_that_would_be_a_formula_gets_an_apostrophe(make_record):
    record = make_record(title='=HYPERLINK("http://evil.example")', subtitle="-1+2")

    row = dict(zip(csv_format.COLUMNS, csv_format.write(record), strict=True))

    assert row["title"] == '\'=HYPERLINK("http://evil.example")'
    assert row["subtitle"] == "'-1+2"


def test_csv_list_has_one_header_and_bom(seed, make_record):
    other = make_record(title="Second record")

    text = "".join(render_records(format_named("csv"), [seed, other]))

    assert text.count("\ufeff") == 1
    assert len(list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))) == 3

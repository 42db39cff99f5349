"""Input that once crashed an import run or was stored wrong without a word (issue 17): each now fails
alone with its file, record, field and value named, or is stored right with a warning, and the run goes
on with the next file."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from tests import TESTDATA

from samla.cli import main
from samla.core.access import Actor
from samla.imports.services import import_files
from samla.records.models import Record
from samla.records.services import record_to_input

pytestmark = pytest.mark.django_db
SUMMARY = "{} created, {} updated, {} unchanged, {} deleted, 0 flagged, {} failed\n"
LATIN1_MODS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<mods xmlns="http://www.loc.gov/mods/v3">\n'
    "<titleInfo><title>Sm\xe5 hus</title></titleInfo></mods>\n"
).encode("latin-1")


def test_import_command_xml_not_in_its_encoding_fails_alone_and_the_next_file_is_imported(
    tmp_path, kth_thesis_copies
):
    """libxml2 reports bytes not in the declared encoding as OSError, which stopped the run with a
    traceback before the files after it."""
    bad = tmp_path / "latin1.xml"
    bad.write_bytes(LATIN1_MODS)
    good = kth_thesis_copies((9200101, {}))

    result = CliRunner().invoke(main, ["import", str(bad), str(good)])

    assert result.exit_code == 1
    assert result.stdout == SUMMARY.format(1, 0, 0, 0, 1)
    assert (
        f"{bad}:3 - -: cannot be read (Invalid bytes in character encoding); nothing imported from this file"
        in result.stderr
    )
    assert "Traceback" not in result.output
    assert Record.objects.filter(local_id="diva2:9200101").exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("deep.json", "[" * 100_000 + "]" * 100_000),
        ("deep-item.json", '[{"title": ' + "[" * 100_000 + "]" * 100_000 + "}]"),
    ],
)
def test_csl_json_nested_100000_deep_fails_naming_the_file(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")

    (result,) = import_files(Actor.system("test"), [path])

    assert str(result) == f"{path} - -: nested too deeply to be read; nothing imported from this file"


def test_csl_json_item_nested_as_deep_as_json_reads_fails_alone_naming_the_field(tmp_path):
    path = tmp_path / "items.json"
    path.write_text('[{"type": "book", "title": "Kept"}, {"title": ' + "[" * 500 + "]" * 500 + "}]")

    kept, deep = import_files(Actor.system("test"), [path])

    assert (kept.status, deep.status, deep.field) == ("created", "failed", "title")


def test_ris_reference_with_damaged_ty_line_fails_naming_its_lines(tmp_path):
    path = tmp_path / "refs.ris"
    path.write_text("TY  - JOUR\nTI  - Kept\nER  - \n\nTX  - JOUR\nID  - lost\nTI  - Damaged\nER  - \n")

    kept, damaged = import_files(Actor.system("test"), [path])

    assert kept.status == "created"
    assert str(damaged) == f"{path}:5 lost TY: Entry lost: no TY line starts the reference of lines 5-8"


def test_ris_file_without_any_reference_is_unreadable(tmp_path):
    path = tmp_path / "refs.ris"
    path.write_text("TX  - JOUR\nTI  - Damaged\n")

    (result,) = import_files(Actor.system("test"), [path])

    assert str(result) == f"{path} - -: no RIS reference (a reference starts with a line 'TY  - ')"


@pytest.mark.parametrize(
    ("item", "field", "message"),
    [
        ({"title": {}}, "title", "title: must be text or a number, not {}"),
        (
            {"title": "T", "author": 5},
            "author",
            'author: must be a list of names ({"family": …, "given": …}), not 5',
        ),
        ({"title": "T", "author": [{"family": ["A", 1], "given": {"x": 1}}]}, "author.given", 'not {"x": 1}'),
        ({"title": "T", "DOI": [{"a": 1}]}, "DOI", 'DOI: must be text or a list of texts, not [{"a": 1}]'),
        ({"title": "T", "issued": {"date-parts": 2020}}, "issued.date-parts", "not 2020"),
    ],
)
def test_csl_json_value_of_the_wrong_shape_fails_naming_variable_and_value(tmp_path, item, field, message):
    path = tmp_path / "items.json"
    path.write_text(json.dumps([{"id": "x", "type": "book", **item}]), encoding="utf-8")

    (result,) = import_files(Actor.system("test"), [path])

    assert (result.status, result.field) == ("failed", field)
    assert message in result.message
    assert "object" not in result.message.replace("an object", "") and "'" not in result.message


@pytest.mark.parametrize(
    ("parts", "issued", "warning"),
    [
        (
            [2020, 2, 30],
            "2020-02",
            "issued: day '30' of 2020-02 does not exist; only the year and month are kept",
        ),
        ([2020, 13, 5], "2020", "issued: month '13' of 2020 is not a month; only the year is kept"),
        ([2024, 2, 29], "2024-02-29", ""),
    ],
)
def test_impossible_date_is_left_out_with_a_warning(tmp_path, parts, issued, warning):
    path = tmp_path / "items.json"
    path.write_text(json.dumps([{"type": "book", "title": "Dated", "issued": {"date-parts": [parts]}}]))

    (result,) = import_files(Actor.system("test"), [path])

    assert result.status == "created"
    assert result.warnings == ((warning,) if warning else ())
    assert Record.objects.get(local_id=result.record).issued == issued


def test_import_command_prints_warnings_on_stderr_and_exits_0(tmp_path):
    path = tmp_path / "refs.ris"
    path.write_text("TY  - BOOK\nID  - b1\nTI  - Dated\nDA  - 2021/02/31\nER  - \n")

    result = CliRunner().invoke(main, ["import", str(path)])

    assert result.exit_code == 0, result.output
    record = Record.objects.get(title="Dated").local_id
    assert (
        f"{path}:1 {record} issued: warning: day '31' of 2021-02 does not exist; only the year and month "
        "are kept\n" in result.stderr
    )


def test_bibtex_string_concatenations_are_joined(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text(
        '@string{jn = "Journal"}\n@string{full = jn # " of {Things}"}\n'
        '@article{a, title = "Part " # {One} # " of " # jn, journal = full, year = 2020, month = feb}\n'
        "@article{b, title = {C# in practice}, journal = undefined # { Letters}, year = 2021}\n",
        encoding="utf-8",
    )

    a, b = import_files(Actor.system("test"), [path])

    first, second = Record.objects.get(local_id=a.record), Record.objects.get(local_id=b.record)
    assert (first.title, first.journal.title, first.issued) == (
        "Part One of Journal",
        "Journal of Things",
        "2020-02",
    )
    assert (second.title, second.journal.title) == ("C# in practice", "undefined Letters")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("refs.bib", "@article{a, title = {Wrapped}, year = 2020, doi = {10.1000/ab\r\n   cd}}\n"),
        ("items.json", json.dumps([{"type": "book", "title": "Wrapped", "DOI": "10.1000/ab\r\ncd"}])),
    ],
)
def test_doi_with_a_line_break_is_stored_without_it(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")

    (result,) = import_files(Actor.system("test"), [path])

    record = Record.objects.get(local_id=result.record)
    assert [i.value for i in record.identifiers.filter(scheme="doi")] == ["10.1000/abcd"]


def test_csl_json_value_no_check_foresaw_fails_alone_without_python_words(tmp_path):
    """int() refuses more than 4,300 digits with a ValueError that names Python's limit."""
    path = tmp_path / "items.json"
    path.write_text(json.dumps([{"id": "x", "type": "book", "title": "T", "number-of-pages": "9" * 5000}]))

    (result,) = import_files(Actor.system("test"), [path])

    assert str(result) == f"{path}:1 x -: Entry x: a value is not of the shape CSL-JSON gives it"


def test_xml_with_html_entities_diva_writes_undeclared_imports_with_their_characters(db, system):
    """DiVA writes `&ouml;` into some titles without declaring it: the file was refused whole."""
    results = list(import_files(system, [TESTDATA / "diva-more" / "invalid_issn.xml"]))

    assert [r.status for r in results] == ["created"]
    stored = json.dumps(
        record_to_input(Record.objects.get(local_id=results[0].record)).model_dump(mode="json")
    )
    assert "Chalmers tekniska h\\u00f6gskola" in stored and "ouml" not in stored


def test_xml_with_an_entity_html_does_not_know_is_still_refused_naming_it(tmp_path, system):
    path = tmp_path / "odd.xml"
    path.write_bytes(b"<OAI-PMH><GetRecord>&ouml;&nosuch;</GetRecord></OAI-PMH>")

    (result,) = import_files(system, [path])

    assert result.status == "failed"
    assert "Entity 'nosuch' not defined" in result.message


def test_web_of_science_export_named_ris_is_read_as_web_of_science(db, system):
    """rispy's own Web of Science sample travels as example_wos.ris; the RIS reader found nothing in it."""
    results = list(import_files(system, [TESTDATA / "records" / "ris" / "rispy" / "example_wos.ris"]))

    assert [r.status for r in results] == ["created", "created"]
    assert Record.objects.get(local_id=results[0].record).identifiers.filter(scheme="isi").exists()

"""BibTeX, RIS, CSL-JSON and DataCite import: the mapping against the shared expected-output pairs, the
round trip export → import of every demo record, duplicates, and bad or hostile input."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from samla.cli import main
from samla.core.access import Actor
from samla.exports.bibliographic import ascii_fold
from samla.exports.framing import render_record
from samla.exports.registry import get_format
from samla.imports import bibtex, csl_json, datacite, ris
from samla.imports.oai_pmh import read_records
from samla.imports.services import import_files
from samla.records.models import Record
from samla.records.services import get_record_for, record_to_input
from samla.records.services.duplicates import normalised_text
from samla.vocabularies.languages import normalise_language

from .conftest import TESTDATA

pytestmark = pytest.mark.django_db
RECORDS = TESTDATA / "records"
SEED_ID, SEED_DOI = "diva2:1897829", "10.1186/s12913-024-10549-4"


def mapped(entries):
    assert not [e.error.message for e in entries if e.error], "entries failed to map"
    return {e.label: e.map().record for e in entries}


def people(record):
    return [(c.family_name, c.given_name, c.role) for c in record.contributors]


# ---------------------------------------------------------------- expected-output pairs


def test_bibtex_and_csl_json_of_citation_js_pair_map_to_the_same_fields():
    from_bib = mapped(bibtex.read(RECORDS / "mapping-citation-js" / "bibtex-input.bib"))
    from_csl = mapped(csl_json.read(RECORDS / "mapping-citation-js" / "bibtex-csl.json"))

    for key in ("Article", "Book", "InCollection", "InProceedings", "PhdThesis", "TechReport"):
        bib, csl = from_bib[key], from_csl[key]
        assert (bib.title, bib.output_type, bib.issued) == (csl.title, csl.output_type, csl.issued), key
        assert people(bib) == people(csl), key
        assert (bib.volume, bib.pages_start, bib.pages_end, bib.publisher, bib.place) == (
            csl.volume,
            csl.pages_start,
            csl.pages_end,
            csl.publisher,
            csl.place,
        ), key
    article = from_bib["Article"]
    assert (article.journal.title, article.issue, article.issued) == ("The BibTeX Journal", "6", "2020-02")
    assert people(article) == [("Adams", "Alice", "aut"), ("Brody", "Bob", "aut")]
    assert (from_bib["InCollection"].host_title, from_bib["Book"].edition) == ("Dolor Sit Amet", "Second")


def test_bibtex_latex_names_and_strings_are_decoded():
    (entry,) = bibtex.read(RECORDS / "bibtex" / "bibtexparser" / "encoding.bib")
    record = entry.map().record
    assert (entry.line, entry.label) == (1, "Cesar_2013")
    assert (record.title, record.journal.title, people(record)) == (
        "An amazing title: à",
        "Elémentaire",
        [("César", "Jean", "aut")],
    )
    string_entry = mapped(bibtex.read(RECORDS / "bibtex" / "bibtexparser" / "string.bib"))["cha:oakland15"]
    assert string_entry.output_type == "conference/paper"
    assert (string_entry.pages_start, string_entry.pages_end, string_entry.issued) == ("725", "741", "2015")


def test_ris_of_jabref_pair_maps_as_the_expected_bibtex():
    record = mapped(ris.read(RECORDS / "ris" / "jabref" / "RisImporterTestScopus.ris"))["reference 1"]
    expected = mapped(bibtex.read(RECORDS / "ris" / "jabref" / "RisImporterTestScopus.bib"))
    (bib,) = expected.values()

    assert normalised_text(record.title) == normalised_text(bib.title)
    assert [p[:2] for p in people(record)] == [p[:2] for p in people(bib)]
    assert (record.journal.title, record.volume, record.issue) == (bib.journal.title, bib.volume, bib.issue)
    assert (record.pages_start, record.pages_end, record.issued[:4]) == ("2309", "2327", "2004")
    assert {"scheme": "doi", "value": "10.1016/j.jmps.2004.03.010"} in [
        i.model_dump() for i in record.identifiers
    ]


def test_ris_rispy_examples_keep_each_reference_and_its_line():
    entries = ris.read(RECORDS / "ris" / "rispy" / "example_extraneous_data.ris")
    assert [(e.line, e.label) for e in entries] == [(5, "12345"), (33, "12345")]
    first = entries[0].map().record
    assert (first.title, people(first)[0], first.journal.title) == (
        "Title of reference",
        ("Marx", "Karl", "aut"),
        "Lorem",
    )
    assert [k.terms for k in first.keywords] == [["Pippi", "Nordwind", "Piraten"]]


def test_csl_json_from_doi_negotiation_maps_crossref_items():
    (entry,) = csl_json.read(RECORDS / "csl-json" / "doi-content-negotiation" / "10.59350_hhtcn-zah03.json")
    record = entry.map().record
    assert record.contributors[0].person.orcid == "0000-0001-7542-0286"
    assert (record.issued, record.identifiers[0].value) == ("2006-11-01", "10.59350/hhtcn-zah03")
    (jacs,) = csl_json.read(RECORDS / "csl-json" / "doi-content-negotiation" / "10.1021_ja01577a030.json")
    article = jacs.map().record
    assert (article.output_type, article.journal.issn, article.volume, article.issue) == (
        "publication/journal-article",
        "0002-7863",
        "79",
        "20",
    )
    assert (article.pages_start, article.pages_end, article.language) == ("5441", "5444", "eng")


def test_datacite_examples_map_creators_identifiers_and_host():
    (full,) = datacite.read(RECORDS / "datacite" / "datacite-example-full-v4.xml")
    record = full.map().record
    assert (full.line, full.label, record.title, record.output_type, record.language) == (
        3,
        "10.82433/B09Z-4K37",
        "Example Title",
        "other/data-set",
        "eng",
    )
    creator = record.contributors[0]
    assert (creator.family_name, creator.given_name, creator.person.orcid) == (
        "ExampleFamilyName",
        "ExampleGivenName",
        "0000-0001-5727-2427",
    )
    (article,) = datacite.read(RECORDS / "datacite" / "datacite-example-relateditem1-v4.xml")
    host = article.map().record
    assert (host.output_type, host.journal.title, host.journal.issn) == (
        "publication/journal-article",
        "Journal of Metadata Examples",
        "1234-5678",
    )
    (dataset,) = datacite.read(RECORDS / "datacite" / "datacite-example-dataset-v4.xml")
    assert dataset.map().record.contributors[0].is_organisation


def test_jabref_mods_and_its_bibtex_map_to_the_same_fields():
    mods = [
        s.map().record
        for s in read_records(RECORDS / "mods" / "jabref" / "MODSImporterTestModsCollection.xml")
    ]
    bib = list(
        mapped(bibtex.read(RECORDS / "mods" / "jabref" / "MODSImporterTestModsCollection.bib")).values()
    )
    for from_mods, from_bib in zip(mods, bib, strict=True):
        assert normalised_text(from_mods.title) == normalised_text(from_bib.title)
        assert [c.family_name for c in from_mods.contributors] == [
            c.family_name for c in from_bib.contributors
        ]
        assert from_mods.issued[:4] == from_bib.issued[:4]


# ---------------------------------------------------------------- round trip


def _demo_ids() -> list[str]:
    from samla.demo.services import corpus_paths

    return [r["local_id"] for p in corpus_paths() for r in json.loads(p.read_text("utf-8"))["records"]]


def _bibliographic(record, *, date_digits: int) -> dict:
    """The fields every round trip keeps, in a comparable form."""
    return {
        "title": normalised_text(f"{record.title} {record.subtitle}"),
        "creators": [
            (normalised_text(ascii_fold(c.family_name)), normalised_text(ascii_fold(c.given_name)))
            for c in record.contributors
            if c.role in ("aut", "edt")
        ],
        "issued": record.issued[:date_digits],
        "journal": normalised_text(record.journal.title)
        if record.journal and record.journal.kind == "journal"
        else "",
        "volume": record.volume,
        "pages": (record.pages_start, record.pages_end),
        "doi": sorted(i.value.lower() for i in record.identifiers if i.scheme == "doi")[:1],
        "language": normalise_language(record.language) if record.language else "",
    }


def _reader(name, path):
    if name == "mods":
        return [s.map().record for s in read_records(path)]
    reader = {"bibtex": bibtex.read, "ris": ris.read, "csl-json": csl_json.read}[name]
    return [e.map().record for e in reader(path)]


@pytest.mark.parametrize(
    ("name", "date_digits"), [("bibtex", 7), ("ris", 10), ("mods", 10), ("csl-json", 10)]
)
def test_export_then_import_reproduces_each_demo_records_bibliographic_fields(name, date_digits, tmp_path):
    fmt = get_format(name)
    for local_id in _demo_ids():
        record = get_record_for(Actor.anonymous(), local_id)
        path = tmp_path / f"record.{fmt.extension}"
        path.write_text(render_record(fmt, record), encoding="utf-8")
        (imported,) = _reader(name, path)
        stored = record_to_input(record)
        assert _bibliographic(imported, date_digits=date_digits) == _bibliographic(
            stored, date_digits=date_digits
        ), local_id
        if name in ("ris", "mods"):
            assert imported.output_type == stored.output_type, local_id


# ---------------------------------------------------------------- duplicates and bad input

BIBTEX = r"""@article{seedcopy, author = {Kjellstr{\"o}m, Sofia}, title = {Anything}, year = 2024,
  doi = {https://doi.org/10.1186/S12913-024-10549-4}}
@article{seedfuzzy, author = {Kjellstrom, S.}, year = 2024,
  title = {The Complexity of Leadership in Coproduction Practices --
    a Guiding Framework Based on a Systematic Literature Review.}}
@article{fresh, author = {Nobody, Anne}, title = {A brand new study}, year = 2023,
  journal = {J}, doi = {10.1234/brand.new}}
@article{fresh-again, author = {Nobody, A.}, title = {A Brand New Study!}, year = {2023}}
@article{broken, title = {Never closed, year = 2021

@article{badissn, author = {Other, Bob}, title = {Second}, year = 2020, journal = {J}, issn = {1234-5678}}
"""


def test_import_reports_exact_and_fuzzy_duplicates_and_bad_entries_without_half_writing(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text(BIBTEX, encoding="utf-8")
    before = Record.objects.count()

    results = {r.record: r for r in import_files(Actor.system("test"), [path])}

    created = (
        results["fresh"] if "fresh" in results else next(r for r in results.values() if r.status == "created")
    )
    assert (results["seedcopy"].status, results["seedcopy"].duplicate_of) == ("duplicate", SEED_ID)
    assert results["seedcopy"].message == f"duplicate of {SEED_ID} (same DOI {SEED_DOI})"
    assert results["seedfuzzy"].message == f"duplicate of {SEED_ID} (same title, year and first author)"
    assert (results["fresh-again"].status, results["fresh-again"].duplicate_of) == (
        "duplicate",
        created.record,
    )
    assert (results["broken"].status, results["broken"].line) == ("failed", 9)
    assert "not valid BibTeX" in results["broken"].message
    (badissn,) = [r for r in results.values() if r.line == 11]
    assert (badissn.status, badissn.flags) == (
        "created",
        (
            (
                "journal.issn",
                "'1234-5678' is not a valid ISSN (The number's checksum or check digit is invalid.)",
            ),
        ),
    )
    assert Record.objects.count() == before + 2
    assert Record.objects.get(local_id=created.record).title == "A brand new study"

    again = [r.status for r in import_files(Actor.system("test"), [path])]
    assert again.count("duplicate") == 5 and "created" not in again


def test_import_command_lists_duplicates_and_counts_them(tmp_path):
    path = tmp_path / "refs.ris"
    path.write_text(f"TY  - JOUR\nID  - copy\nTI  - Anything\nDO  - {SEED_DOI}\nER  - \n", encoding="utf-8")

    result = CliRunner().invoke(main, ["import", str(path)])

    assert result.exit_code == 0, result.output
    assert f"{path}:1 copy -: duplicate of {SEED_ID} (same DOI {SEED_DOI})\n" in result.stdout
    assert result.stdout.endswith(
        "0 created, 0 updated, 0 unchanged, 0 deleted, 0 flagged, 0 failed, 1 duplicate\n"
    )


def test_ris_reference_without_er_fails_alone_naming_its_line(tmp_path):
    path = tmp_path / "refs.txt"  # no known extension: the content says RIS
    path.write_text(
        "TY  - JOUR\nTI  - Kept\nAU  - One, A\nPY  - 2001\nER  - \n\nTY  - JOUR\nTI  - Cut off\n",
        encoding="utf-8",
    )

    results = list(import_files(Actor.system("test"), [path]))

    assert [(r.line, r.status) for r in results] == [(1, "created"), (7, "failed")]
    assert (
        str(results[1])
        == f"{path}:7 reference 2 -: Entry reference 2: the reference has no ER line (end of file)"
    )


def test_csl_json_syntax_error_names_the_line_and_imports_nothing(tmp_path):
    path = tmp_path / "items.json"
    path.write_text(
        '[\n {"type": "book", "title": "A"},\n {"type": "book" "title": "B"}\n]', encoding="utf-8"
    )
    before = Record.objects.count()

    (result,) = import_files(Actor.system("test"), [path])

    assert (result.status, result.line) == ("failed", 3)
    assert "not valid JSON" in result.message
    assert Record.objects.count() == before


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("refs.bib", b"@article{a,\n title={Caf\xe9},\n year={2001}\n}\n"),
        ("refs.ris", b"TY  - JOUR\nTI  - Kept\nER  - \n\nTY  - JOUR\nTI  - Caf\xe9\nER  - \n"),
        ("items.json", b'[{"type": "book", "title": "Caf\xe9"}]'),
    ],
)
def test_file_that_is_not_utf8_fails_naming_the_line_and_imports_nothing(tmp_path, name, content):
    """A Latin-1 file raised UnicodeDecodeError, which stopped the whole import."""
    path = tmp_path / name
    path.write_bytes(content)
    before = Record.objects.count()

    (result,) = import_files(Actor.system("test"), [path])

    assert (result.status, result.line) == ("failed", content.count(b"\n", 0, content.index(b"\xe9")) + 1)
    assert "not UTF-8 text (byte 0xE9" in result.message
    assert Record.objects.count() == before


def test_csl_json_item_with_a_control_character_fails_alone_naming_the_field(tmp_path):
    """JSON can carry NUL (\\u0000), which PostgreSQL refused with an error that stopped the import, and
    other control characters, which no XML export could write."""
    path = tmp_path / "items.json"
    items = [
        {"type": "book", "title": "Kept", "issued": {"date-parts": [[2001]]}},
        {"type": "book", "title": "Nul\u0000in title", "issued": {"date-parts": [[2001]]}},
        {"type": "book", "title": "Bell", "publisher": "Press\u0007", "issued": {"date-parts": [[2001]]}},
    ]
    path.write_text(json.dumps(items), encoding="utf-8")

    kept, nul, bell = import_files(Actor.system("test"), [path])

    assert kept.status == "created"
    assert (nul.status, nul.field, bell.status, bell.field) == ("failed", "title", "failed", "publisher")
    assert "control characters are not allowed" in nul.message


def test_csl_json_item_of_wrong_shape_fails_alone(tmp_path):
    path = tmp_path / "items.json"
    items = [
        {"id": "ok", "type": "book", "title": "Good", "issued": {"date-parts": [[2001]]}},
        "nonsense",
        {"id": "badnames", "type": "book", "title": "Bad", "author": "Somebody"},
    ]
    path.write_text(json.dumps(items, indent=1), encoding="utf-8")

    results = list(import_files(Actor.system("test"), [path]))

    assert [(r.record if r.status == "failed" else "", r.status) for r in results] == [
        ("", "created"),
        ("item 2", "failed"),
        ("badnames", "failed"),
    ]
    assert results[1].line == path.read_text().splitlines().index(' "nonsense",') + 1


HOSTILE = {
    "billion-laughs": '<?xml version="1.0"?>\n'
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n'
    '<resource xmlns="http://datacite.org/schema/kernel-4"><titles><title>&lol2;</title></titles></resource>',
    "external-entity": '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    '<resource xmlns="http://datacite.org/schema/kernel-4"><titles><title>&xxe;</title></titles></resource>',
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_datacite_xml_is_refused(name, tmp_path):
    path = tmp_path / f"{name}.xml"
    path.write_text(HOSTILE[name], encoding="utf-8")
    before = Record.objects.count()

    (result,) = import_files(Actor.system("test"), [path])

    assert result.status == "failed"
    assert "DTD" in result.message
    assert Record.objects.count() == before


def test_datacite_file_is_imported_by_its_root_element(tmp_path):
    path = tmp_path / "datacite.xml"
    source = (RECORDS / "datacite" / "datacite-example-relateditem1-v4.xml").read_text(encoding="utf-8")
    path.write_text(source.replace("1234-5678", "0378-5955"), encoding="utf-8")  # a valid ISSN

    (result,) = import_files(Actor.system("test"), [path])

    assert result.status == "created", str(result)
    record = Record.objects.get(local_id=result.record)
    assert (record.title, record.journal.title) == ("Example Article Title", "Journal of Metadata Examples")


def test_bibtex_values_escaped_by_the_export_decode_to_the_original():
    from samla.exports.bibtex import latex

    original = "Kjellström & Åberg: 50% of {x} ~ $5 #1 a_b ^ \\ – done"
    assert bibtex._latex(latex(original)) == original

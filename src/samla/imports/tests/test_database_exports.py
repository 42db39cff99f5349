"""Web of Science, Scopus and EndNote exports and stand-alone oai_dc files: real exports read and imported,
their records matched to stored ones by UT, EID, PubMed id or DOI and updated, and damaged files reported
with file, line and field."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from samla.cli import main
from samla.core.access import Actor
from samla.imports import endnote, readers, scopus, wos
from samla.imports.document_types import output_type
from samla.imports.oai_pmh import read_records
from samla.imports.readers import read_file
from samla.imports.services import import_files
from samla.journals.models import Journal
from samla.journals.services import create_journal
from samla.records.models import Record

from .conftest import TESTDATA

pytestmark = pytest.mark.django_db
RECORDS = TESTDATA / "records"
WOS, SCOPUS = RECORDS / "wos", RECORDS / "scopus"
WOS_PLAIN, WOS_TAB8, WOS_TAB16 = (
    WOS / "wosfile-plaintext.txt",
    WOS / "wosfile-tab-utf8.txt",
    WOS / "wosfile-tab-utf16.txt",
)
SEED_ID, SEED_DOI, SEED_UT, SEED_PMID = (
    "diva2:1897829",
    "10.1186/s12913-024-10549-4",
    "001163766500001",
    "38368329",
)
FIRST_UT = "WOS:000220015600001"


def records_of(entries):
    assert [e.error for e in entries] == [None] * len(entries)
    return [e.map().record for e in entries]


def people(record):
    return [(c.family_name, c.given_name, c.role) for c in record.contributors]


def ids(record):
    return [(i.scheme, i.value) for i in record.identifiers]


def imported(path):
    return [(r.status, r.record, r.message) for r in import_files(Actor.system("test"), [path])]


# ---------------------------------------------------------------- reading the real exports


@pytest.mark.parametrize(
    ("path", "kind"), [(WOS_PLAIN, "wos"), (WOS_TAB8, "wos-tab"), (WOS_TAB16, "wos-tab")]
)
def test_wos_exports_are_told_by_their_content_whatever_the_encoding(path, kind):
    entries = read_file(path)

    assert readers.file_kind(path) == kind
    assert [e.label for e in entries][:2] == [FIRST_UT, "WOS:000243494600113"]
    assert len(entries) == 10


def test_wos_plain_text_record_maps_exactly():
    entries = wos.read(WOS_PLAIN)
    first = entries[0].map().record

    assert (entries[0].line, entries[0].label) == (3, FIRST_UT)
    assert first.title == (
        "Knowledge networks as channels and conduits: The effects of spillovers in the Boston "
        "biotechnology community"
    )
    assert (first.output_type, first.issued, first.language) == (
        "publication/journal-article",
        "2004-01",
        "eng",
    )
    assert (first.journal.title, first.journal.issn) == ("ORGANIZATION SCIENCE", "1047-7039")
    assert (first.volume, first.issue, first.pages_start, first.pages_end, first.page_count) == (
        "15",
        "1",
        "5",
        "21",
        17,
    )
    assert people(first) == [("Owen-Smith", "J", "aut"), ("Powell", "WW", "aut")]
    assert ids(first) == [("isi", FIRST_UT), ("doi", "10.1287/orsc.1030.0054")]
    assert first.keywords[0].terms == [
        "knowledge networks",
        "economic geography",
        "spillovers",
        "biotechnology",
        "patenting",
    ]


def test_wos_clarivate_export_gives_article_numbers_pubmed_ids_orcids_and_funders():
    entries = read_file(WOS / "knh-plos-r4001-4012.txt")
    fritzell = entries[2].map().record

    assert (len(entries), entries[2].line, entries[2].label) == (12, 125, "WOS:000424022700035")
    assert (fritzell.article_number, fritzell.pages_start, fritzell.journal.eissn) == ("e0006167", "", "")
    assert fritzell.journal.issn == "1935-2735"
    assert ids(fritzell)[1:] == [("doi", "10.1371/journal.pntd.0006167"), ("pmid", "29370170")]
    flamand = next(c for c in fritzell.contributors if c.family_name == "Flamand")
    assert (flamand.given_name, flamand.person.orcid) == ("Claude", "0000-0002-8064-445X")
    assert [f.model_dump() for f in fritzell.funders] == [
        {"name": "Regional Health Agency of French Guiana", "grant": ""},
        {
            "name": "European Union's Horizon research and innovation program under ZIKAlliance grant",
            "grant": "734548",
        },
        {"name": "Pasteur Institut Department of International Affairs", "grant": ""},
    ]


def test_wos_affiliations_come_from_c1_under_each_author_s_full_name():
    reactome = wos.read(WOS_PLAIN)[2].map().record

    first = reactome.contributors[0]
    assert (first.family_name, first.given_name) == ("Croft", "David")
    assert [a.text for a in first.affiliations] == [
        "Wellcome Trust Genome Campus, European Bioinformat Inst, Cambridge CB10 1SD, England"
    ]
    assert reactome.output_type == "publication/journal-article"


def test_wos_tab_delimited_utf8_and_utf16_map_as_the_plain_text_export():
    plain, tab8, tab16 = (
        records_of(wos.read(WOS_PLAIN)),
        records_of(wos.read_tab(WOS_TAB8)),
        records_of(wos.read_tab(WOS_TAB16)),
    )

    assert [r.model_dump() for r in tab8] == [r.model_dump() for r in plain]
    assert [r.model_dump() for r in tab16] == [r.model_dump() for r in plain]
    assert [r.output_type for r in plain].count("publication/review-article") == 2


def test_scopus_csv_row_maps_exactly():
    entries = scopus.read(SCOPUS / "bibx-scopus.csv")
    first, conference = entries[0].map().record, entries[1].map().record

    assert (entries[0].line, entries[0].label, len(entries)) == (2, "2-s2.0-85183479140", 12)
    assert first.title == (
        "Optimizing skyrmionium movement and stability via stray magnetic fields in trilayer nanowire "
        "constructs"
    )
    assert (first.output_type, first.issued, first.language) == ("publication/journal-article", "2024", "eng")
    assert (first.journal.title, first.journal.issn, first.volume, first.issue) == (
        "Physical Chemistry Chemical Physics",
        "1463-9076",
        "26",
        "5",
    )
    assert (first.pages_start, first.pages_end, first.publisher) == (
        "4716",
        "4723",
        "Royal Society of Chemistry",
    )
    assert ids(first) == [
        ("scopus", "2-s2.0-85183479140"),
        ("doi", "10.1039/d3cp05340g"),
        ("pmid", "38251958"),
    ]
    assert people(first)[:2] == [("Gong", "Bin", "aut"), ("Wang", "Luowen", "aut")]
    assert (
        first.contributors[0].affiliations[0].text.startswith("Hubei Key Laboratory of Optical Information")
    )
    assert (conference.output_type, ids(conference)[-1]) == ("conference/paper", ("isbn", "979-835038999-9"))


def test_older_scopus_csv_names_authors_by_initials_and_fails_shifted_rows_alone():
    entries = scopus.read(SCOPUS / "litstudy-scopus-older.csv")
    namd = entries[0].map().record

    assert people(namd)[:3] == [("Phillips", "J.C.", "aut"), ("Braun", "R.", "aut"), ("Wang", "W.", "aut")]
    assert (namd.output_type, namd.journal.title, namd.journal.issn) == (
        "publication/review-article",
        "Journal of Computational Chemistry",
        "0192-8651",
    )
    assert [(e.line, e.label, e.error.message if e.error else "") for e in entries[2:]] == [
        (
            4,
            "2-s2.0-85123480963",
            "Entry 2-s2.0-85123480963: the row has 46 fields, the header 45 (columns of another export?)",
        ),
        (
            6,
            "2-s2.0-85138069321",
            "Entry 2-s2.0-85138069321: the row has 46 fields, the header 45 (columns of another export?)",
        ),
    ]


def test_scopus_ris_reads_eid_from_the_link_type_from_m3_and_drops_export_notes():
    entries = read_file(SCOPUS / "bibx-scopus.ris")
    article = entries[0].map().record
    conference = next(e.map().record for e in entries if e.map().record.output_type == "conference/paper")

    assert (article.article_number, article.journal.title, article.notes) == (
        "093903",
        "Journal of Applied Physics",
        [],
    )
    assert ids(article) == [("doi", "10.1063/5.0020407"), ("scopus", "2-s2.0-85091557653")]
    assert conference.host_title.startswith("17th International Conference on Electrical Engineering")
    assert conference.title == "Track Mis-registration Correction Method in Two-Head Two-Track BPMR Systems"


def test_endnote_book_maps_exactly():
    (entry,) = endnote.read(RECORDS / "endnote" / "jabref-Endnote.book.example.enw")
    book = entry.map().record

    assert (entry.line, book.output_type, book.issued) == (1, "publication/book", "2016")
    assert book.title == "Git : dezentrale Versionsverwaltung im Team : Grundlagen und Workflows"
    assert people(book) == [("Preißel", "René", "aut"), ("Stachmann", "Bjørn", "aut")]
    assert (book.publisher, book.place, book.edition, book.page_count) == (
        "dpunkt.verlag",
        "Heidelberg",
        "3., aktualisierte und erweiterte Auflage",
        327,
    )
    assert ids(book) == [("isbn", "978-3-86490-311-3"), ("uri", "http://d-nb.info/107601965X")]


def test_document_types_are_mapped_from_one_table():
    assert output_type("wos", "Article; Proceedings Paper") == "publication/journal-article"
    assert output_type("wos", "Review; Early Access") == "publication/review-article"
    assert output_type("wos", "Proceedings Paper") == "conference/paper"
    assert output_type("scopus", "Conference paper") == "conference/paper"
    assert output_type("endnote", "Book Section") == "publication/book-chapter"
    assert output_type("endnote", "Ancient Text") == "publication/other"


def test_standalone_oai_dc_record_and_collection_are_read():
    (single,) = read_records(RECORDS / "dublin-core" / "dspace-erasmus-hdl_1765_315.oai_dc.xml")
    collection = read_records(RECORDS / "dublin-core" / "dspace-erasmus-collection.oai_dc.xml")

    record = single.map().record
    assert (single.line, record.language, record.issued) == (1, "nl", "2003-04-22")
    assert ids(record) == [("isbn", "90-9014980-5"), ("handle", "http://hdl.handle.net/1765/315")]
    assert [(s.line, s.map().record.title) for s in collection] == [
        (3, "Kijken in het brein: Over de mogelijkheden van neuromarketing"),
        (4, "Moeilijk doen als het ook makkelijk kan"),
        (7, "Railway stations and a geography of networks"),
    ]


# ---------------------------------------------------------------- importing, matching, updating


@pytest.mark.parametrize(
    "path",
    [
        WOS_PLAIN,
        WOS_TAB8,
        WOS_TAB16,
        WOS / "knh-plos-r4001-4012.txt",
        SCOPUS / "bibx-scopus.csv",
        SCOPUS / "bibx-scopus.ris",
    ],
    ids=[
        "wos-plain",
        "wos-tab-utf8",
        "wos-tab-utf16",
        "wos-clarivate",
        "scopus-csv",
        "scopus-ris",
    ],
)
def test_every_real_export_imports_and_a_rerun_changes_nothing(path):
    first = imported(path)

    assert [status for status, _r, _m in first] == ["created"] * len(first), first
    assert [status for status, _r, _m in imported(path)] == ["unchanged"] * len(first)


def test_journal_known_under_other_issns_is_no_change_when_imported_again(tmp_path):
    """Physical Review B as Web of Science gives it: 1098-0121/1550-235X until 2015, 2469-9950/2469-9969
    since. A record giving the pair its stored journal lacks is linked to it by title, and so describes
    it again; once a journal of its own has that pair, the record moves to it."""
    text = WOS_PLAIN.read_text(encoding="utf-8-sig")
    two = text[: text.index("\nER\n", text.index("\nER\n") + 1) + 4]
    for old, new in [
        ("SO ORGANIZATION SCIENCE", "SO PHYSICAL REVIEW B"),
        ("SN 1047-7039", "SN 1098-0121\nEI 1550-235X"),
        ("SO NUCLEIC ACIDS RESEARCH", "SO PHYSICAL REVIEW B"),
        ("SN 0305-1048", "SN 2469-9950\nEI 2469-9969"),
    ]:
        two = two.replace(old, new)
    path = tmp_path / "savedrecs.txt"
    path.write_text(two + "\nEF\n", encoding="utf-8")

    first, again = imported(path), imported(path)
    journal = Journal.objects.get(title__iexact="physical review b")
    separate = create_journal(Actor.system("test"), title=journal.title, issn="2469-9950", eissn="2469-9969")
    moved, last = imported(path), imported(path)

    assert [s for s, _r, _m in first] == ["created", "created"]
    assert [s for s, _r, _m in again] == ["unchanged", "unchanged"]
    assert (journal.title, journal.issn, journal.eissn) == ("PHYSICAL REVIEW B", "1098-0121", "1550-235X")
    assert [s for s, _r, _m in moved] == ["unchanged", "updated"]
    assert [s for s, _r, _m in last] == ["unchanged", "unchanged"]
    assert [Record.objects.get(local_id=r).journal_id for _s, r, _m in first] == [journal.pk, separate.pk]


@pytest.mark.parametrize(
    ("given", "code"),
    [("Slovene", "slv"), ("Slovenian", "slv"), ("Greek", "ell"), ("Greek, Modern", "ell"), ("Bangla", "ben")],
)
def test_language_names_as_the_databases_write_them_are_recognised(tmp_path, given, code):
    """Web of Science writes "Slovene" and "Greek", Scopus "Slovenian"; ISO 639-3 names them
    "Slovenian" and "Modern Greek (1453-)", inverted "Greek, Modern (1453-)"."""
    text = WOS_PLAIN.read_text(encoding="utf-8-sig")
    path = tmp_path / "savedrecs.txt"
    first_record = text[: text.index("\nER\n") + 4]
    path.write_text(first_record.replace("LA English", f"LA {given}") + "\nEF\n", encoding="utf-8")

    ((status, local_id, _message),) = imported(path)

    assert (status, Record.objects.get(local_id=local_id).language) == ("created", code)


def test_files_without_ids_of_their_own_report_duplicates_as_before():
    enw = RECORDS / "endnote" / "jabref-Endnote.book.example.enw"
    (created,) = imported(enw)

    (again,) = imported(enw)
    collection = imported(RECORDS / "dublin-core" / "dspace-erasmus-collection.oai_dc.xml")

    assert created[0] == "created"
    assert again == (
        "duplicate",
        "record 1",
        f"duplicate of {created[1]} (same title, year and first author)",
    )
    assert [message for _s, _r, message in collection] == [
        f"duplicate of hdl:1765_{n} (same title, year and first author)" for n in (308, 309, 311)
    ]


def test_same_records_in_another_wos_export_update_instead_of_duplicating():
    created = {record for _s, record, _m in imported(WOS_PLAIN)}
    before = Record.objects.count()

    again = imported(WOS_TAB16)

    assert {status for status, _r, _m in again} == {"unchanged"}
    assert {record for _s, record, _m in again} == created
    assert Record.objects.count() == before


@pytest.mark.parametrize(
    ("replace", "by"),
    [
        ((FIRST_UT, f"WOS:{SEED_UT}"), "UT"),
        (("DI 10.1287/orsc.1030.0054", f"DI {SEED_DOI}"), "DOI"),
        (("UT WOS:000220015600001", f"UT WOS:000220015600001\nPM {SEED_PMID}"), "PMID"),
    ],
)
def test_wos_record_matching_a_stored_record_updates_it(tmp_path, replace, by):
    text = WOS_PLAIN.read_text(encoding="utf-8-sig")
    first_record = text[: text.index("\nER\n") + 4]
    path = tmp_path / "savedrecs.txt"
    path.write_text(first_record.replace(*replace) + "\nEF\n", encoding="utf-8")
    before = Record.objects.count()

    (result,) = imported(path)

    assert result[:2] == ("updated", SEED_ID), by
    assert Record.objects.count() == before
    assert Record.objects.get(local_id=SEED_ID).title.startswith("Knowledge networks as channels")


def test_wos_record_repeated_in_one_file_is_reported_as_a_duplicate(tmp_path):
    text = WOS_PLAIN.read_text(encoding="utf-8-sig")
    first_record = text[text.index("PT J") : text.index("\nER\n") + 4]
    path = tmp_path / "twice.txt"
    path.write_text(first_record + "\n" + first_record, encoding="utf-8")

    (created, repeat) = imported(path)

    assert created[0] == "created"
    assert repeat[0] == "duplicate" and repeat[2] == f"duplicate of {created[1]} (same ISI 000220015600001)"


# ---------------------------------------------------------------- damaged files


def test_damaged_wos_file_names_file_line_record_and_field(tmp_path):
    text = WOS_PLAIN.read_text(encoding="utf-8-sig")
    title = (
        "TI Knowledge networks as channels and conduits: The effects of spillovers\n"
        "   in the Boston biotechnology community\n"
    )
    untitled = text.replace(title, "")
    path = tmp_path / "damaged.txt"
    path.write_text(untitled[: untitled.rindex("\nER\n")], encoding="utf-8")  # the last record is cut

    result = CliRunner().invoke(main, ["import", str(path)])

    assert result.exit_code == 1
    assert f"{path}:3 {FIRST_UT} title: " in result.stderr
    cut = [line for line in result.stderr.splitlines() if "no ER line" in line]
    assert cut == [
        f"{path}:1323 WOS:000312893300115 -: "
        "Entry WOS:000312893300115: the record has no ER line (end of file)"
    ]
    assert result.stdout.endswith("8 created, 0 updated, 0 unchanged, 0 deleted, 0 flagged, 2 failed\n")


def test_wos_record_with_a_tag_web_of_science_does_not_define_imports_without_it(tmp_path):
    """rispy's WokParser stopped the whole import with KeyError on such a tag (found by make stress)."""
    text = WOS_PLAIN.read_text(encoding="utf-8-sig")
    path = tmp_path / "odd-tag.txt"
    path.write_text(
        text.replace(f"UT {FIRST_UT}\n", f"UT {FIRST_UT}\nUK a tag of no one\n", 1), encoding="utf-8"
    )

    result = CliRunner().invoke(main, ["import", str(path)])

    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if " UK: " in line]
    assert len(warnings) == 1 and warnings[0].startswith(f"{path}:3 samla:")
    assert warnings[0].endswith(" UK: warning: not a Web of Science field tag, left out")


def test_isi_tagged_file_without_pt_lines_as_dspace_writes_it_imports():
    """DSpace's "EndNote" export is the Web of Science tagged format with empty FN and VR lines and no PT."""
    path = TESTDATA / "records" / "ris" / "dspace" / "endnote-test.enw"

    (result,) = import_files(Actor.system("test"), [path])

    assert (result.status, result.line) == ("created", 3)
    record = Record.objects.get(local_id=result.record)
    names = [c.name for c in record.contributions.order_by("position")]
    assert (record.title, record.issued, names) == ("My Title", "2005", ["Author 1", "Author 2"])


def test_scopus_row_cut_short_fails_alone_with_its_line(tmp_path):
    lines = (SCOPUS / "bibx-scopus.csv").read_text(encoding="utf-8-sig").splitlines(keepends=True)
    path = tmp_path / "scopus.csv"
    path.write_text("".join(lines[:3]) + lines[3][:200] + "\n", encoding="utf-8")

    results = list(import_files(Actor.system("test"), [path]))

    assert [(r.line, r.status) for r in results] == [(2, "created"), (3, "created"), (4, "failed")]
    assert results[2].message.startswith("Entry row 3: the row has ")


def test_file_that_is_no_scopus_export_is_refused_whole(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("Authors,Title,Year,EID-less\nA,B,2020,x\n", encoding="utf-8")

    (result,) = import_files(Actor.system("test"), [path])

    assert (result.status, result.line, result.message) == (
        "failed",
        1,
        "not a Scopus CSV export (no EID column)",
    )

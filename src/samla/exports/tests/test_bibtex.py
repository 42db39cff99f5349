"""BibTeX: the seed record exactly, LaTeX escaping, keys and entry types."""

import bibtexparser
import pybtex.database
import pytest
from bibtexparser.library import Library
from bibtexparser.middlewares import AddEnclosingMiddleware

from samla.core.access import Actor
from samla.exports import bibtex
from samla.exports.framing import render_record
from samla.exports.services import records_for_export

from .conftest import demo_ids, expected, format_named

pytestmark = pytest.mark.django_db


def test_bibtex_seed_record_equals_expected_entry(seed):
    text = render_record(format_named("bibtex"), seed)

    assert text == expected("diva2_1897829.bib")
    assert text.startswith("@article{Kjellstrom1897829,\n")
    assert r"author = {Kjellstr{\"o}m, Sofia and Sarre, Sophie and Masterson, Daniel}" in text


def test_bibtex_seed_record_reads_back_with_pybtex(seed):
    entry = pybtex.database.parse_string(render_record(format_named("bibtex"), seed), "bibtex").entries[
        "Kjellstrom1897829"
    ]

    assert [str(p) for p in entry.persons["author"]] == [
        'Kjellstr{\\"o}m, Sofia',
        "Sarre, Sophie",
        "Masterson, Daniel",
    ]
    assert entry.fields["eid"] == "219"
    assert entry.fields["doi"] == "10.1186/s12913-024-10549-4"


def test_bibtex_latex_specials_and_non_ascii_are_escaped():
    assert bibtex.latex("R&D 50% $5 #1 a_b {x} ~ ^ \\") == (
        r"R\&D 50\% \$5 \#1 a\_b {\textbraceleft}x{\textbraceright} {\textasciitilde} {\textasciicircum} "
        r"{\textbackslash}"
    )
    assert bibtex.latex("Åström – King’s") == r"{\r{A}}str{\"o}m {\textendash} King{\textquoteright}s"


def test_bibtex_title_words_with_inner_capitals_are_braced():
    assert bibtex.protected_title("Inkjet printing of TtNapA and DNA in Sweden") == (
        "Inkjet printing of {TtNapA} and {DNA} in Sweden"
    )


def test_bibtex_hostile_title_still_parses_as_one_entry(make_record):
    record = make_record(title="Braces } { and @misc{evil, title={x}} and \\end", keywords=[])

    library = bibtexparser.parse_string(render_record(format_named("bibtex"), record))

    assert not library.failed_blocks
    assert len(library.entries) == 1


def test_bibtex_thesis_is_phdthesis_with_school_and_type(make_record):
    record = make_record(
        output_type="publication/licentiate-thesis", publisher="KTH Royal Institute of Technology"
    )

    entry = bibtex.entry(record)

    assert entry.entry_type == "phdthesis"
    assert entry.fields_dict["school"].value == "KTH Royal Institute of Technology"
    assert entry.fields_dict["type"].value == "Licentiate thesis"
    assert "publisher" not in entry.fields_dict


def test_bibtex_key_for_non_diva_id_names_prefix_and_item(make_record):
    record = make_record(local_id="samla:42", contributors=[{"family_name": "Åström", "given_name": "Ann"}])

    assert bibtex.citation_key(record) == "Astrom_samla_42"


def test_bibtex_month_is_a_macro(make_record):
    record = make_record(issued="2024-03-13")

    assert "  month = mar,\n" in bibtex.write(record)


def test_bibtex_entries_are_laid_out_exactly_as_bibtexparsers_writer_lays_them_out():
    enclose = AddEnclosingMiddleware(
        reuse_previous_enclosing=False, enclose_integers=True, default_enclosing="{"
    )
    for record in records_for_export(Actor.anonymous(), demo_ids()):
        built = bibtex.entry(record)
        reference = bibtexparser.write_string(
            Library([built]), unparse_stack=[enclose], bibtex_format=bibtex._FORMAT
        )

        assert bibtex.write(record) == reference, record.local_id


def test_bibtex_latex_leaves_plain_ascii_as_it_is_and_escapes_everything_else():
    assert bibtex.latex("Plain words, digits 42 and (brackets).") == "Plain words, digits 42 and (brackets)."
    assert bibtex.latex("line one\nline two") == "line one\nline two"
    assert bibtex.latex("50% of Åsa's") == r"50\% of {\r{A}}sa's"

"""The query language: what each piece of syntax parses to, and input that has no sensible reading."""

import pytest

from samla.core.errors import InvalidInput
from samla.search.backends.fts5 import match_expression
from samla.search.backends.postgres import (
    MAX_LEXEME_BYTES,
    MAX_POSITION,
    OUT_OF_LINE_BYTES,
    tsquery,
    tsvector_literal,
)
from samla.search.index_documents import IndexDocument
from samla.search.query import (
    HEAD_COLUMNS,
    MAX_QUERY_LENGTH,
    And,
    Not,
    Or,
    Phrase,
    Term,
    head_node,
    parse_query,
)


def test_parse_query_words_are_anded_with_stems():
    parsed = parse_query("Ledarskapet coproduction")
    assert parsed.match == And((Term(("ledarskapet", "ledarskap")), Term(("coproduction", "coproduct"))))


def test_parse_query_diacritics_are_folded():
    assert parse_query("Jönköping").match == Term(("jonkoping", "jonkop"))


def test_parse_query_phrase_has_unstemmed_and_stemmed_variants():
    parsed = parse_query('"health and welfare"')
    assert parsed.match == Phrase(
        (("health", "and", "welfare"), ("health", "and", "welf"), ("health", "and", "welfar"))
    )


def test_parse_query_prefix_star():
    assert parse_query("coprod*").match == Term(("coprod",), prefix=True)


def test_parse_query_one_letter_prefix_is_a_word():
    assert parse_query("c*").match == Term(("c",))


def test_head_node_ors_the_words_in_the_head_columns_and_keeps_fields():
    head = head_node(parse_query('coproduction "health care" title:leadership -children').match)
    assert head == Or(
        (
            Term(("coproduction", "coproduct"), columns=HEAD_COLUMNS),
            Phrase((("health", "care"), ("health", "car")), columns=HEAD_COLUMNS),
            Term(("leadership",), columns=("title",)),
        )
    )


def test_parse_query_or_binds_tighter_than_implicit_and():
    parsed = parse_query("leadership coproduction OR cocreation")
    assert isinstance(parsed.match, And)
    assert isinstance(parsed.match.children[1], Or)


@pytest.mark.parametrize("text", ["leadership NOT correction", "leadership -correction"])
def test_parse_query_not_and_minus_exclude(text):
    parsed = parse_query(text)
    assert parsed.match == And((Term(("leadership",)), Not(Term(("correction", "correct")))))


def test_parse_query_only_exclusions_become_exclude():
    parsed = parse_query("-cat")
    assert parsed.match is None
    assert parsed.exclude == Term(("cat",))


def test_parse_query_fielded_terms_name_columns():
    assert parse_query("title:framework").match == Term(("framework",), columns=("title",))
    assert parse_query('author:"Daniel Masterson"').match == Phrase(
        (("daniel", "masterson"),), columns=("author",)
    )


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("10.1186/s12913-024-10549-4", "101186s12913024105494"),
        ("https://doi.org/10.1186/S12913-024-10549-4", "101186s12913024105494"),
        ("urn:nbn:se:his:diva-24521", "urnnbnsehisdiva24521"),
        ("0000-0003-4364-9814", "0000000343649814"),
        ("https://orcid.org/0000-0003-4364-9814", "0000000343649814"),
        ("1472-6963", "14726963"),
        ("WOS:001163766500001", "001163766500001"),
        ("2-s2.0-85185404972", "2s2085185404972"),
    ],
)
def test_parse_query_pasted_identifier_is_one_compact_word(text, word):
    assert parse_query(text).match == Term((word,))


def test_parse_query_filters_are_taken_out_of_the_text():
    parsed = parse_query("stillbirths year:2016 -type:book category:30220")
    assert parsed.match == Term(("stillbirths", "stillbirth"))
    assert [(f.name, f.value, f.negated) for f in parsed.filters] == [
        ("year", "2016", False),
        ("type", "book", True),
        ("category", "30220", False),
    ]


@pytest.mark.parametrize(
    "text",
    [
        'unbalanced "quote',
        "(unclosed bracket",
        "closing) bracket)",
        "AND",
        "OR",
        "NOT",
        "a AND",
        "OR b",
        "-",
        '" * ( ) : ^ - NEAR',
        "NEAR(a b, 3)",
        "title:",
        "col:umn ^boost",
        "a:b:c",
        "'; DROP TABLE records_record; --",
        "\x00\x01",
        "🙂 ∞ ≠",
    ],
)
def test_parse_query_odd_input_compiles_to_safe_queries(text):
    parsed = parse_query(text)
    for node in (parsed.match, parsed.exclude):
        if node is not None:
            expression = match_expression(node)
            assert all(
                c.isalnum() or c in ' "*(){}:' for c in expression.replace(" OR ", " ").replace(" AND ", " ")
            ), expression
            tsquery(node)


def test_tsvector_literal_has_positions_weights_field_lexemes_and_escapes():
    document = IndexDocument(record_id=1)
    document.columns["title"] = ["cat", "cat"]
    document.columns["abstract"] = ["o'neil"]
    filler = "~" * MAX_LEXEME_BYTES  # 52 bytes of lexemes: the longest filler brings them past 2,048
    assert tsvector_literal(document) == f"'cat':1A,2A 't:cat':1A,2A 'o''neil':4C '{filler}'"


@pytest.mark.parametrize("words", [100, 140, 160, 400])
def test_tsvector_literal_is_large_enough_to_be_stored_out_of_the_row(words):
    """The size as PostgreSQL stores it (tsvector.h), with the filler: at least OUT_OF_LINE_BYTES, and a
    document already that large gets none."""
    document = IndexDocument(record_id=1)
    document.columns["abstract"] = [f"w{n:04d}" for n in range(words)]  # 5 bytes, 1 position: 13 bytes
    literal = tsvector_literal(document)
    size = 8 + 13 * words
    fillers = [lexeme for lexeme in literal.split() if lexeme.startswith("'~")]
    if size >= OUT_OF_LINE_BYTES:
        assert fillers == []
    else:
        assert len(fillers) == 1 and len(fillers[0]) - 2 <= MAX_LEXEME_BYTES
        assert OUT_OF_LINE_BYTES <= size + 4 + len(fillers[0]) - 2 < OUT_OF_LINE_BYTES + 260


def test_tsvector_literal_words_past_the_last_position_share_it_once():
    document = IndexDocument(record_id=1)
    document.columns["abstract"] = ["w"] * (MAX_POSITION - 1) + ["z", "z", "z"]
    assert f"'z':{MAX_POSITION}C" in tsvector_literal(document).split()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x" * (MAX_QUERY_LENGTH + 1), "too long"),
        ("a OR -b", "NOT cannot be one side of OR"),
        ("(-a -b) c", "only NOT"),
        ("a OR year:2020", "narrows the whole search"),
        ("((((((((((deep))))))))))", "too deeply"),
        (" ".join(f"w{n}" for n in range(60)), "too many terms"),
    ],
)
def test_parse_query_without_sensible_reading_raises_invalid_input(text, message):
    with pytest.raises(InvalidInput, match=message):
        parse_query(text)

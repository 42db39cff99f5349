"""The text helpers the MODS and Dublin Core mappers share."""

import pytest

from samla.imports.mapping import clean, html_to_text

LONG = "The cat (Felis catus, Linneaus 1758) has lived around or with humans for at least 10,000 years"


@pytest.mark.parametrize(
    "text",
    [
        LONG,
        f" {LONG}",
        f"{LONG} ",
        LONG.replace(" ", "  ", 1),
        LONG.replace(" ", "\n                        ", 1),
        LONG.replace(" ", "\t", 1),
        LONG.replace(" ", "\xa0", 1),
        LONG.replace(" ", "\u2028", 1),
        LONG.replace(" ", "\u3000", 1),
        LONG.replace(" ", "\x85", 1),
        "short\n  value",
        "",
    ],
)
def test_clean_any_whitespace_collapses_to_single_spaces(text):
    assert clean(text) == " ".join(text.split())


def test_clean_none_is_empty():
    assert clean(None) == ""


@pytest.mark.parametrize(
    ("fragment", "text"),
    [
        (
            "<p>First paragraph.</p><p>Second, <i>with</i> markup.</p>",
            "First paragraph.\nSecond, with markup.",
        ),
        (
            "Leading text<br><p>a paragraph</p><ul><li>one</li><li>two</li></ul>tail",
            "Leading text\na paragraph\none\ntwo\ntail",
        ),
        ("a &amp; b <!-- a comment --><?pi skipped?>c", "a & b c"),
        ("<!DOCTYPE html><html><body><p>x</p><p>y</p></body></html>", "x\ny"),
        ("<html><head><title>Only a head</title></head></html>", "Only a head"),
        ("<html></html>", ""),
        ("<!doctype html>", ""),
        ("<b>" * 5000 + "nested beyond the parser's depth", ""),
    ],
)
def test_html_to_text_keeps_blocks_as_lines_and_takes_any_fragment(fragment, text):
    """Abstracts come with HTML in them; a fragment that is a whole document, or none, is text too (lxml.html
    failed on those with an AssertionError, which stopped the whole import)."""
    assert html_to_text(fragment) == text

"""The text helpers the MODS and Dublin Core mappers share."""

import pytest

from samla.imports.mapping import clean

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

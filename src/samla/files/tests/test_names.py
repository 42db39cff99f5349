"""File names: hostile ones made safe or refused, and Content-Disposition per RFC 6266."""

from __future__ import annotations

import pytest

from samla.core.errors import InvalidInput
from samla.files.names import clean_file_name, content_disposition


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("Östlund_2024.pdf", "Östlund_2024.pdf"),
        ("O\u0308stlund_2024.pdf", "Östlund_2024.pdf"),  # decomposed (as macOS sends it) → NFC
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("/absolute/path/paper.pdf", "paper.pdf"),
        (".hidden.pdf", "hidden.pdf"),
        ("  spaced   out .pdf  ", "spaced out .pdf"),
        ("report\u202efdp.exe", "reportfdp.exe"),  # right-to-left override that shows "exe.pdf"
        ("文献_2024.pdf", "文献_2024.pdf"),
    ],
    ids=["utf8", "nfd", "dot-dot", "backslashes", "absolute", "leading-dot", "spaces", "rtl-override", "cjk"],
)
def test_clean_file_name_keeps_a_safe_name(given, kept):
    assert clean_file_name(given) == kept


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("paper\x00.pdf", "The file name contains a NUL character."),
        ("paper\n.pdf", "The file name contains control characters."),
        ("paper\x1b[31m.pdf", "The file name contains control characters."),
        ("..", "The file name is empty."),
        ("../", "The file name is empty."),
        ("", "The file name is empty."),
    ],
    ids=["nul", "newline", "escape", "dot-dot", "directory", "empty"],
)
def test_clean_file_name_refuses_hostile_name(given, message):
    with pytest.raises(InvalidInput) as raised:
        clean_file_name(given)
    assert raised.value.message == message
    assert list(raised.value.fields) == ["file_name"]


def test_clean_file_name_300_characters_shortened_to_255_bytes_keeping_extension():
    name = clean_file_name("a" * 296 + ".pdf")

    assert name == "a" * 251 + ".pdf"
    assert len(name.encode("utf-8")) == 255


def test_clean_file_name_long_utf8_cut_on_a_character_boundary():
    name = clean_file_name("Ö" * 200 + ".pdf")  # 2 bytes each

    assert name == "Ö" * 125 + ".pdf"
    assert len(name.encode("utf-8")) == 254


def test_content_disposition_ascii_name_is_a_plain_quoted_filename():
    assert content_disposition("paper.pdf", inline=True) == 'inline; filename="paper.pdf"'


def test_content_disposition_utf8_name_has_ascii_fallback_and_filename_star():
    assert content_disposition("Östlund_2024.pdf", inline=False) == (
        "attachment; filename=\"Ostlund_2024.pdf\"; filename*=UTF-8''%C3%96stlund_2024.pdf"
    )


def test_content_disposition_quote_and_backslash_never_break_the_header():
    assert content_disposition('a "b" \\c.pdf', inline=True) == (
        "inline; filename=\"a _b_ _c.pdf\"; filename*=UTF-8''a%20%22b%22%20%5Cc.pdf"
    )

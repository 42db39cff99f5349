"""Range headers (RFC 9110 §14) against a file of 1,000 bytes."""

from __future__ import annotations

import pytest

from samla.files.ranges import ByteRange, RangeNotSatisfiable, parse_range

SIZE = 1000


@pytest.mark.parametrize(
    ("header", "ranges"),
    [
        ("bytes=0-99", [ByteRange(0, 99)]),
        ("bytes=-500", [ByteRange(500, 999)]),
        ("bytes=900-", [ByteRange(900, 999)]),
        ("bytes=990-2000", [ByteRange(990, 999)]),
        ("bytes=-5000", [ByteRange(0, 999)]),
        ("bytes=0-9, 100-109", [ByteRange(0, 9), ByteRange(100, 109)]),
        ("bytes=0-9,5000-6000", [ByteRange(0, 9)]),
        ("Bytes = 1-1", [ByteRange(1, 1)]),
    ],
    ids=["first", "suffix", "open-end", "clamped", "suffix-longer", "two", "one-beyond", "case"],
)
def test_parse_range_valid_header_gives_ranges(header, ranges):
    assert parse_range(header, SIZE) == ranges


@pytest.mark.parametrize(
    "header",
    ["bytes=abc", "bytes=5-1", "bytes=", "bytes=1000-", "bytes=-0", "bytes=-", "bytes=1-2-3", "bytes=٣-4"],
    ids=["letters", "reversed", "empty", "at-end", "zero-suffix", "dash", "two-dashes", "arabic-digit"],
)
def test_parse_range_invalid_or_unsatisfiable_raises(header):
    with pytest.raises(RangeNotSatisfiable):
        parse_range(header, SIZE)


@pytest.mark.parametrize(
    "header",
    ["items=0-1", "", "bytes=" + ",".join(f"{n}-{n}" for n in range(17)), "bytes=0-999,0-999"],
    ids=["other-unit", "no-header", "too-many", "more-than-the-file"],
)
def test_parse_range_ignorable_header_means_whole_file(header):
    assert parse_range(header, SIZE) is None


def test_byte_range_content_range_and_length():
    assert ByteRange(0, 99).content_range(SIZE) == "bytes 0-99/1000"
    assert ByteRange(0, 99).length == 100

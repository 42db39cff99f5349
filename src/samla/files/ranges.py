"""HTTP Range requests on a file of known size (RFC 9110, section 14)."""

from __future__ import annotations

from dataclasses import dataclass

MAX_RANGES = 16


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive, as in "bytes=0-499"

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end}/{size}"


class RangeNotSatisfiable(Exception):
    """The Range header asks for bytes in a form or a place the file does not have: answer 416."""


def parse_range(header: str, size: int) -> list[ByteRange] | None:
    """The byte ranges `header` asks for, in the order asked, clamped to the file.

    None means "send the whole file": no header, a unit other than bytes, or a request the server may
    ignore (more than MAX_RANGES ranges, or ranges that add up to more than the file, which a client needs
    no more than once). RangeNotSatisfiable when the header is malformed or no range overlaps the file.
    """
    unit, equals, spec = header.partition("=")
    if not equals or unit.strip().lower() != "bytes":
        return None
    parts = [p.strip() for p in spec.split(",") if p.strip()]
    if not parts:
        raise RangeNotSatisfiable(header)
    if len(parts) > MAX_RANGES:
        return None
    ranges = [r for r in (_one_range(part, size) for part in parts) if r is not None]
    if not ranges:
        raise RangeNotSatisfiable(header)
    if len(ranges) > 1 and sum(r.length for r in ranges) > size:
        return None
    return ranges


def _one_range(part: str, size: int) -> ByteRange | None:
    """One range-spec: "0-499", "500-", or the suffix "-500"; None when it lies beyond the file."""
    first, dash, last = (s.strip() for s in part.partition("-"))
    if not dash or not (_digits(first) or first == "") or not (_digits(last) or last == ""):
        raise RangeNotSatisfiable(part)
    if first == "":
        if last == "":
            raise RangeNotSatisfiable(part)
        suffix = int(last)
        return ByteRange(max(0, size - suffix), size - 1) if suffix > 0 else None
    start = int(first)
    end = int(last) if last else size - 1
    if end < start:
        raise RangeNotSatisfiable(part)
    if start >= size:
        return None
    return ByteRange(start, min(end, size - 1))


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()

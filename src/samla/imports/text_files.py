"""Reading the text of a database export: Web of Science saves tab-delimited files as UTF-16 or as UTF-8
with a byte-order mark, Scopus and EndNote UTF-8 with or without one. The mark says which; without one
the file must be UTF-8, and UnreadableFile names the line of the first byte that is not.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from .errors import UnreadableFile

_MARKS = ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"), (codecs.BOM_UTF8, "utf-8-sig"))


def decode(data: bytes, path: Path | str) -> str:
    """The text of `data`, read from `path`, in the encoding its byte-order mark names (UTF-8 without)."""
    encoding = next((name for mark, name in _MARKS if data.startswith(mark)), "utf-8")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1 if encoding != "utf-16" else None
        raise UnreadableFile(
            f"not {encoding.upper().removesuffix('-SIG')} text (cannot read byte {error.start}); nothing "
            "imported from this file",
            path=str(path),
            line=line,
        ) from None


def read_unicode(path: Path) -> str:
    """The whole file's text (see `decode`)."""
    return decode(path.read_bytes(), path)


def head(path: Path, size: int = 4096) -> str:
    """The first characters of the file, for telling its format; an undecodable tail is dropped."""
    with path.open("rb") as file:
        data = file.read(size)
    encoding = next((name for mark, name in _MARKS if data.startswith(mark)), "utf-8")
    return data.decode(encoding, errors="ignore").lstrip("\ufeff")

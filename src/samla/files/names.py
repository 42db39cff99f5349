"""File names: made safe on the way in, and sent back out in a Content-Disposition header (RFC 6266)."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from django.utils.translation import gettext

from samla.core.errors import InvalidInput

MAX_NAME_BYTES = 255
MAX_SUFFIX_BYTES = 16
# RFC 5987 attr-char, besides letters, digits and "-._~" that quote() never escapes.
_ATTR_CHARS = "!#$&+^`|"


def has_control_characters(text: str) -> bool:
    """Whether `text` holds a control character (Unicode category Cc, NUL and line breaks included): a
    file's name and label are one line of visible text."""
    return any(unicodedata.category(c) == "Cc" for c in text)


def clean_file_name(name: str) -> str:
    """The name a file is stored and served under.

    Refused (InvalidInput): NUL or other control characters, and a name with nothing left. Made safe: any
    directory part is dropped ("../../etc/passwd" → "passwd"), invisible format characters (such as the
    right-to-left override that makes "fdp.exe" look like "exe.pdf") are removed, the name is put in NFC,
    runs of spaces become one and leading or trailing dots and spaces go, and a name over 255 bytes of
    UTF-8 is shortened, keeping its extension. Letters of every script are kept: "Östlund_2024.pdf".
    """
    if "\x00" in name:
        raise InvalidInput(
            gettext("The file name contains a NUL character."), fields={"file_name": "NUL character"}
        )
    if has_control_characters(name):
        raise InvalidInput(
            "The file name contains control characters.", fields={"file_name": "control characters"}
        )
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c) != "Cf")
    name = " ".join(name.split()).strip(" .")
    if not name:
        raise InvalidInput(gettext("The file name is empty."), fields={"file_name": "empty"})
    return _shortened(name)


def _shortened(name: str) -> str:
    encoded = name.encode("utf-8")
    if len(encoded) <= MAX_NAME_BYTES:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix.encode("utf-8")) > MAX_SUFFIX_BYTES:
        stem, suffix = name, ""
    tail = f".{suffix}" if suffix else ""
    budget = MAX_NAME_BYTES - len(tail.encode("utf-8"))
    return stem.encode("utf-8")[:budget].decode("utf-8", "ignore").rstrip(" .") + tail


def ascii_fallback(name: str) -> str:
    """ "Östlund_2024.pdf" → "Ostlund_2024.pdf": the name for clients that do not read filename*."""
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in letters)


def content_disposition(name: str, *, inline: bool) -> str:
    """The Content-Disposition header for `name` (RFC 6266): a plain quoted filename when the name is
    simple ASCII, else an ASCII fallback plus `filename*=UTF-8''…` (RFC 8187)."""
    disposition = "inline" if inline else "attachment"
    if ascii_fallback(name) == name:
        return f'{disposition}; filename="{name}"'
    encoded = quote(name, safe=_ATTR_CHARS)
    return f"{disposition}; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{encoded}"

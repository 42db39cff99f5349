"""How a format's items become a file: one record, or a list streamed item by item in constant memory.

A writer turns one record into an item (an lxml element, a string, a dict, a CSV row); the format's
`Document` frames items: XML formats in their collection element (or alone), text formats one after
another, JSON as an array or a JSON-LD graph, CSV under a header row.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import orjson
from lxml import etree

CHUNK_CHARS = 64 * 1024  # streamed responses send about this much at a time


class Document(Protocol):
    """`item_text` is one item as a list file holds it; `frame` puts such texts into the file. The two are
    apart so a list can be framed from texts kept from an earlier export (`exports.rendered`)."""

    def single(self, item: Any) -> str: ...

    def item_text(self, item: Any) -> str: ...

    def frame(self, texts: Iterable[str]) -> Iterator[str]: ...

    def stream(self, items: Iterable[Any]) -> Iterator[str]: ...


class _Framed:
    """`stream` as `frame` over `item_text`, for every document."""

    def stream(self, items: Iterable[Any]) -> Iterator[str]:
        return self.frame(self.item_text(item) for item in items)


@dataclass(frozen=True)
class TextDocument(_Framed):
    """Entries one after another (BibTeX, RIS), `separator` between two."""

    separator: str = "\n"

    def single(self, item: str) -> str:
        return item

    def item_text(self, item: str) -> str:
        return item

    def frame(self, texts: Iterable[str]) -> Iterator[str]:
        for index, text in enumerate(texts):
            yield (self.separator + text) if index else text


XML_DECLARATION = "<?xml version='1.0' encoding='UTF-8'?>\n"


@dataclass(frozen=True)
class XmlDocument(_Framed):
    """Records in a collection element (`wrapper`, outermost first, in Clark notation), or alone.

    With `always_wrap` a single record is wrapped too (EndNote's <xml><records>); otherwise a single record
    is the root element. `nsmap` declares the namespaces on the wrapper.
    """

    wrapper: tuple[str, ...]
    nsmap: dict[str | None, str] = field(default_factory=dict)
    always_wrap: bool = False

    def single(self, item: etree._Element) -> str:
        if not self.always_wrap:
            return XML_DECLARATION + serialize_element(item)
        return "".join(self.stream([item]))

    def item_text(self, item: etree._Element) -> str:
        return serialize_element(item, level=len(self.wrapper))

    def frame(self, texts: Iterable[str]) -> Iterator[str]:
        opening, closing = self._frame()
        yield XML_DECLARATION + opening
        yield from texts
        yield closing

    def _frame(self) -> tuple[str, str]:
        """The wrapper's start tags (with the namespace declarations) and end tags, as text."""
        root = inner = etree.Element(self.wrapper[0], nsmap=self.nsmap)
        for tag in self.wrapper[1:]:
            inner = etree.SubElement(inner, tag)
        etree.indent(root, space="  ")
        inner.text = _ITEMS
        before, after = etree.tostring(root, encoding="unicode").split(_ITEMS)
        return before + "\n", "  " * (len(self.wrapper) - 1) + after + "\n"


_ITEMS = "samla-export-items"


def serialize_element(element: etree._Element, *, level: int = 0) -> str:
    """An element as indented text, `level` steps in, ending with a newline (indents it in place)."""
    etree.indent(element, space="  ", level=level)
    return "  " * level + etree.tostring(element, encoding="unicode", with_tail=False) + "\n"


@dataclass(frozen=True)
class JsonArray(_Framed):
    """A JSON array of items, for one record too (CSL-JSON is always a list of items)."""

    def single(self, item: dict) -> str:
        return "".join(self.stream([item]))

    def item_text(self, item: dict) -> str:
        return _json(item, level=1)

    def frame(self, texts: Iterable[str]) -> Iterator[str]:
        yield "["
        for index, text in enumerate(texts):
            yield ("," if index else "") + "\n" + text
        yield "\n]\n"


@dataclass(frozen=True)
class JsonLdDocument(_Framed):
    """One record is a JSON-LD object with its @context; a list is a @graph under one @context."""

    context: Any

    def single(self, item: dict) -> str:
        return json.dumps({"@context": self.context, **item}, ensure_ascii=False, indent=2) + "\n"

    def item_text(self, item: dict) -> str:
        return _json(item, level=2)

    def frame(self, texts: Iterable[str]) -> Iterator[str]:
        yield "{\n  " + f'"@context": {json.dumps(self.context)},\n  "@graph": ['
        for index, text in enumerate(texts):
            yield ("," if index else "") + "\n" + text
        yield "\n  ]\n}\n"


def _json(value: Any, *, level: int) -> str:
    """`value` as json.dumps(ensure_ascii=False, indent=2) writes it, `level` indents in. orjson writes
    the same text; the standard library's encoder is pure Python whenever it indents, and was most of the
    time of a CSL-JSON export."""
    pad = "  " * level
    return pad + orjson.dumps(value, option=orjson.OPT_INDENT_2).decode().replace("\n", "\n" + pad)


@dataclass(frozen=True)
class CsvDocument(_Framed):
    """A header row, then one row a record. A byte order mark first, so spreadsheets read UTF-8."""

    columns: Sequence[str]
    bom: bool = True

    def single(self, item: Sequence[str]) -> str:
        return "".join(self.stream([item]))

    def item_text(self, item: Sequence[str]) -> str:
        return _csv_line(item)

    def frame(self, texts: Iterable[str]) -> Iterator[str]:
        yield ("\ufeff" if self.bom else "") + _csv_line(self.columns)
        yield from texts


def _csv_line(values: Sequence[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue()


def render_record(fmt: Any, record: Any) -> str:
    """One record as a complete file of the format."""
    return fmt.document.single(fmt.write(record))


def render_records(fmt: Any, records: Iterable[Any], *, chunk_chars: int = CHUNK_CHARS) -> Iterator[str]:
    """Records as one file of the format, yielded in pieces of about `chunk_chars` characters; records
    are written as they arrive, so memory does not grow with their number."""
    write: Callable[[Any], Any] = fmt.write
    return frame_texts(fmt, (fmt.document.item_text(write(record)) for record in records), chunk_chars)


def frame_texts(fmt: Any, texts: Iterable[str], chunk_chars: int = CHUNK_CHARS) -> Iterator[str]:
    """Item texts (`Document.item_text`) framed as one file of the format, in pieces of about
    `chunk_chars` characters."""
    pending: list[str] = []
    size = 0
    for piece in fmt.document.frame(texts):
        pending.append(piece)
        size += len(piece)
        if size >= chunk_chars:
            yield "".join(pending)
            pending, size = [], 0
    if pending:
        yield "".join(pending)

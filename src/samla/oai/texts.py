"""Records as OAI-PMH texts: each record's `<record>` (or `<header>`) element as it stands in a response,
kept between harvests by `exports.rendered` and written again only when stale, and `keep`, which writes
every stale one ahead of harvesters (`samla oai keep`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from lxml import etree

from samla.core.access import Actor, require
from samla.core.errors import InvalidInput
from samla.exports.registry import Format, formats
from samla.exports.rendered import Head, Renderer, item_texts
from samla.exports.services import CHUNK_SIZE, batched

from . import services
from .sets import SetIndex

OAI = "http://www.openarchives.org/OAI/2.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
# Where the records' texts go in the serialized envelope: a comment, which no echoed argument or token
# can spell (their "<" is escaped).
RECORDS_MARKER = "samla-oai-records"
HEADERS = "headers"  # what `keep` calls the texts of ListIdentifiers


def E(parent: etree._Element, name: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{OAI}}}{name}", attributes)
    if text is not None:
        element.text = text
    return element


def envelope() -> etree._Element:
    root = etree.Element(f"{{{OAI}}}OAI-PMH", nsmap={None: OAI, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", OAI_SCHEMA)
    return root


def oai_formats() -> dict[str, Format]:
    return {f.oai.prefix: f for f in formats() if f.oai is not None}


def record_texts(heads: list[Head], fmt: Format | None, sets: SetIndex | None = None) -> list[str]:
    """The `<record>` texts of `heads` in `fmt`, or their `<header>` texts when `fmt` is None."""
    return item_texts(_key(fmt), heads, _renderer(fmt, sets or SetIndex()))


def keep(
    actor: Actor,
    prefix: str,
    *,
    chunk_size: int = CHUNK_SIZE,
    progress: Callable[[int], None] = lambda n: None,
) -> int:
    """Write the stale texts of every harvestable record for `prefix` (or HEADERS), a chunk at a time in
    id order, so the first harvest after a bulk import is served as fast as a repeated one; returns how
    many records were looked at. Safe to stop and run again: kept texts that hold are read, not written.
    An unknown prefix is InvalidInput."""
    require(actor, "oai.keep")
    if prefix != HEADERS and prefix not in oai_formats():
        known = ", ".join([*oai_formats(), HEADERS])
        raise InvalidInput(f"No metadata format {prefix!r}. Known: {known}.", fields={"prefix": "unknown"})
    fmt = None if prefix == HEADERS else oai_formats()[prefix]
    render = _renderer(fmt, SetIndex())
    seen = 0
    for heads in _head_chunks(chunk_size):
        item_texts(_key(fmt), heads, render)
        seen += len(heads)
        progress(len(heads))
    return seen


def _head_chunks(chunk_size: int) -> Iterator[tuple[Head, ...]]:
    heads = services.harvestable().order_by("pk").values_list(*services.HEAD_FIELDS)
    return batched(heads.iterator(chunk_size=chunk_size), chunk_size)


def _key(fmt: Format | None) -> str:
    return f"oai:{fmt.oai.prefix}" if fmt else "oai-header"


def _renderer(fmt: Format | None, sets: SetIndex) -> Renderer:
    """Loads records and writes each as the text it has inside the envelope: built under an envelope
    root of its own and cut out of it, so it declares no namespace the envelope already declares."""

    def render(pks: list[int]) -> dict[int, str]:
        texts = {}
        for record in services.load_records(pks):
            root = envelope()
            if fmt is None:
                _header(root, record, sets)
            else:
                _record(root, record, fmt, sets)
            text = etree.tostring(root, encoding="unicode")
            texts[record.pk] = text[text.index(">") + 1 : text.rindex("</")]
        return texts

    return render


def _header(parent: etree._Element, record, sets: SetIndex) -> None:
    header = E(parent, "header")
    if record.state == "withdrawn":
        header.set("status", "deleted")
    E(header, "identifier", services.oai_identifier(record))
    E(header, "datestamp", services.format_datestamp(record.datestamp))
    for spec in sets.specs_of(record):
        E(header, "setSpec", spec)


def _record(parent: etree._Element, record, fmt: Format, sets: SetIndex) -> None:
    element = E(parent, "record")
    _header(element, record, sets)
    if record.state != "withdrawn":
        E(element, "metadata").append(fmt.write(record))

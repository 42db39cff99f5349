"""Reading the files `samla import` accepts: OAI-PMH responses (ListRecords, GetRecord, or hand-assembled
ones with <record> right under <OAI-PMH>) carrying MODS or oai_dc, stand-alone <mods>/<modsCollection>, and
stand-alone <oai_dc:dc> records, alone or several in a wrapper element of any name.

Files come from outside, so they are parsed without DTDs, entities or network access, and a whole file is
parsed before any of its records is handed on: a file that is not well-formed imports nothing.
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from lxml import etree

from samla.core.errors import InvalidInput

from .errors import UnreadableFile
from .fingerprints import record_spans
from .mapping import Header, MappedRecord, add_header, child, children, clean, element_text, localname
from .mods import MODS_NS, map_mods
from .oai_dc import OAI_DC_NS, map_oai_dc

OAI_NS = "http://www.openarchives.org/OAI/2.0/"


@dataclass(frozen=True)
class SourceRecord:
    """One record of a source file: where it is, its OAI-PMH header, and its metadata element."""

    path: str
    line: int | None
    header: Header
    metadata: etree._Element | None
    warnings: tuple[str, ...] = ()  # as `references.Entry`'s: XML records are refused, not mended
    fingerprint: str = ""  # of its bytes, for a harvested page's records (`fingerprints.record_spans`)

    def map(self) -> MappedRecord:
        """The record in the service's input shape; InvalidInput names the field when a value does not fit."""
        namespace = etree.QName(self.metadata).namespace if self.metadata is not None else None
        if namespace == MODS_NS:
            return map_mods(self.metadata, header=self.header)
        if namespace == OAI_DC_NS:
            return map_oai_dc(self.metadata, header=self.header)
        # Imported here (datacite reads its files with this module), past the common formats, which then
        # do not run the import statement for every record.
        from .datacite import is_datacite, map_resource

        if self.metadata is not None and is_datacite(self.metadata):
            raw = map_resource(self.metadata)  # Zenodo's metadataPrefix=datacite
            add_header(raw, self.header)
            return MappedRecord(raw)
        what = f"Metadata in {namespace} is" if self.metadata is not None else "A record without metadata is"
        raise InvalidInput(
            f"{what} neither MODS, DataCite nor oai_dc.", fields={"metadata": "unsupported format"}
        )


def parse_xml(path: Path | str, content: bytes | None = None) -> etree._ElementTree:
    """The parsed file (or `content` received from `path`, a URL); UnreadableFile names the file and line
    of the first error, or the DTD.

    Whitespace between elements (the indentation of pretty-printed files) is dropped while parsing: it
    makes parsing faster (docs/benchmarks.md, "Design measurements"), and mapping never reads it
    (libxml2 keeps whitespace beside text, so mixed content keeps its spaces)."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_blank_text=True
    )
    try:
        if content is None:
            tree = etree.parse(str(path), parser)
        else:
            tree = etree.ElementTree(etree.fromstring(content, parser))
    except etree.XMLSyntaxError as error:
        if repaired := _with_html_entities_resolved(path, content, error):
            return parse_xml(path, repaired)
        raise UnreadableFile(
            f"not well-formed XML ({error.msg}); nothing imported from this file",
            path=str(path),
            line=error.lineno,
        ) from None
    except OSError:  # libxml2 reports bytes not in the declared encoding, and I/O, as OSError
        last = parser.error_log.last_error
        reason = last.message if last is not None else "the file cannot be read"
        raise UnreadableFile(
            f"cannot be read ({reason}); nothing imported from this file",
            path=str(path),
            line=last.line if last is not None and last.line > 0 else None,
        ) from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise UnreadableFile(
            "declares a DTD; imported files may not declare DTDs or entities", path=str(path)
        )
    return tree


_NAMED_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")
_XML_ENTITIES = {b"amp", b"lt", b"gt", b"quot", b"apos"}


def _with_html_entities_resolved(
    path: Path | str, content: bytes | None, error: etree.XMLSyntaxError
) -> bytes:
    """The file's bytes with HTML's named entities (DiVA writes `&ouml;` into some titles, undeclared) as
    character references, when undeclared entities stopped the parser and some are HTML's; else nothing.
    A reference is ASCII, so the file's encoding and line numbers stay; an entity HTML does not know is
    left for the parser to name."""
    if error.code != etree.ErrorTypes.ERR_UNDECLARED_ENTITY:
        return b""
    data = content if content is not None else Path(path).read_bytes()
    replaced = 0

    def reference(match: re.Match[bytes]) -> bytes:
        nonlocal replaced
        characters = None if match[1] in _XML_ENTITIES else html.entities.html5.get(match[1].decode() + ";")
        if characters is None:
            return match[0]
        replaced += 1
        return b"".join(b"&#%d;" % ord(c) for c in characters)

    repaired = _NAMED_ENTITY.sub(reference, data)
    return repaired if replaced else b""


@dataclass(frozen=True)
class ListPage:
    """One page of an OAI-PMH list response, as a harvester reads it."""

    records: list[SourceRecord]
    resumption_token: str  # "" on the last page
    response_date: str


def read_list_page(url: str, content: bytes) -> ListPage:
    """A ListRecords page received from `url`; noRecordsMatch is an empty last page."""
    root = parse_xml(url, content).getroot()
    if localname(root) != "OAI-PMH":
        raise UnreadableFile(f"<{localname(root)}> is not an OAI-PMH response", path=url)
    error = child(root, "error")
    if error is not None and error.get("code") == "noRecordsMatch":
        return ListPage([], "", element_text(child(root, "responseDate")))
    records = list(_oai_records(url, root))
    spans = record_spans(content)
    if spans and len(spans) == len(records):
        records = [replace(r, fingerprint=span.fingerprint) for r, span in zip(records, spans, strict=True)]
    listing = child(root, "ListRecords")
    token = child(listing, "resumptionToken") if listing is not None else None
    return ListPage(records, element_text(token), element_text(child(root, "responseDate")))


def read_records(path: Path) -> list[SourceRecord]:
    """Every record in the file, in file order."""
    root = parse_xml(path).getroot()
    name = localname(root)
    if name == "OAI-PMH":
        return list(_oai_records(path, root))
    if name == "mods":
        return [_standalone(path, root)]
    if name == "modsCollection":
        return [_standalone(path, mods) for mods in children(root, "mods")]
    if records := list(root.iter(f"{{{OAI_DC_NS}}}dc")):
        return [_standalone(path, dc) for dc in records]
    raise UnreadableFile(
        f"<{name}> is not an OAI-PMH response, <mods>, <modsCollection> or <oai_dc:dc> (nor holds any)",
        path=str(path),
    )


def _oai_records(path: Path, root: etree._Element) -> Iterator[SourceRecord]:
    error = child(root, "error")
    if error is not None and error.get("code") != "noRecordsMatch":
        raise UnreadableFile(
            f"OAI-PMH error {error.get('code')}: {clean(error.text)}",
            path=str(path),
            line=error.sourceline,
        )
    for record in root.iter(f"{{{OAI_NS}}}record"):
        metadata = child(record, "metadata")
        yield SourceRecord(
            path=str(path),
            line=record.sourceline,
            header=_header(child(record, "header")),
            metadata=next((m for m in metadata if isinstance(m.tag, str)), None)
            if metadata is not None
            else None,
        )


def _header(header: etree._Element | None) -> Header:
    if header is None:
        return Header()
    return Header(
        identifier=element_text(child(header, "identifier")),
        datestamp=element_text(child(header, "datestamp")),
        deleted=header.get("status") == "deleted",
        sets=tuple(element_text(s) for s in children(header, "setSpec")),
    )


def _standalone(path: Path, metadata: etree._Element) -> SourceRecord:
    """A record without an OAI-PMH header: a <mods> or <oai_dc:dc> of its own."""
    return SourceRecord(str(path), metadata.sourceline, Header(), metadata)

"""Which reader a file needs: `samla import` takes MODS, OAI-PMH, DataCite XML, BibTeX, RIS and CSL-JSON.

The extension decides (.bib, .ris, .json); an XML file is DataCite or MODS/OAI-PMH by its root element,
and a file with another extension by its first characters. The root element is found by reading up to
it with the importer's safe parser settings, so a MODS file is still parsed once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from lxml import etree

from . import bibtex, csl_json, datacite, ris
from .errors import UnreadableFile
from .oai_pmh import read_records
from .references import sniff

READERS: dict[str, Callable[[Path], Sequence]] = {
    "bibtex": bibtex.read,
    "ris": ris.read,
    "csl-json": csl_json.read,
}
EXTENSIONS = {".bib": "bibtex", ".bibtex": "bibtex", ".ris": "ris", ".json": "csl-json", ".xml": "xml"}


def read_file(path: Path) -> Sequence:
    """The records of the file as the import service takes them (each with path, line, header, map())."""
    kind = EXTENSIONS.get(path.suffix.lower()) or _sniff(path)
    if kind in READERS:
        return READERS[kind](path)
    if kind == "xml" and _is_datacite(path):
        return datacite.read(path)
    return read_records(path)


def _sniff(path: Path) -> str:
    with path.open(encoding="utf-8", errors="replace") as file:
        return sniff(file.read(4096))


def _is_datacite(path: Path) -> bool:
    """Whether the root element is a DataCite <resource>; a file that is not well-formed is left to the
    reader that reports it."""
    try:
        for _event, element in etree.iterparse(
            str(path), events=("start",), resolve_entities=False, no_network=True, load_dtd=False
        ):
            return datacite.is_datacite(element)
    except etree.XMLSyntaxError:
        return False
    raise UnreadableFile("the file is empty", path=str(path))

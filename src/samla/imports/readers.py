"""Which reader a file needs: `samla import` takes MODS, OAI-PMH, oai_dc, DataCite XML, BibTeX, RIS,
CSL-JSON, Web of Science (plain text and tab-delimited), Scopus CSV and EndNote tagged files.

The extension decides (.bib, .ris, .json, .xml); an XML file is DataCite or MODS/OAI-PMH/oai_dc by its
root element, and a file with another extension (.txt, .csv, .enw…) by its first characters, so a
Web of Science export saved as savedrecs.txt needs no renaming. The root element is found by reading up to
it with the importer's safe parser settings, so a MODS file is still parsed once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from lxml import etree

from . import bibtex, csl_json, datacite, endnote, ris, scopus, wos
from .errors import UnreadableFile
from .oai_pmh import read_records
from .references import sniff
from .text_files import head

READERS: dict[str, Callable[[Path], Sequence]] = {
    "bibtex": bibtex.read,
    "ris": ris.read,
    "csl-json": csl_json.read,
    "wos": wos.read,
    "wos-tab": wos.read_tab,
    "scopus": scopus.read,
    "endnote": endnote.read,
}
EXTENSIONS = {".bib": "bibtex", ".bibtex": "bibtex", ".ris": "ris", ".json": "csl-json", ".xml": "xml"}


def read_file(path: Path) -> Sequence:
    """The records of the file as the import service takes them (each with path, line, header, map()).

    Whatever stops a reader (a file that vanished or cannot be opened, nesting deeper than Python
    recurses) is UnreadableFile, naming the file, so an import run goes on with the next file."""
    try:
        return _read(path)
    except OSError as error:
        raise UnreadableFile(
            f"cannot be read ({error.strerror or error}); nothing imported from this file", path=str(path)
        ) from None
    except RecursionError:
        raise UnreadableFile(
            "nested too deeply to be read; nothing imported from this file", path=str(path)
        ) from None


def _read(path: Path) -> Sequence:
    kind = file_kind(path)
    if kind in READERS:
        return READERS[kind](path)
    if kind == "xml" and _is_datacite(path):
        return datacite.read(path)
    return read_records(path)


def file_kind(path: Path) -> str:
    """The file's format: a database export told by its first characters, else the format its extension
    names, else the one its first characters show."""
    text = head(path)
    return _database_export(text) or EXTENSIONS.get(path.suffix.lower()) or sniff(text)


def _database_export(text: str) -> str:
    """Web of Science, Scopus or EndNote, told by the content whatever the file's name: Web of Science's
    plain text often travels as `.ris` (rispy's own sample does), though RIS cannot read it."""
    return wos.sniff(text) or scopus.sniff(text) or endnote.sniff(text)


def _is_datacite(path: Path) -> bool:
    """Whether the root element is a DataCite <resource>; a file that is not well-formed is left to the
    reader that reports it."""
    try:
        for _event, element in etree.iterparse(
            str(path), events=("start",), resolve_entities=False, no_network=True, load_dtd=False
        ):
            return datacite.is_datacite(element)
    except (etree.XMLSyntaxError, OSError):
        return False
    raise UnreadableFile("the file is empty", path=str(path))

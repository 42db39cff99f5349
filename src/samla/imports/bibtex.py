"""Reading BibTeX and BibLaTeX files with bibtexparser 2, the mirror of `exports.bibtex`.

Entry types map to output types (a `type` field naming an output type, as the export writes for licentiate
theses and working papers, wins); LaTeX in values is decoded with pylatexenc, except in DOIs and URLs,
which are verbatim. Names are split by bibtexparser ("von Last, Jr, First"); a name in braces is an
organisation. A block bibtexparser cannot parse, or a repeated key, fails alone with its line; the
other entries are imported.
"""

from __future__ import annotations

import calendar
import re
from pathlib import Path
from typing import Any

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
from bibtexparser.middlewares.middleware import BlockMiddleware
from bibtexparser.middlewares.parsestack import default_parse_stack
from bibtexparser.model import Block, DuplicateBlockKeyBlock, MiddlewareErrorBlock, ParsingFailedBlock, String
from bibtexparser.model import Entry as BibEntry
from pylatexenc import latex2text
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec
from pylatexenc.latexwalker import LatexWalker, get_default_latex_context_db

from samla.vocabularies.output_types import output_types

from . import references as ref
from .mapping import clean

OUTPUT_TYPES = {
    "article": "publication/journal-article",
    "book": "publication/book",
    "booklet": "publication/book",
    "collection": "publication/edited-book",
    "inbook": "publication/book-chapter",
    "incollection": "publication/book-chapter",
    "inreference": "publication/encyclopedia-entry",
    "inproceedings": "conference/paper",
    "conference": "conference/paper",
    "proceedings": "conference/proceeding",
    "phdthesis": "publication/doctoral-thesis",
    "thesis": "publication/doctoral-thesis",
    "techreport": "publication/report",
    "report": "publication/report",
    "patent": "intellectual-property/patent",
    "dataset": "other/data-set",
    "software": "other/software",
}


def _text_context():
    """pylatexenc's macros, and the plain characters `exports.bibtex` writes as commands ({ } ^)."""
    context = latex2text.get_default_latex_context_db()
    braces = [
        MacroTextSpec("textbraceleft", "{"),
        MacroTextSpec("textbraceright", "}"),
        MacroTextSpec("textasciicircum", "^"),
    ]
    context.add_context_category("samla-braces", macros=braces, prepend=True)
    return context


_LATEX = LatexNodes2Text(latex_context=_text_context(), math_mode="verbatim")
_LATEX_CONTEXT = get_default_latex_context_db()
_LATEX_MARKUP = re.compile(r"[\\{}$~%]|--")
_VERBATIM = {"doi", "url", "eprint"}
NAME_FIELDS = ("author", "editor", "translator")  # the fields bibtexparser's name middlewares split


def read(path: Path) -> list[ref.Entry]:
    """Every entry of the file, and every block that failed to parse, in file order."""
    text = ref.read_text(path)
    stack = [_Concatenations(), *default_parse_stack(), SeparateCoAuthors(), SplitNameParts()]
    library = bibtexparser.parse_string(text, parse_stack=stack)
    blocks: list[Block] = [*library.entries, *library.failed_blocks]
    blocks.sort(key=lambda block: block.start_line)
    return [_entry(str(path), block) for block in blocks]


# One piece of a value: "quoted", {braced} (braces nest three deep), or a @string name or number.
_PIECE = re.compile(
    r'\s*(?:"((?:[^"{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)"|\{((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}|([^\s#"{}]+))\s*'
)
MONTH_MACROS = {calendar.month_abbr[n].lower(): calendar.month_name[n] for n in range(1, 13)}


class _Concatenations(BlockMiddleware):
    """Joins concatenations (`"Part " # jn`, `jan # "~1"`), which bibtexparser 2 keeps as written:
    quoted and braced pieces as they are, a @string name (or a month abbreviation) as its value, and a
    name that is not defined as itself. Runs first, on the values as written, @strings in file order."""

    def __init__(self) -> None:
        super().__init__(allow_inplace_modification=True)
        self.strings = dict(MONTH_MACROS)

    def transform_string(self, string: String, library: Library) -> String:
        text = self.text(string.value)
        if text is not None:
            self.strings[string.key.lower()] = text
            if "#" in string.value:
                string.value = "{" + text + "}"
        return string

    def transform_entry(self, entry: BibEntry, library: Library) -> BibEntry:
        for field in entry.fields:
            if isinstance(field.value, str) and "#" in field.value:
                text = self.text(field.value)
                field.value = field.value if text is None else "{" + text + "}"
        return entry

    def text(self, value: str) -> str | None:
        """The value's pieces joined, or None when it is not a sequence of pieces joined by #."""
        pieces, position = [], 0
        while position < len(value):
            piece = _PIECE.match(value, position)
            if not piece or piece.end() == position:
                return None
            quoted, braced, name = piece.groups()
            text = quoted if quoted is not None else braced
            pieces.append(text if text is not None else self.strings.get(name.lower(), name))
            position = piece.end()
            if position < len(value) and value[position] != "#":
                return None
            position += 1
        return "".join(pieces)


def _entry(path: str, block: Block) -> ref.Entry:
    line = block.start_line + 1  # bibtexparser counts from 0
    if isinstance(block, DuplicateBlockKeyBlock) and isinstance(block.ignore_error_block, BibEntry):
        # A key is only the file's label for an entry: a repeated one does not make the entry less whole
        # (the record service tells a repeated work by its identifiers, or title, year and first author).
        block = _with_names_split(block.ignore_error_block)
        if isinstance(block, ParsingFailedBlock):
            return _entry(path, block)
    if isinstance(block, MiddlewareErrorBlock) and isinstance(block.ignore_error_block, BibEntry):
        retried = _with_names_split(_names_trimmed(block.ignore_error_block))
        block = retried if isinstance(retried, BibEntry) else block
    if isinstance(block, ParsingFailedBlock):
        first = clean(block.raw.splitlines()[0] if block.raw else "")[:60]
        return ref.failed(path, line, _key(block.raw), f"not valid BibTeX ({first!r}); {block.error}".strip())
    assert isinstance(block, BibEntry)
    return ref.entry(path, line, block.key, map_entry(block), "bibtex")


def _with_names_split(entry: BibEntry) -> Block:
    """An entry bibtexparser left out of its middleware (its key repeats an earlier one's, or a name
    failed), through what it missed: the whole stack, or the name splitting once its names are lists."""
    library = bibtexparser.Library()
    separated = any(isinstance(f.value, list) for f in entry.fields if f.key in NAME_FIELDS)
    stack = (
        [SplitNameParts()] if separated else [*default_parse_stack(), SeparateCoAuthors(), SplitNameParts()]
    )
    for middleware in (m for m in stack if isinstance(m, BlockMiddleware)):  # not those of the library
        entry = middleware.transform_entry(entry, library)
        if not isinstance(entry, BibEntry):
            break
    return entry


def _names_trimmed(entry: BibEntry) -> BibEntry:
    """The entry with a comma ending one of its names dropped ("May, Keith,"): a slip bibtexparser refuses
    the name for, and with it the whole entry."""
    for field in entry.fields:
        if field.key in NAME_FIELDS and isinstance(field.value, list):
            field.value = [name.strip().rstrip(",").strip() for name in field.value]
        elif field.key in NAME_FIELDS and isinstance(field.value, str):
            field.value = field.value.strip().rstrip(",").strip()
    return entry


def _key(raw: str) -> str:
    """The key of an entry that failed to parse, if it got that far."""
    head = raw.partition("{")[2].partition(",")[0]
    return clean(head) if head and "=" not in head else ""


def map_entry(bib: BibEntry) -> dict[str, Any]:
    """The entry as a raw record input."""
    fields = {key.lower(): _value(key.lower(), field.value) for key, field in bib.fields_dict.items()}
    text = {k: v for k, v in fields.items() if isinstance(v, str)}
    raw = ref.new_record(_output_type(bib.entry_type.lower(), text.get("type", ""), fields))
    raw["title"], raw["subtitle"] = text.get("title", ""), text.get("subtitle", "")
    raw["language"] = ref.language_code(text.get("language", "") or text.get("langid", ""))
    raw["contributors"] = _people(fields.get("author"), "aut") + _people(fields.get("editor"), "edt")
    raw["issued"] = _issued(text)
    _host(raw, bib.entry_type.lower(), text)
    raw["volume"], raw["edition"] = text.get("volume", ""), text.get("edition", "")
    raw["article_number"] = text.get("eid", "")
    ref.add_pages(raw, text.get("pages", ""))
    raw["publisher"] = text.get("publisher") or text.get("school") or text.get("institution", "")
    raw["place"] = text.get("address") or text.get("location", "")
    raw["conference"] = text.get("eventtitle", "")
    _identifiers(raw, text)
    ref.add_abstract(raw, text.get("abstract", ""))
    ref.add_keywords(raw, ref.split_terms(text.get("keywords", "")))
    if note := text.get("note"):
        raw["notes"] = [note]
    return raw


def _value(key: str, value: Any) -> Any:
    """A field's value with LaTeX decoded (names stay NameParts, decoded when mapped)."""
    if not isinstance(value, str):
        return value
    return clean(value.strip("{}")) if key in _VERBATIM else clean(_latex(value))


def _latex(text: str) -> str:
    """Text with LaTeX decoded. Most values hold no LaTeX and are returned as they are; the others are
    walked with one shared macro database (pylatexenc rebuilds it per call otherwise, the larger cost)."""
    if not _LATEX_MARKUP.search(text):
        return text
    nodes = LatexWalker(text, latex_context=_LATEX_CONTEXT, tolerant_parsing=True).get_latex_nodes()[0]
    return _LATEX.nodelist_to_text(nodes)


def _output_type(entry_type: str, type_field: str, fields: dict[str, Any]) -> str:
    by_label = {t.label_en.lower(): code for code, t in output_types().items()}
    if type_field.lower() in by_label:
        return by_label[type_field.lower()]
    if entry_type == "mastersthesis":
        return "publication/other"
    if entry_type == "book" and fields.get("editor") and not fields.get("author"):
        return "publication/edited-book"
    return OUTPUT_TYPES.get(entry_type, "publication/other")


def _people(names: Any, role: str) -> list[dict[str, Any]]:
    """Contributors from bibtexparser's NameParts; "{Swedish Research Council}" is an organisation."""
    if not names:
        return []
    if isinstance(names, str):
        names = [names]
    found = []
    for name in names:
        if isinstance(name, str):
            found.append(ref.split_name(_latex(name), role=role))
            continue
        last = " ".join(name.von + name.last)
        if not name.first and last.startswith("{") and last.endswith("}"):
            found.append(ref.organisation(_latex(last), role=role))
        else:
            given = " ".join(name.first + name.jr)
            found.append(ref.person(_latex(last), _latex(given), role=role))
    return found


def _issued(text: dict[str, str]) -> str:
    """From `date` (BibLaTeX, "2020-02-13") or `year` with `month`."""
    if date := text.get("date"):
        year, _, rest = date.partition("-")
        month, _, day = rest.partition("-")
        return ref.issued(year, month, day[:2])
    return ref.issued(text.get("year"), text.get("month"), text.get("day"))


def _host(raw: dict[str, Any], entry_type: str, text: dict[str, str]) -> None:
    """The journal, or the book or proceedings (`booktitle`), and the series with its number."""
    issns = ref.split_terms(text.get("issn", ""))
    container = text.get("journal") or text.get("journaltitle", "")
    if container:
        raw["journal"] = ref.journal(container, issns)
        raw["issue"] = text.get("number") or text.get("issue", "")
    else:
        raw["host_title"] = text.get("booktitle", "")
        if series := text.get("series"):
            raw["journal"] = ref.journal(series, issns, kind="series")
            raw["series_number"] = text.get("number", "")
        else:
            raw["issue"] = text.get("number") or text.get("issue", "")


def _identifiers(raw: dict[str, Any], text: dict[str, str]) -> None:
    ref.add_identifier(raw, "doi", text.get("doi", ""))
    for isbn in ref.split_terms(text.get("isbn", "")):
        ref.add_identifier(raw, "isbn", isbn)
    ref.add_identifier(raw, "pmid", text.get("pmid", ""))
    if text.get("eprinttype", text.get("archiveprefix", "")).lower() == "arxiv":
        ref.add_identifier(raw, "arxiv", text.get("eprint", ""))
    for url in text.get("url", "").replace(",", " ").split():
        ref.add_link(raw, url)

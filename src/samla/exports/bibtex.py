"""BibTeX, built with bibtexparser's model and laid out as its writer lays entries out.

Entry types are classic BibTeX (article, book, incollection, inproceedings, phdthesis, techreport, misc),
so BibTeX, biber, JabRef and Zotero all read them. Text is escaped for LaTeX: the special characters
`& % $ # _ { } ~ ^ \\` become commands and every non-ASCII character its LaTeX form in braces
(`Kjellstr{\\"o}m`, via pylatexenc), so the file is plain ASCII; a title word with capitals after its first
letter is braced so styles keep its case (`{DNA}`). DOIs and URLs are left verbatim. The key is the first
creator's family name and the record id, as DiVA makes it: `Kjellstrom1897829`.
"""

from __future__ import annotations

import re

import bibtexparser
from bibtexparser.model import Entry, Field
from pylatexenc.latexencode import UnicodeToLatexEncoder

from samla.records.models import Contribution, Record
from samla.vocabularies.languages import english_language_name

from . import bibliographic as bib

ENTRY_TYPES = {
    **dict.fromkeys(bib.JOURNAL_TYPES, "article"),
    "publication/book": "book",
    "publication/edited-book": "book",
    "publication/critical-edition": "book",
    "conference/proceeding": "proceedings",
    "publication/book-chapter": "incollection",
    "publication/report-chapter": "incollection",
    "publication/foreword-afterword": "incollection",
    "publication/encyclopedia-entry": "incollection",
    "conference/paper": "inproceedings",
    "conference/poster": "inproceedings",
    "conference/other": "inproceedings",
    **dict.fromkeys(bib.THESIS_TYPES, "phdthesis"),
    "publication/report": "techreport",
    "publication/working-paper": "techreport",
}
# Written bare, not in braces: the month is a macro ("mar"), which styles print in their language.
BARE_FIELDS = frozenset({"month"})
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
ASCII_SPECIALS = {
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    # An escaped brace would still count for BibTeX's brace matching; these keep every value balanced.
    "{": r"{\textbraceleft}",
    "}": r"{\textbraceright}",
    "~": r"{\textasciitilde}",
    "^": r"{\textasciicircum}",
    "\\": r"{\textbackslash}",
}
_FORMAT = bibtexparser.BibtexFormat()
_FORMAT.indent = "  "
_FORMAT.block_separator = "\n"


class _LatexTable(dict):
    """Each character's LaTeX form, filled on first sight of the character."""

    _encoder = UnicodeToLatexEncoder(
        non_ascii_only=True,
        replacement_latex_protection="braces-all",
        unknown_char_policy="keep",
        unknown_char_warning=False,
    )

    def __missing__(self, code: int) -> str:
        char = chr(code)
        value = ASCII_SPECIALS.get(char) or (self._encoder.unicode_to_latex(char) if code > 127 else char)
        self[code] = value
        return value


_LATEX = _LatexTable()
_CASED_WORD = re.compile(r"\S*\w[A-Z]\S*")


# One character class, not an alternation: the scan of a long abstract stays a tight loop.
_NEEDS_ESCAPING = re.compile(r"[&%$#_{}~^\\\x80-\U0010ffff]")
_INNER_CAPITAL = re.compile(r"\w[A-Z]")


def latex(text: str) -> str:
    """Text as a BibTeX value: LaTeX specials and non-ASCII characters as LaTeX commands. Only those
    characters are looked up, so a long abstract with a few of them costs little more than none."""
    return _NEEDS_ESCAPING.sub(_escape, text) if text else text


def _escape(match: re.Match) -> str:
    return _LATEX[ord(match.group())]


def protected_title(text: str) -> str:
    """A title with acronyms and CamelCase words braced, so BibTeX styles keep their case."""
    if not _INNER_CAPITAL.search(text):  # most titles: nothing to brace
        return latex(text)
    out, last = [], 0
    for match in _CASED_WORD.finditer(text):
        out.append(latex(text[last : match.start()]))
        out.append("{" + latex(match.group()) + "}")
        last = match.end()
    out.append(latex(text[last:]))
    return "".join(out)


def verbatim(text: str) -> str:
    """DOIs and URLs as they are; braces (never seen in practice) percent-encoded to keep values balanced."""
    return text.replace("{", "%7B").replace("}", "%7D")


def write(record: Record) -> str:
    """One record as a BibTeX entry, laid out as bibtexparser's writer lays it out with `_FORMAT` and
    its AddEnclosingMiddleware (values in braces, the month bare), without building its model and running
    its writer, which cost more than the entry's values; `test_bibtex` holds the two to the same output."""
    entry_type, fields = entry_fields(record)
    lines = ",\n".join(
        f"{_FORMAT.indent}{key} = {value}" if key in BARE_FIELDS else f"{_FORMAT.indent}{key} = {{{value}}}"
        for key, value in fields
    )
    head = f"@{entry_type}{{{citation_key(record)},\n"
    return head + (lines + "\n" if fields else "") + "}\n"


def entry(record: Record) -> Entry:
    """The entry as bibtexparser's model, for code that works with a library of entries."""
    entry_type, fields = entry_fields(record)
    built = [
        Field(key, value, enclosing="no-enclosing") if key in BARE_FIELDS else Field(key, value)
        for key, value in fields
    ]
    return Entry(entry_type, citation_key(record), built)


def entry_fields(record: Record) -> tuple[str, list[tuple[str, str]]]:
    """The entry type and the non-empty fields in order, each as (name, value as written)."""
    entry_type = ENTRY_TYPES.get(record.output_type, "misc")
    series = bib.series_title(record)
    publisher = bib.publisher(record)
    parts = bib.issued_parts(record)
    values = [
        ("author", names(bib.contributors(record, bib.AUTHOR))),
        ("editor", names(bib.contributors(record, bib.EDITOR))),
        ("title", protected_title(record.full_title)),
        *_container_fields(record, entry_type),
        ("eventtitle", latex(record.conference)),
        ("series", latex(series)),
        ("type", latex(bib.output_type(record).label_en) if _names_its_type(record, entry_type) else ""),
        ("school", latex(publisher) if entry_type == "phdthesis" else ""),
        ("institution", latex(publisher) if entry_type == "techreport" else ""),
        ("year", str(parts[0]) if parts else ""),
        ("month", MONTHS[parts[1] - 1] if len(parts) > 1 and 1 <= parts[1] <= 12 else ""),
        ("volume", latex(record.volume)),
        ("number", latex(record.issue or (record.series_number if series else ""))),
        ("eid", latex(record.article_number)),
        ("pages", latex(bib.pages(record, "--"))),
        ("edition", latex(record.edition)),
        ("publisher", latex(publisher) if entry_type not in ("phdthesis", "techreport") else ""),
        ("address", latex(record.place)),
        ("issn", ", ".join(bib.issns(record))),
        ("isbn", ", ".join(bib.identifier_values(record, "isbn"))),
        ("doi", verbatim(bib.first_identifier(record, "doi"))),
        ("url", verbatim(bib.permanent_link(record))),
        ("abstract", latex((bib.main_abstract(record) or {}).get("text", ""))),
        ("keywords", latex(", ".join(bib.keyword_terms(record)))),
        ("language", english_language_name(record.language).lower() if record.language else ""),
    ]
    return entry_type, [(key, value) for key, value in values if value]


def _container_fields(record: Record, entry_type: str) -> list[tuple[str, str]]:
    if entry_type == "article":
        return [("journal", latex(bib.container_title(record)))]
    if entry_type in ("incollection", "inproceedings"):
        return [("booktitle", latex(bib.container_title(record)))]
    return []


def _names_its_type(record: Record, entry_type: str) -> bool:
    """Theses and reports other than a doctoral thesis or a plain report say which kind they are."""
    return entry_type in ("phdthesis", "techreport") and record.output_type not in (
        "publication/doctoral-thesis",
        "publication/report",
    )


def names(contributions) -> str:
    """ "Kjellstr{\\"o}m, Sofia and Sarre, Sophie"; an organisation braced so it is not split."""
    return " and ".join(_name(c) for c in contributions)


def _name(contribution: Contribution) -> str:
    if contribution.is_organisation:
        return "{" + latex(contribution.family_name) + "}"
    family = latex(contribution.family_name)
    return f"{family}, {latex(contribution.given_name)}" if contribution.given_name else family


def citation_key(record: Record) -> str:
    """DiVA's key for diva2 records ("Kjellstrom1897829"); "Family_prefix_item" for other ids."""
    creators = bib.creators(record)
    family = re.sub(r"[^A-Za-z0-9]", "", bib.ascii_fold(creators[0].family_name)) if creators else ""
    prefix, _, item = record.local_id.partition(":")
    if prefix == "diva2":
        return f"{family or 'diva'}{item}"
    return f"{family or 'record'}_{prefix}_{item}"

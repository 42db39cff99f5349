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


_NEEDS_ESCAPING = re.compile(r"[^\x00-\x7f]|[&%$#_{}~^\\]")


def latex(text: str) -> str:
    """Text as a BibTeX value: LaTeX specials and non-ASCII characters as LaTeX commands. Only those
    characters are looked up, so a long abstract with a few of them costs little more than none."""
    return _NEEDS_ESCAPING.sub(_escape, text)


def _escape(match: re.Match) -> str:
    return _LATEX[ord(match.group())]


def protected_title(text: str) -> str:
    """A title with acronyms and CamelCase words braced, so BibTeX styles keep their case."""
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
    its AddEnclosingMiddleware (values in braces, the month bare), without a library and middleware for
    each entry, which cost more than building the entry; `test_bibtex` holds the two to the same output."""
    built = entry(record)
    fields = [
        f"{_FORMAT.indent}{f.key} = {f.value if f.enclosing == 'no-enclosing' else '{' + f.value + '}'}"
        for f in built.fields
    ]
    return (
        f"@{built.entry_type}{{{built.key},\n"
        + "".join(line + ",\n" for line in fields[:-1])
        + (fields[-1] + "\n}\n" if fields else "}\n")
    )


def entry(record: Record) -> Entry:
    entry_type = ENTRY_TYPES.get(record.output_type, "misc")
    fields: list[Field] = []

    def add(key: str, value: str, *, enclosing: str | None = None) -> None:
        if value:
            fields.append(Field(key, value, enclosing=enclosing) if enclosing else Field(key, value))

    add("author", names(bib.contributors(record, bib.AUTHOR)))
    add("editor", names(bib.contributors(record, bib.EDITOR)))
    add("title", protected_title(record.full_title))
    container, series = bib.container_title(record), bib.series_title(record)
    if entry_type == "article":
        add("journal", latex(container))
    elif entry_type in ("incollection", "inproceedings"):
        add("booktitle", latex(container))
    add("eventtitle", latex(record.conference))
    add("series", latex(series))
    if entry_type in ("phdthesis", "techreport") and record.output_type not in (
        "publication/doctoral-thesis",
        "publication/report",
    ):
        add("type", latex(bib.output_type(record).label_en))
    if entry_type == "phdthesis":
        add("school", latex(bib.publisher(record)))
    elif entry_type == "techreport":
        add("institution", latex(bib.publisher(record)))
    parts = bib.issued_parts(record)
    add("year", str(parts[0]) if parts else "")
    add(
        "month",
        MONTHS[parts[1] - 1] if len(parts) > 1 and 1 <= parts[1] <= 12 else "",
        enclosing="no-enclosing",
    )
    add("volume", latex(record.volume))
    add("number", latex(record.issue or (record.series_number if series else "")))
    add("eid", latex(record.article_number))
    add("pages", latex(bib.pages(record, "--")))
    add("edition", latex(record.edition))
    if entry_type not in ("phdthesis", "techreport"):
        add("publisher", latex(bib.publisher(record)))
    add("address", latex(record.place))
    add("issn", ", ".join(bib.issns(record)))
    add("isbn", ", ".join(bib.identifier_values(record, "isbn")))
    add("doi", verbatim(bib.first_identifier(record, "doi")))
    add("url", verbatim(bib.permanent_link(record)))
    add("abstract", latex((bib.main_abstract(record) or {}).get("text", "")))
    add("keywords", latex(", ".join(bib.keyword_terms(record))))
    add("language", bib.language_name(record.language).lower() if record.language else "")
    return Entry(entry_type, citation_key(record), fields)


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

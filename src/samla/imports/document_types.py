"""The output type of a record from its source's own document type: Web of Science `DT`, Scopus
`Document Type` (CSV) or `M3` (RIS), EndNote `%0`. One table, so the sources agree on what an article,
a review or a conference paper is.

Web of Science gives several types at once ("Article; Proceedings Paper", "Review; Early Access"): the
first one known here decides, so an article also listed as a proceedings paper is the journal article it
was published as. An unknown type is "publication/other" (the record is still imported).
"""

from __future__ import annotations

OTHER = "publication/other"

DOCUMENT_TYPES: dict[str, dict[str, str]] = {
    "wos": {
        "article": "publication/journal-article",
        "data paper": "publication/journal-article",
        "review": "publication/review-article",
        "proceedings paper": "conference/paper",
        "meeting abstract": "conference/other",
        "editorial material": "publication/editorial-letter",
        "letter": "publication/editorial-letter",
        "note": "publication/editorial-letter",
        "book review": "publication/book-review",
        "book chapter": "publication/book-chapter",
        "book": "publication/book",
        "news item": "publication/magazine-article",
        "correction": OTHER,
    },
    "scopus": {
        "article": "publication/journal-article",
        "article in press": "publication/journal-article",
        "data paper": "publication/journal-article",
        "review": "publication/review-article",
        "short survey": "publication/review-article",
        "conference paper": "conference/paper",
        "conference review": "conference/other",
        "book chapter": "publication/book-chapter",
        "book": "publication/book",
        "editorial": "publication/editorial-letter",
        "letter": "publication/editorial-letter",
        "note": "publication/editorial-letter",
        "erratum": OTHER,
        "retracted": OTHER,
    },
    "endnote": {
        "journal article": "publication/journal-article",
        "electronic article": "publication/journal-article",
        "magazine article": "publication/magazine-article",
        "newspaper article": "publication/newspaper-article",
        "book": "publication/book",
        "electronic book": "publication/book",
        "edited book": "publication/edited-book",
        "book section": "publication/book-chapter",
        "electronic book section": "publication/book-chapter",
        "conference paper": "conference/paper",
        "conference proceedings": "conference/paper",
        "thesis": "publication/doctoral-thesis",
        "report": "publication/report",
        "manuscript": "publication/preprint",
        "encyclopedia": "publication/encyclopedia-entry",
        "patent": "intellectual-property/patent",
        "dataset": "other/data-set",
        "computer program": "other/software",
    },
}


def output_type(source: str, value: str) -> str:
    """The output type `source` ("wos", "scopus", "endnote") means by its document type `value`; a
    value of several types separated by ";" is read as the first one known."""
    return known_output_type(source, value) or OTHER


def known_output_type(source: str, value: str) -> str:
    """As `output_type`, but "" when no part of `value` is in the table (a caller may know better)."""
    table = DOCUMENT_TYPES[source]
    parts = (" ".join(part.split()).lower() for part in value.split(";"))
    return next((table[part] for part in parts if part in table), "")

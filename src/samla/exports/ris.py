"""RIS, the tagged format of reference managers (EndNote, Zotero, Mendeley), laid out as rispy writes it.

Each tag is one line, so paragraph breaks in abstracts become spaces. The journal or book is T2, a series
T3, the article number C7 (EndNote's "Article Number"), the permanent link UR, the output type M3.
rispy numbers references with "1." lines by default; they are left out, as other RIS writers do.
"""

from __future__ import annotations

from samla.records.models import Contribution, Record
from samla.vocabularies.languages import english_language_name

from . import bibliographic as bib

REFERENCE_TYPES = {
    "publication/journal-article": "JOUR",
    "publication/review-article": "JOUR",
    "publication/editorial-letter": "JOUR",
    "publication/book-review": "JOUR",
    "publication/magazine-article": "MGZN",
    "publication/newspaper-article": "NEWS",
    "publication/encyclopedia-entry": "ENCYC",
    "publication/book": "BOOK",
    "publication/critical-edition": "BOOK",
    "publication/edited-book": "EDBOOK",
    "publication/journal-issue": "JFULL",
    "publication/book-chapter": "CHAP",
    "publication/report-chapter": "CHAP",
    "publication/foreword-afterword": "CHAP",
    "conference/paper": "CPAPER",
    "conference/poster": "CPAPER",
    "conference/other": "CPAPER",
    "conference/proceeding": "CONF",
    **dict.fromkeys(bib.THESIS_TYPES, "THES"),
    "publication/report": "RPRT",
    "publication/working-paper": "RPRT",
    "publication/preprint": "UNPB",
    "other/data-set": "DATA",
    "other/software": "COMP",
    "intellectual-property/patent": "PAT",
    "artistic-work/original-creative-work": "ART",
}
# The tags written, in this order, and the keys rispy reads them back as.
TAGS = {
    "TY": "type_of_reference",
    "ID": "id",
    "AU": "authors",
    "A2": "secondary_authors",
    "A4": "subsidiary_authors",
    "TI": "title",
    "T2": "secondary_title",
    "T3": "tertiary_title",
    "PY": "year",
    "DA": "date",
    "VL": "volume",
    "IS": "number",
    "C7": "custom7",
    "SP": "start_page",
    "EP": "end_page",
    "ET": "edition",
    "PB": "publisher",
    "CY": "place_published",
    "SN": "issn",
    "DO": "doi",
    "UR": "urls",
    "AB": "abstract",
    "KW": "keywords",
    "LA": "language",
    "M3": "type_of_work",
    "ER": "end_of_reference",
}
LIST_TAGS = ["AU", "A2", "A4", "UR", "KW"]


TAG_OF = {key: tag for tag, key in TAGS.items()}


def write(record: Record) -> str:
    """One record as an RIS reference, ending with "ER  - " and a newline. Laid out here rather than by
    rispy's writer, which cost as much as building the reference; `test_ris` holds the two to the same
    output, with `TAGS` as rispy's mapping."""
    lines = []
    for key, value in reference(record).items():
        tag = TAG_OF[key]
        if tag in LIST_TAGS:
            lines += [f"{tag}  - {item}" for item in value]
        else:
            lines.append(f"{tag}  - {value}")
    lines.append("ER  - \n")
    return "\n".join(lines)


def reference(record: Record) -> dict:
    """The record as rispy's dict, keys in TAGS order; empty values left out."""
    parts = bib.issued_parts(record)
    isbn = bib.first_identifier(record, "isbn")
    values = {
        "type_of_reference": REFERENCE_TYPES.get(record.output_type, "GEN"),
        "id": record.local_id,
        "authors": [_name(c) for c in bib.contributors(record, bib.AUTHOR)],
        "secondary_authors": [_name(c) for c in bib.contributors(record, bib.EDITOR)],
        "subsidiary_authors": [_name(c) for c in bib.contributors(record, "trl")],
        "title": record.full_title,
        "secondary_title": bib.container_title(record) or record.conference,
        "tertiary_title": bib.series_title(record),
        "year": str(parts[0]) if parts else "",
        "date": "/".join(f"{p:02d}" for p in parts) if len(parts) > 1 else "",
        "volume": record.volume,
        "number": record.issue or record.series_number,
        "custom7": record.article_number,
        "start_page": record.pages_start,
        "end_page": record.pages_end,
        "edition": record.edition,
        "publisher": bib.publisher(record),
        "place_published": record.place,
        "issn": isbn
        if record.output_type not in bib.JOURNAL_TYPES and isbn
        else next(iter(bib.issns(record)), ""),
        "doi": bib.first_identifier(record, "doi"),
        "urls": [bib.permanent_link(record)],
        "abstract": _one_line((bib.main_abstract(record) or {}).get("text", "")),
        "keywords": [_one_line(term) for term in bib.keyword_terms(record)],
        "language": english_language_name(record.language) if record.language else "",
        "type_of_work": bib.output_type(record).label_en,
    }
    return {key: value for key, value in values.items() if value}


def _name(contribution: Contribution) -> str:
    if contribution.given_name and not contribution.is_organisation:
        return f"{contribution.family_name}, {contribution.given_name}"
    return contribution.family_name


def _one_line(text: str) -> str:
    return " ".join(text.split())

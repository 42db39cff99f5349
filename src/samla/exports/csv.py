"""CSV: one row a record, for spreadsheets and scripts (RFC 4180, UTF-8 with a byte order mark).

Lists within a cell (authors, identifiers of one scheme, keywords, subject codes) are joined with "; ".
People are "Family, Given". A cell that a spreadsheet would run as a formula (starting with = + - @ or a
tab) gets a leading apostrophe, as OWASP advises against CSV injection.
"""

from __future__ import annotations

from collections.abc import Callable

from samla.records.models import Record

from . import bibliographic as bib

SEPARATOR = "; "
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _people(role: str) -> Callable[[Record], str]:
    return lambda record: SEPARATOR.join(c.inverted_name for c in bib.contributors(record, role))


def _identifiers(scheme: str) -> Callable[[Record], str]:
    return lambda record: SEPARATOR.join(bib.identifier_values(record, scheme))


COLUMNS: dict[str, Callable[[Record], str]] = {
    "id": lambda r: r.local_id,
    "url": bib.permanent_link,
    "title": lambda r: r.title,
    "subtitle": lambda r: r.subtitle,
    "authors": _people(bib.AUTHOR),
    "editors": _people(bib.EDITOR),
    "output_type": lambda r: r.output_type,
    "output_type_label": lambda r: bib.output_type(r).label_en,
    "content_type": lambda r: r.content_type,
    "publication_status": lambda r: r.publication_status,
    "language": lambda r: r.language,
    "year": bib.year,
    "issued": lambda r: r.issued,
    "journal": lambda r: r.journal.title if r.journal is not None else "",
    "issn": lambda r: SEPARATOR.join(bib.issns(r)),
    "host_title": lambda r: r.host_title,
    "volume": lambda r: r.volume,
    "issue": lambda r: r.issue,
    "article_number": lambda r: r.article_number,
    "pages": bib.pages,
    "page_count": lambda r: str(r.page_count or ""),
    "publisher": bib.publisher,
    "place": lambda r: r.place,
    "edition": lambda r: r.edition,
    "series_number": lambda r: r.series_number,
    "conference": lambda r: r.conference,
    "doi": _identifiers("doi"),
    "urn": _identifiers("urn"),
    "isbn": _identifiers("isbn"),
    "pmid": _identifiers("pmid"),
    "isi": _identifiers("isi"),
    "scopus": _identifiers("scopus"),
    "handle": _identifiers("handle"),
    "keywords": lambda r: SEPARATOR.join(bib.keyword_terms(r)),
    "subjects": lambda r: SEPARATOR.join(bib.subject_codes(r)),
    "abstract": lambda r: (bib.main_abstract(r) or {}).get("text", ""),
    "licence": lambda r: r.licence,
    "funders": lambda r: SEPARATOR.join(
        f"{f['name']} ({f['grant']})" if f.get("grant") else f["name"] for f in r.funders
    ),
    "created": lambda r: r.created.isoformat(),
    "last_updated": lambda r: r.last_updated.isoformat(),
}


def write(record: Record) -> list[str]:
    """One record as a row of cells, in COLUMNS order."""
    return [safe_cell(column(record)) for column in COLUMNS.values()]


def safe_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value

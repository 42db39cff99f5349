"""CSL-JSON: the citation data of the Citation Style Language, as citeproc processors and Zotero read it.

The item type is the output type's CSL type (`vocabularies/data/output-types.json`). Authors and editors
are family/given names, organisations a literal. The URL is the permanent link; an article number goes
in `number`, pages in `page`. A file is always an array of items, valid against `csl-data.json`.
"""

from __future__ import annotations

from typing import Any

from samla.records.models import Contribution, Record
from samla.vocabularies.languages import language_alpha2

from . import bibliographic as bib

# MARC relator → CSL name variable; other roles (supervisor, opponent…) are not cited.
NAME_VARIABLES = {"aut": "author", "edt": "editor", "trl": "translator", "ctb": "contributor"}
# Publication status → CSL `status`, which styles print for unpublished work ("in press").
STATUS = {
    "epub-ahead-of-print": "advance online publication",
    "in-press": "in press",
    "accepted": "accepted",
    "submitted": "submitted",
    "unpublished": "unpublished",
}


def write(record: Record) -> dict[str, Any]:
    """One record as a CSL-JSON item."""
    output_type = bib.output_type(record)
    item: dict[str, Any] = {"id": record.local_id, "type": output_type.csl_type, "title": record.full_title}
    for contribution in bib.contributors(record):
        variable = NAME_VARIABLES.get(contribution.role)
        if variable:
            item.setdefault(variable, []).append(name(contribution))
    if record.output_type in bib.EDITED_TYPES and "author" not in item and "editor" in item:
        item["author"] = item.pop("editor")  # editors are the creators of a collection
    item.update(_host(record))
    if parts := bib.issued_parts(record):
        item["issued"] = {"date-parts": [parts]}
    optional = {
        "publisher": bib.publisher(record),
        "publisher-place": record.place,
        "edition": record.edition,
        "number-of-pages": str(record.page_count) if record.page_count else "",
        "event-title": record.conference,
        "genre": output_type.label_en if record.output_type in bib.THESIS_TYPES else "",
        "status": STATUS.get(record.publication_status, ""),
        "DOI": bib.first_identifier(record, "doi"),
        "ISBN": bib.first_identifier(record, "isbn"),
        "PMID": bib.first_identifier(record, "pmid"),
        "URL": bib.permanent_link(record),
        "language": language_alpha2(record.language),
        "abstract": (bib.main_abstract(record) or {}).get("text", ""),
        "keyword": ", ".join(bib.keyword_terms(record)),
    }
    item.update({key: value for key, value in optional.items() if value})
    return item


def name(contribution: Contribution) -> dict[str, str]:
    if contribution.is_organisation:
        return {"literal": contribution.family_name}
    if contribution.given_name:
        return {"family": contribution.family_name, "given": contribution.given_name}
    return {"family": contribution.family_name}


def _host(record: Record) -> dict[str, str]:
    host = {
        "container-title": bib.container_title(record),
        "collection-title": bib.series_title(record),
        "collection-number": record.series_number,
        "ISSN": next(iter(bib.issns(record)), ""),
        "volume": record.volume,
        "issue": record.issue,
        "page": bib.pages(record),
        "number": record.article_number,
    }
    return {key: value for key, value in host.items() if value}

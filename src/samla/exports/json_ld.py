"""schema.org JSON-LD, as search engines (Google Scholar, Dataset Search) and FAIR tools read it.

The type follows the output type (ScholarlyArticle, Book, Chapter, Thesis, Report, Dataset,
SoftwareSourceCode…). `@id` is the permanent link, `url` the record's page, `sameAs` the DOI, PubMed and
other resolvable links. Authors and editors are Person (with ORCID as `@id`) or Organization, with their
affiliations. A journal article is part of its issue, volume and Periodical (with ISSNs); a chapter or
paper part of its book. SSIF categories are DefinedTerms in `about`, funders Grants in `funding`. Links
to the full text elsewhere are the MediaObjects in `encoding`; `isAccessibleForFree` says whether it is
free to read.
A list is one `@graph` under a single `@context`.
"""

from __future__ import annotations

from typing import Any

from samla.records.models import Contribution, Record
from samla.vocabularies.identifiers import resolver_url
from samla.vocabularies.languages import language_alpha2

from . import bibliographic as bib

CONTEXT = "https://schema.org"
TYPES = {
    "publication/journal-article": "ScholarlyArticle",
    "publication/review-article": "ScholarlyArticle",
    "publication/editorial-letter": "ScholarlyArticle",
    "publication/book-review": "ScholarlyArticle",
    "publication/preprint": "ScholarlyArticle",
    "conference/paper": "ScholarlyArticle",
    "publication/magazine-article": "Article",
    "publication/encyclopedia-entry": "Article",
    "publication/newspaper-article": "NewsArticle",
    "publication/book": "Book",
    "publication/edited-book": "Book",
    "publication/critical-edition": "Book",
    "conference/proceeding": "Book",
    "publication/journal-issue": "PublicationIssue",
    "publication/book-chapter": "Chapter",
    "publication/report-chapter": "Chapter",
    "publication/foreword-afterword": "Chapter",
    **dict.fromkeys(bib.THESIS_TYPES, "Thesis"),
    "publication/report": "Report",
    "publication/working-paper": "Report",
    "other/data-set": "Dataset",
    "other/software": "SoftwareSourceCode",
    "artistic-work/original-creative-work": "VisualArtwork",
}
RELATIONS = {"has-correction": "correction", "is-part-of": "isPartOf", "has-part": "hasPart"}


def write(record: Record) -> dict[str, Any]:
    """One record as a schema.org object (without @context: the document adds it)."""
    item: dict[str, Any] = {
        "@type": TYPES.get(record.output_type, "CreativeWork"),
        "@id": bib.permanent_link(record),
        "url": bib.direct_link(record),
        "name": record.full_title,
    }
    if item["@type"].endswith("Article"):
        item["headline"] = record.full_title
    if same := [link for link in bib.same_as(record) if link != item["@id"]]:
        item["sameAs"] = same
    item["identifier"] = [
        {"@type": "PropertyValue", "propertyID": identifier.scheme, "value": identifier.value}
        for identifier in bib.own_identifiers(record)
    ]
    creators = bib.creators(record)
    authors = [person(c) for c in creators if c.role == bib.AUTHOR]
    editors = [person(c) for c in bib.contributors(record, bib.EDITOR)]
    translators = [person(c) for c in bib.contributors(record, "trl")]
    for key, people in (("author", authors), ("editor", editors), ("translator", translators)):
        if people:
            item[key] = people
    if record.issued:
        item["datePublished"] = record.issued
    if record.language:
        item["inLanguage"] = language_alpha2(record.language)
    if abstract := bib.main_abstract(record):
        item["abstract"] = abstract["text"]
    if terms := bib.keyword_terms(record):
        item["keywords"] = terms
    if codes := bib.subject_codes(record):
        item["about"] = [
            {
                "@type": "DefinedTerm",
                "@id": f"{bib.SSIF_SCHEME}/{code}",
                "termCode": code,
                "name": bib.subject_label(code),
                "inDefinedTermSet": bib.SSIF_SCHEME,
            }
            for code in codes
        ]
    if publisher := bib.publisher(record):
        item["publisher"] = {"@type": "Organization", "name": publisher}
    if record.place:
        item["locationCreated"] = {"@type": "Place", "name": record.place}
    if record.edition:
        item["bookEdition" if item["@type"] == "Book" else "version"] = record.edition
    if record.page_count:
        item["numberOfPages"] = record.page_count
    if record.pages_start:
        item["pageStart"] = record.pages_start
    if record.pages_end:
        item["pageEnd"] = record.pages_end
    if item["@type"] == "Book" and (isbns := bib.identifier_values(record, "isbn")):
        item["isbn"] = isbns[0]
    if host := part_of(record):
        item["isPartOf"] = host
    if record.licence_info is not None:
        item["license"] = record.licence_info.url
    _access(item, record)
    if record.funders:
        item["funding"] = [_grant(funder) for funder in record.funders]
    if record.conference:
        item["recordedAt"] = {"@type": "Event", "name": record.conference}
    item["genre"] = bib.output_type(record).label_en
    for relation in bib.relations(record):
        key = RELATIONS.get(relation.relation)
        target = relation.related_record  # loaded without its identifiers: link its page
        url = bib.direct_link(target) if target is not None else resolver_url(relation.scheme, relation.value)
        if key and url:
            _append(item, key, {"@id": url})
    return item


def _access(item: dict[str, Any], record: Record) -> None:
    """Whether the full text is free to read, and its copies elsewhere as the MediaObjects encoding it."""
    if bib.is_open_access(record):
        item["isAccessibleForFree"] = True
    elif record.access_condition == "restricted":
        item["isAccessibleForFree"] = False
    if links := bib.links(record):
        item["encoding"] = [
            {
                "@type": "MediaObject",
                "contentUrl": link["url"],
                **({"name": link["label"]} if link.get("label") else {}),
                "isAccessibleForFree": bool(link.get("free")),
            }
            for link in links
        ]


def person(contribution: Contribution) -> dict[str, Any]:
    if contribution.is_organisation:
        return {"@type": "Organization", "name": contribution.family_name}
    result: dict[str, Any] = {"@type": "Person"}
    if orcid := bib.orcid(contribution):
        result["@id"] = f"https://orcid.org/{orcid}"
    result["name"] = contribution.name
    result["familyName"] = contribution.family_name
    if contribution.given_name:
        result["givenName"] = contribution.given_name
    affiliations = []
    for affiliation in contribution.affiliations.all():
        organisation = affiliation.organisation
        name = affiliation.text or (organisation.name_en if organisation is not None else "")
        entry: dict[str, Any] = {"@type": "Organization", "name": name}
        if organisation is not None and organisation.ror:
            ror = organisation.ror
            entry["@id"] = ror if ror.startswith("http") else f"https://ror.org/{ror}"
        affiliations.append(entry)
    if affiliations:
        result["affiliation"] = affiliations
    return result


def part_of(record: Record) -> dict[str, Any] | None:
    """Issue → volume → Periodical for a journal article; the book or proceedings for a part of one."""
    journal = record.journal
    if journal is not None and journal.kind == "journal":
        host: dict[str, Any] = {"@type": "Periodical", "name": journal.title}
        if issns := bib.issns(record):
            host["issn"] = issns
        if record.volume:
            host = {"@type": "PublicationVolume", "volumeNumber": record.volume, "isPartOf": host}
        if record.issue:
            host = {"@type": "PublicationIssue", "issueNumber": record.issue, "isPartOf": host}
        return host
    if series := bib.series_title(record):
        host = {"@type": "CreativeWorkSeries", "name": series}
        if issns := bib.issns(record):
            host["issn"] = issns
        return host
    if record.host_title:
        host = {"@type": "Book", "name": record.host_title}
        if isbns := bib.identifier_values(record, "isbn"):
            host["isbn"] = isbns[0]
        return host
    return None


def _grant(funder: dict) -> dict[str, Any]:
    grant: dict[str, Any] = {"@type": "Grant", "funder": {"@type": "Organization", "name": funder["name"]}}
    if funder.get("grant"):
        grant["identifier"] = funder["grant"]
    return grant


def _append(item: dict[str, Any], key: str, value: dict[str, Any]) -> None:
    current = item.get(key)
    if current is None:
        item[key] = value
    elif isinstance(current, list):
        current.append(value)
    else:
        item[key] = [current, value]

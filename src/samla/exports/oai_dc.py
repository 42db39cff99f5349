"""Dublin Core as OAI-PMH requires it (`oai_dc`), valid against oai_dc.xsd, following the DRIVER/OpenAIRE
usage that DiVA's oai_dc follows.

Creators are authors ("Family, Given"), contributors the other roles; subjects the keywords and SSIF
categories; `dc:type` the `info:eu-repo/semantics` type, the version, the DCMI type and the output type;
identifiers the permanent link, resolvable DOI, URN and Handle and the links to the full text elsewhere;
`dc:source` the journal or book with volume, issue and pages; `dc:relation` related works; `dc:rights`
the licence and the access right (`info:eu-repo/semantics/openAccess` when the full text is free to
read); languages ISO 639-3.
"""

from __future__ import annotations

from lxml import etree

from samla.records.models import Record
from samla.vocabularies.identifiers import resolver_url
from samla.vocabularies.languages import language_alpha2

from . import bibliographic as bib

OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS}
SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

EU_REPO_TYPES = {
    "publication/journal-article": "article",
    "publication/review-article": "article",
    "publication/editorial-letter": "article",
    "publication/magazine-article": "article",
    "publication/newspaper-article": "contributionToPeriodical",
    "publication/book-review": "review",
    "publication/book": "book",
    "publication/edited-book": "book",
    "publication/critical-edition": "book",
    "publication/journal-issue": "book",
    "publication/book-chapter": "bookPart",
    "publication/report-chapter": "bookPart",
    "publication/foreword-afterword": "bookPart",
    "publication/encyclopedia-entry": "bookPart",
    "conference/paper": "conferenceObject",
    "conference/poster": "conferenceObject",
    "conference/proceeding": "conferenceObject",
    "conference/other": "conferenceObject",
    "publication/doctoral-thesis": "doctoralThesis",
    "artistic-work/artistic-thesis": "doctoralThesis",
    "publication/report": "report",
    "publication/working-paper": "workingPaper",
    "publication/preprint": "preprint",
    "intellectual-property/patent": "patent",
}
VERSIONS = {
    "published": "publishedVersion",
    "epub-ahead-of-print": "publishedVersion",
    "in-press": "acceptedVersion",
    "accepted": "acceptedVersion",
    "submitted": "submittedVersion",
}
DCMI_TYPES = {"other/data-set": "Dataset", "other/software": "Software"}


def write(record: Record) -> etree._Element:
    """One record as an <oai_dc:dc> element."""
    dc = etree.Element(f"{{{OAI_DC_NS}}}dc", nsmap=NSMAP)
    dc.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {SCHEMA}")
    _add(dc, "title", record.full_title, language_alpha2(record.title_language))
    for alternative in record.alternative_titles:
        text = alternative["title"] + (f": {alternative['subtitle']}" if alternative.get("subtitle") else "")
        _add(dc, "title", text, language_alpha2(alternative.get("language", "")))
    creators = {c.pk for c in bib.creators(record)}
    for contribution in bib.contributors(record):
        element = "creator" if contribution.pk in creators else "contributor"
        _add(dc, element, contribution.inverted_name)
    for group in record.keywords:
        for term in group.get("terms", []):
            _add(dc, "subject", term, language_alpha2(group.get("language", "")))
    for code in bib.subject_codes(record):
        _add(dc, "subject", bib.subject_label(code), "en")
    for abstract in record.abstracts:
        _add(dc, "description", abstract.get("text", ""), language_alpha2(abstract.get("language", "")))
    _add(dc, "publisher", bib.publisher(record))
    _add(dc, "date", record.issued)
    _add(dc, "type", "info:eu-repo/semantics/" + EU_REPO_TYPES.get(record.output_type, "other"))
    if version := VERSIONS.get(record.publication_status):
        _add(dc, "type", "info:eu-repo/semantics/" + version)
    _add(dc, "type", DCMI_TYPES.get(record.output_type, "Text"))
    _add(dc, "type", bib.output_type(record).label_en, "en")
    for link in _identifiers(record):
        _add(dc, "identifier", link)
    _add(dc, "source", source(record))
    for issn in bib.issns(record):
        _add(dc, "source", f"ISSN {issn}")
    _add(dc, "language", record.language)
    for relation in bib.relations(record):
        _add(
            dc,
            "relation",
            resolver_url(relation.scheme, relation.value) or f"{relation.scheme}:{relation.value}",
        )
    if record.licence_info is not None:
        _add(dc, "rights", record.licence_info.url)
    _add(dc, "rights", bib.access_rights(record))
    return dc


def _identifiers(record: Record) -> list[str]:
    links = [bib.permanent_link(record), bib.direct_link(record)]
    for scheme in ("urn", "doi", "handle"):
        for value in bib.identifier_values(record, scheme):
            links.append(value if scheme == "urn" else resolver_url(scheme, value))
    links += [f"ISBN {isbn}" for isbn in bib.identifier_values(record, "isbn")]
    links += [link["url"] for link in bib.links(record)]
    return list(dict.fromkeys(links))


def source(record: Record) -> str:
    """ "BMC Health Services Research, Vol. 24, no 1, article id 219" (DiVA's wording, always English)."""
    container = bib.container_title(record)
    parts = [
        f"Vol. {record.volume}" if record.volume else "",
        f"no {record.issue}" if record.issue else "",
        f"article id {record.article_number}" if record.article_number else "",
        f"p. {bib.pages(record)}" if record.pages_start else "",
    ]
    return ", ".join(x for x in [container, *parts] if x) if container else ""


def _add(dc: etree._Element, element: str, text: str, language: str = "") -> None:
    if text:
        child = etree.SubElement(dc, f"{{{DC_NS}}}{element}")
        child.text = text
        if language:
            child.set(XML_LANG, language)

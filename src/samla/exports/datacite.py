"""DataCite Metadata Schema, kernel 4 (as 4.7 defines it), valid against kernel-4/metadata.xsd.

The identifier is the DOI; a record without one is identified by its URN:NBN, Handle or page URL, so the
XML still validates (only a DOI can be registered with DataCite). Creators are the authors (the editors of
a collection), with ORCID and affiliations (ROR when known); other roles are contributors. The journal
or book is a `relatedItem` (IsPublishedIn) with volume, issue, article number and pages, its ISSN also a
related identifier; corrections, parts and versions are related identifiers. Other identifiers are
alternate identifiers; SSIF categories are subjects with their classification code; funders are funding
references; the licence is a rights statement with its SPDX id, and the access right (open when the
full text is free to read) one with its info:eu-repo URI. Links to the full text elsewhere are related
identifiers of type URL (IsIdenticalTo: the same publication at another address).
"""

from __future__ import annotations

from django.conf import settings
from lxml import etree

from samla.records.models import Contribution, Record
from samla.vocabularies.languages import language_alpha2

from . import bibliographic as bib

DATACITE_NS = "http://datacite.org/schema/kernel-4"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {None: DATACITE_NS, "xsi": XSI_NS}
SCHEMA = "https://schema.datacite.org/meta/kernel-4/metadata.xsd"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

RESOURCE_TYPES = {
    **dict.fromkeys(bib.JOURNAL_TYPES, "JournalArticle"),
    "publication/book-review": "PeerReview",
    "publication/encyclopedia-entry": "BookChapter",
    "publication/book": "Book",
    "publication/edited-book": "Book",
    "publication/critical-edition": "Book",
    "publication/journal-issue": "Collection",
    "publication/book-chapter": "BookChapter",
    "publication/report-chapter": "BookChapter",
    "publication/foreword-afterword": "BookChapter",
    "conference/paper": "ConferencePaper",
    "conference/poster": "Poster",
    "conference/proceeding": "ConferenceProceeding",
    "conference/other": "Presentation",
    **dict.fromkeys(bib.THESIS_TYPES, "Dissertation"),
    "publication/report": "Report",
    "publication/working-paper": "Report",
    "publication/preprint": "Preprint",
    "other/data-set": "Dataset",
    "other/software": "Software",
    "artistic-work/original-creative-work": "Image",
    "intellectual-property/patent": "Text",
}
CONTRIBUTOR_TYPES = {"edt": "Editor", "ths": "Supervisor", "trl": "Translator"}
RELATION_TYPES = {
    "is-part-of": "IsPartOf",
    "has-part": "HasPart",
    "is-version-of": "IsVersionOf",
    "has-version": "HasVersion",
    "is-supplement-to": "IsSupplementTo",
    "is-supplemented-by": "IsSupplementedBy",
    "is-review-of": "Reviews",
    "is-reviewed-by": "IsReviewedBy",
    # DataCite has no correction or retraction relation: the newer work is the new version.
    "has-correction": "IsPreviousVersionOf",
    "is-correction-of": "IsNewVersionOf",
    "has-retraction": "IsObsoletedBy",
    "is-retraction-of": "Obsoletes",
}
IDENTIFIER_TYPES = {
    "doi": "DOI",
    "urn": "URN",
    "handle": "Handle",
    "isbn": "ISBN",
    "issn": "ISSN",
    "pmid": "PMID",
    "arxiv": "arXiv",
    "uri": "URL",
}
ALTERNATE_TYPES = {"isi": "WOS", "scopus": "Scopus", "oai": "OAI", "local": "Local"}
RELATED_ITEM_TYPES = {"journal": "Journal"}


ACCESS_LABELS = {
    bib.EU_REPO_ACCESS + "openAccess": "Open access",
    bib.EU_REPO_ACCESS + "restrictedAccess": "Restricted access",
}


def write(record: Record) -> etree._Element:
    """One record as a DataCite <resource> element."""
    resource = etree.Element(f"{{{DATACITE_NS}}}resource", nsmap=NSMAP)
    resource.set(f"{{{XSI_NS}}}schemaLocation", f"{DATACITE_NS} {SCHEMA}")
    scheme, value = identifier(record)
    _sub(resource, "identifier", value, identifierType=scheme)
    creators = bib.creators(record)
    names = _sub(resource, "creators")
    for contribution in creators or []:
        _person(names, "creator", contribution)
    if not creators:
        _sub(_sub(names, "creator"), "creatorName", ":unkn", nameType="Organizational")
    titles = _sub(resource, "titles")
    language = language_alpha2(record.title_language)
    _sub(titles, "title", record.title, lang=language)
    if record.subtitle:
        _sub(titles, "title", record.subtitle, titleType="Subtitle", lang=language)
    for alternative in record.alternative_titles:
        _sub(
            titles,
            "title",
            alternative["title"],
            titleType="TranslatedTitle",
            lang=language_alpha2(alternative.get("language", "")),
        )
    _sub(resource, "publisher", bib.publisher(record) or settings.REPOSITORY_NAME)
    _sub(resource, "publicationYear", bib.year(record) or str(record.created.year))
    _sub(
        resource,
        "resourceType",
        bib.output_type(record).label_en,
        resourceTypeGeneral=RESOURCE_TYPES.get(record.output_type, "Text"),
    )
    _subjects(resource, record)
    _contributors(resource, record, {c.pk for c in creators})
    _dates(resource, record)
    if record.language:
        _sub(resource, "language", language_alpha2(record.language))
    _alternate_identifiers(resource, record, scheme)
    _related_identifiers(resource, record)
    if record.page_count:
        _sub(_sub(resource, "sizes"), "size", f"{record.page_count} pages")
    _rights(resource, record)
    _descriptions(resource, record)
    if record.funders:
        funding = _sub(resource, "fundingReferences")
        for funder in record.funders:
            reference = _sub(funding, "fundingReference")
            _sub(reference, "funderName", funder["name"])
            if funder.get("grant"):
                _sub(reference, "awardNumber", funder["grant"])
    _related_items(resource, record)
    return resource


def identifier(record: Record) -> tuple[str, str]:
    """(identifierType, value): the DOI, else the URN:NBN, the Handle, or the record's page."""
    for scheme in ("doi", "urn", "handle"):
        if value := bib.first_identifier(record, scheme):
            return IDENTIFIER_TYPES[scheme], value
    return "URL", bib.direct_link(record)


def _person(
    parent: etree._Element, role: str, contribution: Contribution, contributor_type: str = ""
) -> None:
    element = _sub(parent, role, contributorType=contributor_type)
    if contribution.is_organisation:
        _sub(element, f"{role}Name", contribution.family_name, nameType="Organizational")
        return
    _sub(element, f"{role}Name", contribution.inverted_name, nameType="Personal")
    if contribution.given_name:
        _sub(element, "givenName", contribution.given_name)
    _sub(element, "familyName", contribution.family_name)
    if orcid := bib.orcid(contribution):
        _sub(
            element,
            "nameIdentifier",
            f"https://orcid.org/{orcid}",
            nameIdentifierScheme="ORCID",
            schemeURI="https://orcid.org",
        )
    for affiliation in contribution.affiliations.all():
        organisation = affiliation.organisation
        text = affiliation.text or (organisation.name_en if organisation is not None else "")
        ror = organisation.ror if organisation is not None else ""
        _sub(
            element,
            "affiliation",
            text,
            affiliationIdentifier=(ror if ror.startswith("http") else f"https://ror.org/{ror}")
            if ror
            else "",
            affiliationIdentifierScheme="ROR" if ror else "",
            schemeURI="https://ror.org" if ror else "",
        )


def _contributors(resource: etree._Element, record: Record, creators: set[int]) -> None:
    others = [c for c in bib.contributors(record) if c.pk not in creators and c.role != bib.AUTHOR]
    if others:
        element = _sub(resource, "contributors")
        for contribution in others:
            _person(element, "contributor", contribution, CONTRIBUTOR_TYPES.get(contribution.role, "Other"))


def _subjects(resource: etree._Element, record: Record) -> None:
    codes = bib.subject_codes(record)
    if not (record.keywords or codes):
        return
    subjects = _sub(resource, "subjects")
    for group in record.keywords:
        for term in group.get("terms", []):
            _sub(subjects, "subject", term, lang=language_alpha2(group.get("language", "")))
    for code in codes:
        _sub(
            subjects,
            "subject",
            bib.subject_label(code),
            subjectScheme="SSIF",
            schemeURI=bib.SSIF_SCHEME,
            classificationCode=code,
            lang="en",
        )


def _dates(resource: etree._Element, record: Record) -> None:
    dates = [("Issued", record.issued)]
    if record.available_from:
        dates.append(("Available", record.available_from.isoformat()))
    dates = [(kind, value) for kind, value in dates if value]
    if dates:
        element = _sub(resource, "dates")
        for kind, value in dates:
            _sub(element, "date", value, dateType=kind)


def _alternate_identifiers(resource: etree._Element, record: Record, main_scheme: str) -> None:
    found = []
    for item in bib.own_identifiers(record):
        kind = IDENTIFIER_TYPES.get(item.scheme) or ALTERNATE_TYPES.get(item.scheme, item.scheme)
        if (kind, item.value) != (main_scheme, identifier(record)[1]):
            found.append((kind, item.value))
    found.append(("Local", record.local_id))
    element = _sub(resource, "alternateIdentifiers")
    for kind, value in found:
        _sub(element, "alternateIdentifier", value, alternateIdentifierType=kind)


def _related_identifiers(resource: etree._Element, record: Record) -> None:
    journal = record.journal is not None and record.journal.kind == "journal"
    related = [("ISSN", issn, "IsPublishedIn") for issn in bib.issns(record)] if journal else []
    for relation in bib.relations(record):
        kind = IDENTIFIER_TYPES.get(relation.scheme)
        if kind:
            related.append((kind, relation.value, RELATION_TYPES.get(relation.relation, "References")))
    related += [("URL", link["url"], "IsIdenticalTo") for link in bib.links(record)]
    if related:
        element = _sub(resource, "relatedIdentifiers")
        for kind, value, relation_type in related:
            _sub(element, "relatedIdentifier", value, relatedIdentifierType=kind, relationType=relation_type)


def _rights(resource: etree._Element, record: Record) -> None:
    """The licence (with its SPDX id) and the access right (info:eu-repo, as OpenAIRE reads it)."""
    info, access = record.licence_info, bib.access_rights(record)
    if info is None and not access:
        return
    rights = _sub(resource, "rightsList")
    if info is not None:
        _sub(
            rights,
            "rights",
            info.label,
            rightsURI=info.url,
            rightsIdentifier=record.licence.lower(),
            rightsIdentifierScheme="SPDX",
            schemeURI="https://spdx.org/licenses/",
        )
    if access:
        _sub(rights, "rights", ACCESS_LABELS[access], rightsURI=access)


def _descriptions(resource: etree._Element, record: Record) -> None:
    abstracts = [a for a in record.abstracts if a.get("text")]
    series = bib.series_title(record)
    if not (abstracts or series):
        return
    element = _sub(resource, "descriptions")
    for abstract in abstracts:
        _sub(
            element,
            "description",
            abstract["text"],
            descriptionType="Abstract",
            lang=language_alpha2(abstract.get("language", "")),
        )
    if series:
        text = f"{series}, {record.series_number}" if record.series_number else series
        _sub(element, "description", text, descriptionType="SeriesInformation")


def _related_items(resource: etree._Element, record: Record) -> None:
    """The journal, book or proceedings the record appears in, with where in it."""
    container = bib.container_title(record)
    if not container:
        return
    journal = record.journal is not None and record.journal.kind == "journal"
    item_type = (
        "Journal"
        if journal
        else ("ConferenceProceeding" if record.output_type.startswith("conference/") else "Book")
    )
    items = _sub(resource, "relatedItems")
    item = _sub(items, "relatedItem", relatedItemType=item_type, relationType="IsPublishedIn")
    issns = bib.issns(record) if journal else []
    isbns = bib.identifier_values(record, "isbn") if not journal else []
    if issns:
        _sub(item, "relatedItemIdentifier", issns[0], relatedItemIdentifierType="ISSN")
    elif isbns:
        _sub(item, "relatedItemIdentifier", isbns[0], relatedItemIdentifierType="ISBN")
    _sub(_sub(item, "titles"), "title", container)
    _sub(item, "volume", record.volume)
    _sub(item, "issue", record.issue)
    _sub(item, "number", record.article_number, numberType="Article")
    _sub(item, "firstPage", record.pages_start)
    _sub(item, "lastPage", record.pages_end)
    _sub(item, "publisher", bib.publisher(record))


def _sub(
    parent: etree._Element, tag: str, text: str | None = None, *, lang: str = "", **attributes: str
) -> etree._Element:
    """A child element; with `text` given but empty, nothing is added (a detached element comes back)."""
    if text is not None and not text:
        return etree.Element(tag)
    element = etree.SubElement(parent, f"{{{DATACITE_NS}}}{tag}")
    for key, value in attributes.items():
        if value:
            element.set(key, value)
    if lang:
        element.set(XML_LANG, lang)
    if text:
        element.text = text
    return element

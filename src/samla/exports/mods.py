"""MODS 3.8, the Library of Congress's Metadata Object Description Schema, valid against mods-3-8.xsd.

Names carry their MARC relator role, ORCID (`nameIdentifier`) and affiliations as stated; the journal, book
or proceedings is the host `relatedItem` with volume, issue, article number (`artNo`, as Swepub has it)
and pages; a series is a series `relatedItem`. The output type is a `genre` of authority kb.se (the
Swepub output types) beside a MARC genre term; SSIF categories are subjects of authority uka.se.
Languages are ISO 639-2/B. The publication status is a note, spelt as Swepub spells it. Related works
(corrections, parts, versions) are further `relatedItem`s. Links to the full text elsewhere follow the
record's own page in `location` (note="free" when free to read), and the access condition ("gratis") is
an `accessCondition`. A list is a `modsCollection`. The element builders here are shared with the
Swepub profile (`swepub_mods`).
"""

from __future__ import annotations

from django.conf import settings
from lxml import etree

from samla.organisations.models import Organisation
from samla.records.models import Contribution, Record
from samla.vocabularies.languages import language_bibliographic

from . import bibliographic as bib

MODS_NS = "http://www.loc.gov/mods/v3"
XLINK_NS = "http://www.w3.org/1999/xlink"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {None: MODS_NS, "xlink": XLINK_NS, "xsi": XSI_NS}
SCHEMA = "http://www.loc.gov/standards/mods/v3/mods-3-8.xsd"
XLINK_HREF = f"{{{XLINK_NS}}}href"
SCHEMA_LOCATION = f"{{{XSI_NS}}}schemaLocation"

MARC_GENRES = {
    **dict.fromkeys(bib.JOURNAL_TYPES - {"publication/book-review"}, "article"),
    "publication/book-review": "review",
    "publication/encyclopedia-entry": "encyclopedia",
    "publication/book": "book",
    "publication/edited-book": "book",
    "publication/critical-edition": "book",
    **dict.fromkeys(bib.THESIS_TYPES, "thesis"),
    "publication/report": "technical report",
    "publication/working-paper": "technical report",
    "conference/paper": "conference publication",
    "conference/poster": "conference publication",
    "conference/proceeding": "conference publication",
    "conference/other": "conference publication",
    "intellectual-property/patent": "patent",
    "other/data-set": "database",
}
# Samla content type → the Swepub content type codes (genre authority="svep" type="contentType").
SVEP_CONTENT_TYPES = {"refereed": "ref", "other-academic": "vet", "popular-science": "pop"}
RESOURCE_TYPES = {
    "other/data-set": "software, multimedia",
    "other/software": "software, multimedia",
    "artistic-work/original-creative-work": "mixed material",
}
IDENTIFIER_TYPES = {"handle": "hdl"}
# Publication statuses as Swepub (and DiVA) spell them: Swepub's conversion knows these; none means
# Published there.
STATUSES = {
    "published": "Published",
    "epub-ahead-of-print": "Epub ahead of print/Online first",
    "in-press": "In press",
    "accepted": "Accepted",
    "submitted": "Submitted",
    "preprint": "Preprint",
    "retracted": "Retracted",
    "unpublished": "Unpublished",
}
# Relations → MODS relatedItem types; the relation itself is the displayLabel.
RELATED_TYPES = {
    "is-part-of": "host",
    "has-part": "constituent",
    "is-review-of": "reviewOf",
    "is-supplement-to": "isReferencedBy",
    "is-supplemented-by": "references",
}


def write(record: Record) -> etree._Element:
    """One record as a MODS 3.8 <mods> element."""
    mods = root("3.8", SCHEMA)
    title_infos(mods, record)
    for contribution in bib.contributors(record):
        person_or_body(mods, contribution)
    conference(mods, record)
    sub(mods, "typeOfResource", RESOURCE_TYPES.get(record.output_type, "text"))
    if genre := MARC_GENRES.get(record.output_type):
        sub(mods, "genre", genre, authority="marcgt")
    genres(mods, record)
    origin_info(mods, record, encoding="w3cdtf")
    language(mods, record)
    physical_description(mods, record)
    abstracts(mods, record)
    keywords(mods, record)
    ssif_subjects(mods, record)
    host_and_series(mods, record)
    related_items(mods, record)
    identifiers(mods, record)
    location = sub(mods, "location")
    sub(location, "url", bib.permanent_link(record), usage="primary display")
    full_text(mods, record, location)
    licence(mods, record)
    publication_status(mods, record)
    notes(mods, record)
    for funder in record.funders:
        text = f"{funder['name']}: {funder['grant']}" if funder.get("grant") else funder["name"]
        sub(mods, "note", text, type="funding")
    record_info(mods, record, content_source="")
    return mods


# ---------------------------------------------------------------- builders shared with swepub_mods


def root(version: str, schema: str) -> etree._Element:
    mods = etree.Element(f"{{{MODS_NS}}}mods", nsmap=NSMAP)
    mods.set("version", version)
    mods.set(SCHEMA_LOCATION, f"{MODS_NS} {schema}")
    return mods


def sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    """A MODS child element; attributes with empty values are left out, `href` is xlink:href."""
    element = etree.SubElement(parent, f"{{{MODS_NS}}}{tag}")
    for key, value in attributes.items():
        if value:
            element.set(XLINK_HREF if key == "href" else key, value)
    if text:
        element.text = text
    return element


def lang(code: str) -> str:
    return language_bibliographic(code) if code else ""


def title_infos(mods: etree._Element, record: Record) -> None:
    info = sub(mods, "titleInfo", lang=lang(record.title_language))
    sub(info, "title", record.title)
    if record.subtitle:
        sub(info, "subTitle", record.subtitle)
    for alternative in record.alternative_titles:
        info = sub(mods, "titleInfo", type="alternative", lang=lang(alternative.get("language", "")))
        sub(info, "title", alternative["title"])
        if alternative.get("subtitle"):
            sub(info, "subTitle", alternative["subtitle"])


def person_or_body(
    mods: etree._Element, contribution: Contribution, *, swepub: bool = False
) -> etree._Element:
    """A <name>: family and given name parts (one part for an organisation), ORCID, affiliations, role."""
    if contribution.is_organisation:
        name = sub(mods, "name", type="corporate")
        sub(name, "namePart", contribution.family_name)
    else:
        name = sub(mods, "name", type="personal")
        sub(name, "namePart", contribution.family_name, type="family")
        if contribution.given_name:
            sub(name, "namePart", contribution.given_name, type="given")
        person = contribution.person
        if person is not None and person.birth_year:
            sub(name, "namePart", f"{person.birth_year}-", type="date")
    role = sub(name, "role")
    sub(role, "roleTerm", contribution.role, type="code", authority="marcrelator")
    for affiliation in contribution.affiliations.all():
        affiliation_element(name, affiliation, swepub=swepub)
    if orcid := bib.orcid(contribution):
        sub(name, "nameIdentifier", orcid, type="orcid")
    return name


def affiliation_element(name: etree._Element, affiliation, *, swepub: bool) -> etree._Element:
    """The affiliation as stated. Linked to a known organisation, it names it: by ROR in MODS 3.8; in
    Swepub MODS by the authority of its id and a URI (DiVA's structured affiliation), the same URI as
    the organisation's corporate name has, which links the two for a harvester (Samla's among them)."""
    organisation = affiliation.organisation
    text = affiliation.text or (organisation.name_en if organisation is not None else "")
    if organisation is None:
        return sub(name, "affiliation", text)
    if swepub:
        authority, _, value = (organisation.identifier or "").partition(":")
        if not value:
            return sub(name, "affiliation", text)
        element = sub(name, "affiliation", text, authority=authority, valueURI=organisation_uri(organisation))
        element.set(f"{{{XSI_NS}}}type", "stringPlusLanguagePlusAuthority")
        return element
    ror = ror_uri(organisation)
    return sub(name, "affiliation", text, authorityURI="https://ror.org/" if ror else "", valueURI=ror)


def ror_uri(organisation: Organisation) -> str:
    ror = organisation.ror
    return (ror if ror.startswith("http") else f"https://ror.org/{ror}") if ror else ""


def organisation_uri(organisation: Organisation) -> str:
    """A URI of the organisation: its ROR id, else its page here."""
    return ror_uri(organisation) or settings.BASE_URL + organisation.get_absolute_url()


def genres(mods: etree._Element, record: Record) -> None:
    """The Swepub output type and content type codes."""
    sub(mods, "genre", record.output_type, authority="kb.se", type="outputType")
    if content := SVEP_CONTENT_TYPES.get(record.content_type):
        sub(mods, "genre", content, authority="svep", type="contentType")


def origin_info(mods: etree._Element, record: Record, *, encoding: str = "") -> None:
    publisher = bib.publisher(record)
    if not (publisher or record.place or record.issued or record.edition or record.available_from):
        return
    origin = sub(mods, "originInfo")
    if record.place:
        sub(sub(origin, "place"), "placeTerm", record.place, type="text")
    if publisher:
        sub(origin, "publisher", publisher)
    if record.issued:
        sub(origin, "dateIssued", record.issued, encoding=encoding, keyDate="yes" if encoding else "")
    if record.available_from:
        sub(origin, "dateOther", record.available_from.isoformat(), type="availableFrom")
    if record.edition:
        sub(origin, "edition", record.edition)


def language(mods: etree._Element, record: Record) -> None:
    if record.language:
        element = sub(mods, "language")
        sub(element, "languageTerm", lang(record.language), type="code", authority="iso639-2b")


def physical_description(mods: etree._Element, record: Record) -> None:
    if record.page_count:
        sub(sub(mods, "physicalDescription"), "extent", f"{record.page_count} p.")


def abstracts(mods: etree._Element, record: Record) -> None:
    for abstract in record.abstracts:
        if abstract.get("text"):
            sub(mods, "abstract", abstract["text"], lang=lang(abstract.get("language", "")))


def keywords(mods: etree._Element, record: Record) -> None:
    """One subject a keyword, as DiVA writes them."""
    for group in record.keywords:
        for term in group.get("terms", []):
            sub(sub(mods, "subject", lang=lang(group.get("language", ""))), "topic", term)


def ssif_subjects(mods: etree._Element, record: Record) -> None:
    """Each SSIF category with its broader ones as topics, in English and Swedish (authority uka.se)."""
    for code in bib.subject_codes(record):
        for language_code, key in (("eng", "en"), ("swe", "sv")):
            subject = sub(mods, "subject", lang=language_code, authority="uka.se", href=code)
            for level in bib.subject_path(code):
                sub(subject, "topic", level[key] or level["en"] or level["sv"])


def host_and_series(mods: etree._Element, record: Record) -> None:
    container = bib.container_title(record)
    numbering = any((record.volume, record.issue, record.article_number, record.pages_start))
    if container or numbering:
        host = sub(mods, "relatedItem", type="host")
        if container:
            sub(sub(host, "titleInfo"), "title", container)
        if record.journal is not None and record.journal.kind == "journal":
            if record.journal.publisher:
                sub(sub(host, "originInfo"), "publisher", record.journal.publisher)
            journal_identifiers(host, record)
        if _isbn_is_hosts(record):
            for isbn in bib.identifier_values(record, "isbn"):
                sub(host, "identifier", isbn, type="isbn")
        part(host, record)
    series = bib.series_title(record)
    if series:
        item = sub(mods, "relatedItem", type="series")
        sub(sub(item, "titleInfo"), "title", series)
        journal_identifiers(item, record)
        if record.series_number:
            sub(item, "identifier", record.series_number, type="issue number")


def conference(mods: etree._Element, record: Record) -> None:
    """The conference a paper or poster was given at, as DiVA names it."""
    if record.conference:
        sub(sub(mods, "name", type="conference"), "namePart", record.conference)


def journal_identifiers(item: etree._Element, record: Record) -> None:
    journal = record.journal
    if journal.issn:
        sub(item, "identifier", journal.issn, type="issn")
    if journal.eissn:
        sub(item, "identifier", journal.eissn, type="eissn")


def part(host: etree._Element, record: Record) -> None:
    if not any((record.volume, record.issue, record.article_number, record.pages_start)):
        return
    element = sub(host, "part")
    for kind, value in (("volume", record.volume), ("issue", record.issue), ("artNo", record.article_number)):
        if value:
            sub(sub(element, "detail", type=kind), "number", value)
    if record.pages_start:
        extent = sub(element, "extent", unit="pages")
        sub(extent, "start", record.pages_start)
        if record.pages_end:
            sub(extent, "end", record.pages_end)


def related_items(mods: etree._Element, record: Record) -> None:
    for relation in bib.relations(record):
        target = relation.related_record
        item = sub(
            mods,
            "relatedItem",
            type=RELATED_TYPES.get(relation.relation, "otherVersion"),
            displayLabel=relation.relation,
        )
        title = target.full_title if target is not None else relation.label
        if title:
            sub(sub(item, "titleInfo"), "title", title)
        if relation.label:
            sub(item, "note", relation.label, type="relationLabel")  # how the record describes the work
        sub(item, "identifier", relation.value, type=IDENTIFIER_TYPES.get(relation.scheme, relation.scheme))
        if target is not None:
            sub(item, "identifier", bib.direct_link(target), type="uri")


def identifiers(mods: etree._Element, record: Record, *, skip: tuple[str, ...] = ()) -> None:
    """The record's own identifiers; an ISBN of the book a chapter is in goes with the host instead."""
    for identifier in bib.own_identifiers(record):
        if identifier.scheme in skip or (identifier.scheme == "isbn" and _isbn_is_hosts(record)):
            continue
        kind = IDENTIFIER_TYPES.get(identifier.scheme, identifier.scheme)
        sub(mods, "identifier", identifier.value, type=kind)


def _isbn_is_hosts(record: Record) -> bool:
    """A chapter's or paper's ISBN is the book's or proceedings' (DiVA shows it on the part's record)."""
    return bool(record.host_title) and record.output_type not in bib.JOURNAL_TYPES


def full_text(mods: etree._Element, record: Record, location: etree._Element | None = None) -> None:
    """Links to the full text elsewhere as DiVA writes them (`url` with its label, note="free" when it
    is free to read), and the access condition ("gratis"), which Swepub counts as open access."""
    if links := bib.links(record):
        location = location if location is not None else sub(mods, "location")
        for link in links:
            free = "free" if link.get("free") else ""
            sub(location, "url", link["url"], displayLabel=link.get("label", ""), note=free)
    if record.access_condition:
        sub(mods, "accessCondition", record.access_condition)


def licence(mods: etree._Element, record: Record) -> None:
    info = record.licence_info
    if info is not None:
        sub(mods, "accessCondition", info.label, type="use and reproduction", href=info.url)


def publication_status(mods: etree._Element, record: Record) -> None:
    if status := STATUSES.get(record.publication_status):
        sub(mods, "note", status, type="publicationStatus")


def notes(mods: etree._Element, record: Record) -> None:
    for note in record.notes:
        sub(mods, "note", note)


def record_info(mods: etree._Element, record: Record, *, content_source: str) -> None:
    info = sub(mods, "recordInfo")
    if content_source:
        sub(info, "recordContentSource", content_source)
    sub(info, "recordCreationDate", record.created.isoformat(), encoding="w3cdtf")
    sub(info, "recordChangeDate", record.last_updated.isoformat(), encoding="w3cdtf")
    sub(info, "recordIdentifier", record.local_id)

"""Swepub MODS: MODS as DiVA serves it to Swepub, the Swedish national publication database (`swepub_mods`).

It follows DiVA's current records (MODS 3.7): the Swepub output type (`genre authority="kb.se"
type="outputType"`), the older Swepub publication type and the content type (`authority="svep"`), the
publication status as Swepub spells it and the number of creators (authors and editors) as notes, the
URN:NBN as a resolver `uri` identifier (the record's page when it has none), SSIF categories as
`classification authority="ssif"` (what Swepub's conversion reads), links to the full text elsewhere
(`location/url`, note="free" when free to read) and the access condition ("gratis"), which Swepub counts
as open access, and organisations both as corporate names (role `org`, the hierarchy as name parts,
`authority` + `xlink:href` = the organisation's id, `valueURI` its ROR id or its page here) and as
structured affiliations (`authority` and the same `valueURI`: the id itself is not a URI) beside the
affiliation as stated. Valid against mods-3-7.xsd. DiVA's quirk that the XSD rejects (`<p>` elements
inside abstracts) is not copied; an abstract of several paragraphs carries them as escaped HTML in its
text, as DiVA also does, so a harvester (Samla's among them) keeps the paragraph breaks.
"""

from __future__ import annotations

import html

from django.conf import settings
from lxml import etree

from samla.records.models import Record
from samla.vocabularies.identifiers import resolver_url

from . import bibliographic as bib
from . import mods as m

SCHEMA = "http://www.loc.gov/standards/mods/v3/mods-3-7.xsd"
# Output type → the Swepub publication type of before output types (genre authority="svep"); any other
# output type is "ovr". The MODS importer reads each code as the first output type listed for it.
SVEP_PUBLICATION_TYPES = {
    "publication/journal-article": "art",
    "publication/editorial-letter": "art",
    "publication/magazine-article": "art",
    "publication/newspaper-article": "art",
    "publication/review-article": "for",
    "publication/book-review": "rec",
    "publication/book": "bok",
    "publication/critical-edition": "bok",
    "publication/edited-book": "sam",
    "publication/journal-issue": "sam",
    "publication/book-chapter": "kap",
    "publication/report-chapter": "kap",
    "publication/foreword-afterword": "kap",
    "publication/encyclopedia-entry": "kap",
    "conference/paper": "kon",
    "conference/poster": "kon",
    "conference/other": "kon",
    "conference/proceeding": "pro",
    "publication/doctoral-thesis": "dok",
    "artistic-work/artistic-thesis": "dok",
    "publication/licentiate-thesis": "lic",
    "publication/report": "rap",
    "publication/working-paper": "rap",
    "intellectual-property/patent": "pat",
    "artistic-work/original-creative-work": "kfu",
    "publication/other": "ovr",
}


# Whom Swepub counts as creators: its creatorCount note and its minimum-level filter's names.
CREATOR_ROLES = (bib.AUTHOR, bib.EDITOR)


def write(record: Record) -> etree._Element:
    """One record as a Swepub <mods> element."""
    mods = m.root("3.7", SCHEMA)
    genres(mods, record)
    for contribution in bib.contributors(record):
        name = m.person_or_body(mods, contribution, swepub=True)
        local_identifiers(name, contribution)
    organisations(mods, record)
    m.conference(mods, record)
    m.title_infos(mods, record)
    m.language(mods, record)
    m.origin_info(mods, record)
    m.physical_description(mods, record)
    identifiers(mods, record)
    m.sub(mods, "typeOfResource", m.RESOURCE_TYPES.get(record.output_type, "text"))
    m.host_and_series(mods, record)
    ssif_classifications(mods, record)
    m.keywords(mods, record)
    _abstracts(mods, record)
    m.publication_status(mods, record)
    m.sub(mods, "note", str(len(bib.contributors(record, *CREATOR_ROLES))), type="creatorCount")
    if record.approved:
        m.sub(mods, "note", "verified", type="verificationStatus")  # bibliographically approved
    for funder in record.funders:
        grant = {"displayLabel": funder["grant"]} if funder.get("grant") else {}
        m.sub(
            mods, "note", funder["name"], type="funder", **grant
        )  # DiVA's funder note; the grant as its label
    for note in record.notes:
        m.sub(mods, "note", _paragraphs(note))
    m.licence(mods, record)
    m.full_text(mods, record)
    m.related_items(mods, record)
    m.record_info(mods, record, content_source=settings.LOCAL_ID_PREFIX)
    return mods


def genres(mods: etree._Element, record: Record) -> None:
    m.sub(mods, "genre", record.output_type, authority="kb.se", type="outputType")
    publication_type = SVEP_PUBLICATION_TYPES.get(record.output_type, "ovr")
    m.sub(mods, "genre", publication_type, authority="svep", type="publicationType")
    if content := m.SVEP_CONTENT_TYPES.get(record.content_type):
        m.sub(mods, "genre", content, authority="svep", type="contentType")


def local_identifiers(name: etree._Element, contribution) -> None:
    """The person's local user id as DiVA sends it (`<nameIdentifier type="kth">u1u9f2s7`), and a DiVA
    authority id as DiVA's description (`diva-portal.org=authority-person:24220`)."""
    person = contribution.person
    if person is None:
        return
    authority, _, value = (person.local_id or "").partition(":")
    if value:
        m.sub(name, "nameIdentifier", value, type=authority)
    if (person.authority_id or "").startswith("diva:"):
        m.sub(name, "description", "diva-portal.org=" + person.authority_id.removeprefix("diva:"))


def organisations(mods: etree._Element, record: Record) -> None:
    """Each organisation an affiliation links to, once, as a corporate name with its hierarchy."""
    seen: set[int] = set()
    for contribution in bib.contributors(record):
        for affiliation in contribution.affiliations.all():
            organisation = affiliation.organisation
            if organisation is None or organisation.pk in seen or ":" not in (organisation.identifier or ""):
                continue
            seen.add(organisation.pk)
            authority, _, value = organisation.identifier.partition(":")
            name = m.sub(
                mods,
                "name",
                type="corporate",
                authority=authority,
                href=value,
                valueURI=m.organisation_uri(organisation),
            )
            for level in bib.organisation_path(organisation):
                m.sub(name, "namePart", level.name_sv or level.name_en)
            m.sub(m.sub(name, "role"), "roleTerm", "org", type="code", authority="marcrelator")


def identifiers(mods: etree._Element, record: Record) -> None:
    """The URN:NBN as its resolver link (type uri), or the record's page when it has no URN (Swepub
    refuses a record without a uri: uriViolation), then the others; OAI identifiers travel in the
    OAI-PMH header, not here."""
    for uri in [resolver_url("urn", urn) for urn in bib.identifier_values(record, "urn")] or [
        bib.direct_link(record)
    ]:
        m.sub(mods, "identifier", uri, type="uri")
    m.identifiers(mods, record, skip=("urn", "oai"))


def ssif_classifications(mods: etree._Element, record: Record) -> None:
    """Each SSIF category as Swepub reads it: `classification authority="ssif"` with its code."""
    for code in bib.subject_codes(record):
        m.sub(mods, "classification", code, authority="ssif")


def _abstracts(mods: etree._Element, record: Record) -> None:
    for abstract in record.abstracts:
        if abstract.get("text", "").strip():
            m.sub(mods, "abstract", _paragraphs(abstract["text"]), lang=m.lang(abstract.get("language", "")))


def _paragraphs(text: str) -> str:
    """Plain text for one paragraph; several as escaped HTML paragraphs, as DiVA writes them."""
    paragraphs = [p for p in text.split("\n") if p.strip()]
    if len(paragraphs) <= 1:
        return text.strip()
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)

"""Reading DataCite Metadata Schema XML (kernel 3 and 4), the mirror of `exports.datacite`.

Files are parsed with the importer's safe parser (`oai_pmh.parse_xml`: no DTD, no entities, no network),
so a billion-laughs or external-entity file is refused whole. One <resource> is one record. The resource
type's text naming an output type (as the export writes it) is exact, else resourceTypeGeneral gives it;
creators are authors with ORCID, the journal or book is the IsPublishedIn related item, identifiers come
from the identifier, alternate identifiers and links.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree

from samla.exports.datacite import CONTRIBUTOR_TYPES
from samla.vocabularies.output_types import output_types

from . import references as ref
from .mapping import child, children, element_text, localname
from .oai_pmh import parse_xml

NAMESPACE_PREFIX = "http://datacite.org/schema/kernel-"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
OUTPUT_TYPES = {
    "JournalArticle": "publication/journal-article",
    "Book": "publication/book",
    "BookChapter": "publication/book-chapter",
    "ConferencePaper": "conference/paper",
    "ConferenceProceeding": "conference/proceeding",
    "Poster": "conference/poster",
    "Presentation": "conference/other",
    "Dissertation": "publication/doctoral-thesis",
    "Report": "publication/report",
    "Preprint": "publication/preprint",
    "PeerReview": "publication/book-review",
    "Dataset": "other/data-set",
    "Software": "other/software",
    "Collection": "publication/journal-issue",
    "Image": "artistic-work/original-creative-work",
}
# The inverse of the export's map, so a role written out is read back as the same role.
CONTRIBUTOR_ROLES = {datacite_type: role for role, datacite_type in CONTRIBUTOR_TYPES.items()}
IDENTIFIER_SCHEMES = {
    "doi": "doi",
    "urn": "urn",
    "handle": "handle",
    "isbn": "isbn",
    "pmid": "pmid",
    "arxiv": "arxiv",
    "wos": "isi",
    "scopus": "scopus",
    "url": "uri",
}


def is_datacite(root: etree._Element) -> bool:
    return localname(root) == "resource" and (etree.QName(root).namespace or "").startswith(NAMESPACE_PREFIX)


def read(path: Path) -> list[ref.Entry]:
    """The file's one record."""
    return read_tree(path, parse_xml(path))


def read_tree(path: Path, tree: etree._ElementTree) -> list[ref.Entry]:
    resource = tree.getroot()
    identifier = element_text(child(resource, "identifier"))
    return [ref.entry(str(path), resource.sourceline, identifier, map_resource(resource), "datacite")]


def map_resource(resource: etree._Element) -> dict[str, Any]:
    """A DataCite <resource> as a raw record input."""
    raw = ref.new_record(_output_type(child(resource, "resourceType")))
    raw["language"] = ref.language_code(element_text(child(resource, "language")))
    _titles(raw, resource)
    raw["contributors"] = [_person(c, "creator", "aut") for c in _all(resource, "creators", "creator")]
    raw["contributors"] += [
        _person(c, "contributor", CONTRIBUTOR_ROLES[c.get("contributorType", "")])
        for c in _all(resource, "contributors", "contributor")
        if c.get("contributorType") in CONTRIBUTOR_ROLES
    ]
    raw["issued"] = _issued(resource)
    raw["publisher"] = element_text(child(resource, "publisher"))
    _identifiers(raw, resource)
    for description in _all(resource, "descriptions", "description"):
        if description.get("descriptionType") == "Abstract":
            ref.add_abstract(raw, element_text(description), ref.language_code(description.get(XML_LANG, "")))
    keywords = [element_text(s) for s in _all(resource, "subjects", "subject") if not s.get("subjectScheme")]
    ref.add_keywords(raw, keywords)
    raw["funders"] = [
        {"name": element_text(child(f, "funderName")), "grant": element_text(child(f, "awardNumber"))}
        for f in _all(resource, "fundingReferences", "fundingReference")
    ]
    _published_in(raw, resource)
    return raw


def _all(resource: etree._Element, group: str, name: str) -> list[etree._Element]:
    found = child(resource, group)
    return children(found, name) if found is not None else []


def _output_type(resource_type: etree._Element | None) -> str:
    if resource_type is None:
        return "publication/other"
    by_label = {t.label_en.lower(): code for code, t in output_types().items()}
    return by_label.get(element_text(resource_type).lower()) or OUTPUT_TYPES.get(
        resource_type.get("resourceTypeGeneral", ""), "publication/other"
    )


def _titles(raw: dict[str, Any], resource: etree._Element) -> None:
    """The first title without a type is the title; a Subtitle its subtitle; the others alternatives."""
    alternatives = []
    for title in _all(resource, "titles", "title"):
        kind, language = title.get("titleType", ""), ref.language_code(title.get(XML_LANG, ""))
        if not kind and not raw.get("title"):
            raw["title"], raw["title_language"] = element_text(title), language
        elif kind == "Subtitle" and not raw.get("subtitle"):
            raw["subtitle"] = element_text(title)
        elif kind in ("AlternativeTitle", "TranslatedTitle"):
            alternatives.append({"title": element_text(title), "language": language})
    raw["alternative_titles"] = alternatives


def _person(element: etree._Element, role_name: str, role: str) -> dict[str, Any]:
    """A creator or contributor; "Organizational" names (and names without given/family) are organisations."""
    name = child(element, f"{role_name}Name")
    family, given = element_text(child(element, "familyName")), element_text(child(element, "givenName"))
    if name is not None and name.get("nameType") == "Organizational":
        return ref.organisation(element_text(name), role=role)
    orcids = [
        element_text(i)
        for i in children(element, "nameIdentifier")
        if i.get("nameIdentifierScheme", "").upper() == "ORCID"
    ]
    if not family:
        contributor = ref.split_name(element_text(name), role=role)
        family, given = contributor["family_name"], contributor["given_name"]
    found = ref.person(family, given, role=role, orcid=next(iter(orcids), ""))
    found["affiliations"] = [
        {"text": element_text(a)} for a in children(element, "affiliation") if element_text(a)
    ]
    return found


def _issued(resource: etree._Element) -> str:
    """The Issued date when given (as the export writes it), else the publication year."""
    for date in _all(resource, "dates", "date"):
        if date.get("dateType") == "Issued":
            year, _, rest = element_text(date).partition("-")
            month, _, day = rest.partition("-")
            return ref.issued(year, month, day[:2])
    return ref.issued(element_text(child(resource, "publicationYear")))


def _identifiers(raw: dict[str, Any], resource: etree._Element) -> None:
    """The identifier, then alternate identifiers of schemes known here (not "Local" or OAI ids, which
    name the record in the repository it came from)."""
    identifier = child(resource, "identifier")
    pairs = (
        [(identifier.get("identifierType", ""), element_text(identifier))] if identifier is not None else []
    )
    pairs += [
        (a.get("alternateIdentifierType", ""), element_text(a))
        for a in _all(resource, "alternateIdentifiers", "alternateIdentifier")
    ]
    for kind, value in pairs:
        scheme = IDENTIFIER_SCHEMES.get(kind.lower())
        if scheme == "uri":
            ref.add_link(raw, value)
        elif scheme:
            ref.add_identifier(raw, scheme, value)
    for size in _all(resource, "sizes", "size"):
        pages = element_text(size).removesuffix(" pages")
        if pages.isdigit():
            raw["page_count"] = int(pages)


def _published_in(raw: dict[str, Any], resource: etree._Element) -> None:
    """The journal, book or proceedings of the IsPublishedIn related item, with where in it."""
    item = next(
        (
            i
            for i in _all(resource, "relatedItems", "relatedItem")
            if i.get("relationType") == "IsPublishedIn"
        ),
        None,
    )
    if item is None:
        return
    title = element_text(child(child(item, "titles"), "title")) if child(item, "titles") is not None else ""
    identifier = child(item, "relatedItemIdentifier")
    kind = identifier.get("relatedItemIdentifierType", "") if identifier is not None else ""
    if item.get("relatedItemType") == "Journal":
        raw["journal"] = ref.journal(title, [element_text(identifier)] if kind == "ISSN" else [])
    else:
        raw["host_title"] = title
        if kind == "ISBN":
            ref.add_identifier(raw, "isbn", element_text(identifier))
    for field, name in (
        ("volume", "volume"),
        ("issue", "issue"),
        ("pages_start", "firstPage"),
        ("pages_end", "lastPage"),
    ):
        raw[field] = element_text(child(item, name))
    number = child(item, "number")
    if number is not None and number.get("numberType", "Article") == "Article":
        raw["article_number"] = element_text(number)
    raw["publisher"] = raw["publisher"] or element_text(child(item, "publisher"))

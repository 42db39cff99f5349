"""Mapping one MODS record to the record service's input: DiVA's Swepub MODS (3.2, 3.5, 3.7) and
stand-alone MODS files.

DiVA names the organisation hierarchy with corporate <name>s (role pbl; Swepub uses org), and links a
person's <affiliation> to one of them only by repeating its path as text ("KTH, Elektronik"). The mapper
returns those organisations with the record so the importer can create them before the record.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from lxml import etree

from samla.exports.bibliographic import JOURNAL_TYPES
from samla.exports.mods import SVEP_CONTENT_TYPES
from samla.exports.swepub_mods import SVEP_PUBLICATION_TYPES
from samla.vocabularies.licences import find_licence
from samla.vocabularies.record_terms import ACCESS_CONDITIONS as ACCESS_CONDITION_CHOICES
from samla.vocabularies.record_terms import CONTRIBUTOR_ROLES, RELATIONS
from samla.vocabularies.subjects import ssif_codes

from .mapping import (
    XLINK_HREF,
    Children,
    Header,
    MappedRecord,
    OrganisationPath,
    add_header,
    clean,
    date_part,
    element_text,
    localname,
    rich_text,
)

MODS_NS = "http://www.loc.gov/mods/v3"
NO_HEADER = Header()

# Swepub output types by DiVA publicationTypeCode, refined by publicationSubTypeCode where DiVA splits one.
DIVA_TYPES = {
    "article": "publication/journal-article",
    "review": "publication/review-article",
    "bookReview": "publication/book-review",
    "book": "publication/book",
    "chapter": "publication/book-chapter",
    "collection": "publication/edited-book",
    "comprehensiveDoctoralThesis": "publication/doctoral-thesis",
    "monographDoctoralThesis": "publication/doctoral-thesis",
    "comprehensiveLicentiateThesis": "publication/licentiate-thesis",
    "monographLicentiateThesis": "publication/licentiate-thesis",
    "conferencePaper": "conference/paper",
    "conferenceProceedings": "conference/proceeding",
    "manuscript": "publication/preprint",
    "patent": "intellectual-property/patent",
    "report": "publication/report",
    "artisticOutput": "artistic-work/original-creative-work",
    "dataset": "other/data-set",
    "other": "publication/other",
}
DIVA_SUBTYPES = {
    ("article", "reviewArticle"): "publication/review-article",
    ("article", "letter"): "publication/editorial-letter",
    ("article", "editorialMaterial"): "publication/editorial-letter",
    ("article", "bookReview"): "publication/book-review",
    ("conferencePaper", "abstracts"): "conference/other",
    ("conferencePaper", "poster"): "conference/poster",
    ("conferencePaper", "presentation"): "conference/other",
}
# The publication types of SwePub before output types (genre authority="svep" type="publicationType"):
# each code reads as the first output type the Swepub writer gives it.
SVEP_TYPES = {code: output_type for output_type, code in reversed(SVEP_PUBLICATION_TYPES.items())}
CONTENT_TYPES = {
    "refereed": "refereed",
    "refereedArtisticOutput": "refereed",
    "science": "other-academic",
    "popularScience": "popular-science",
    "other": "popular-science",  # DiVA: "Other (popular science, discussion, etc.)"
    **{code: content_type for content_type, code in SVEP_CONTENT_TYPES.items()},
}
IDENTIFIER_SCHEMES = {"hdl": "handle"}
ORGANISATION_ROLES = {"pbl", "org"}
KNOWN_ROLES = {code for code, _label in CONTRIBUTOR_ROLES}
ACCESS_CONDITIONS = {code for code, _label in ACCESS_CONDITION_CHOICES}
# MARC relators with a Samla equivalent; any other relator is a contributor (ctb), as MARC advises.
ROLE_SYNONYMS = {"cre": "aut"}
# Notes that are bookkeeping of the sending system, not statements about the publication.
BOOKKEEPING_NOTES = {"creatorCount", "verificationStatus", "publicationChannel"}
SSIF_AUTHORITIES = {"uka.se", "hsv"}
ORIGIN_FIELDS = {"dateIssued", "dateOther", "publisher", "place", "edition"}
# Genres of a host relatedItem that is not the publication's host (Swepub's minimum-level filter).
HOST_OTHER_GENRES = {"project", "initiative", "grantAgreement", "programme", "event", "dataset"}
WEB_URL = re.compile(r"https?://\S+$", re.IGNORECASE)
PART_DETAILS = {"volume": "volume", "issue": "issue", "artNo": "article_number"}
ISBD_COLON = re.compile(r"\s*:$")
PAGES = re.compile(r"(\d+)(\s*(s|p|pp|pages|sidor)\.?)?")
BIRTH_YEAR = re.compile(r"\d{4}")


def map_mods(mods: etree._Element, *, header: Header = NO_HEADER) -> MappedRecord:
    """The record a <mods> element describes, with the organisations its affiliations link to.

    Each element the mapping reads is asked for its children once (`Children`), and each value read
    once: asking lxml for children, text and attributes is most of what mapping a record costs."""
    top = Children(mods)
    names = [_Name(name) for name in top.all("name")]
    organisations = _organisations(names)
    contributors, linked = _contributors(names, organisations)
    genres = _genres(top)
    output_type = _output_type(genres)
    host, series = _host(top), _related(top, "series")
    raw: dict[str, Any] = {
        **_record_info(top),
        **_titles(top),
        "output_type": output_type,
        "content_type": _content_type(genres),
        "language": _language(top),
        **_origin(top),
        "page_count": _page_count(top),
        **_host_and_series(host, series, output_type),
        "conference": _conference(names),
        "abstracts": _abstracts(top),
        **_subjects_and_keywords(top),
        **_notes(top),
        **_full_text(top),
        "relations": _relations(top),
        "contributors": contributors,
    }
    raw["identifiers"], article_number = _identifiers(top)
    raw["identifiers"] += _host_isbns(host)
    raw["article_number"] = raw.get("article_number") or article_number
    add_header(raw, header)
    return MappedRecord(raw, tuple(o for o in organisations if o.identifier in linked), format="mods")


def _conference(names: list[_Name]) -> str:
    """The conference's names (not its role, which Lund's records give it as "org")."""
    parts = (element_text(p) for n in names if n.kind == "conference" for p in n.parts.all("namePart"))
    return ", ".join(part for part in parts if part)


def _genres(mods: Children) -> dict[tuple[str | None, str | None], str]:
    """The coded genres by authority and type, the first of each (no lang attribute: the labelled
    ones repeat it in three languages)."""
    genres: dict[tuple[str | None, str | None], str] = {}
    for genre in mods.all("genre"):
        if not genre.get("lang"):
            genres.setdefault((genre.get("authority"), genre.get("type")), genre.text)
    return {key: clean(text) for key, text in genres.items()}


def _output_type(genres: dict[tuple[str | None, str | None], str]) -> str:
    """The Swepub output type; an unknown source code or a plain genre word is passed on (a code
    prefixed), for the service to guess the output type from and name in its flag."""
    if output_type := genres.get(("kb.se", "outputType")):
        return output_type
    if code := genres.get(("diva", "publicationTypeCode")):
        subtype = genres.get(("diva", "publicationSubTypeCode"), "")
        return DIVA_SUBTYPES.get((code, subtype)) or DIVA_TYPES.get(code) or f"diva:{code}"
    if code := genres.get(("svep", "publicationType")):
        return SVEP_TYPES.get(code, f"svep:{code}")
    return genres.get((None, None), "")  # an uncontrolled genre word (JabRef): the service's hint


def _content_type(genres: dict[tuple[str | None, str | None], str]) -> str:
    code = genres.get(("diva", "contentTypeCode")) or genres.get(("svep", "contentType"), "")
    return CONTENT_TYPES.get(code, code)


def _record_info(mods: Children) -> dict[str, Any]:
    info = mods.first("recordInfo")
    if info is None:
        return {}
    fields = Children(info)
    return {
        "local_id": element_text(fields.first("recordIdentifier")),
        "created": date_part(element_text(fields.first("recordCreationDate"))) or None,
        "last_updated": date_part(element_text(fields.first("recordChangeDate"))) or None,
    }


def _titles(mods: Children) -> dict[str, Any]:
    """The first untyped titleInfo is the title; every other one (alternative, translated) is an
    alternative title."""
    infos = []
    for info in mods.all("titleInfo"):
        found = Children(info)
        if title := element_text(found.first("title")):
            infos.append((info, _title_parts(title, element_text(found.first("subTitle")))))
    if not infos:
        return {"title": ""}
    main, (title, subtitle) = next(((i, p) for i, p in infos if not i.get("type")), infos[0])
    return {
        "title": title,
        "subtitle": subtitle,
        "title_language": main.get("lang", ""),
        "alternative_titles": [
            {"title": parts[0], "subtitle": parts[1], "language": info.get("lang", "")}
            for info, parts in infos
            if info is not main
        ],
    }


def _title_parts(title: str, subtitle: str) -> tuple[str, str]:
    """Title and subtitle; DiVA ends a title followed by a subtitle with the ISBD colon, which goes."""
    return (ISBD_COLON.sub("", title) if subtitle else title), subtitle


def _language(mods: Children) -> str:
    """The language of the publication (not of the defence: objectPart="defence")."""
    for language in mods.all("language"):
        if not language.get("objectPart"):
            for term in Children(language).all("languageTerm"):
                if term.get("type") == "code":
                    return clean(term.text)
    return ""


def _origin(mods: Children) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for origin in mods.all("originInfo"):
        for element in origin.iterchildren(etree.Element):
            _origin_field(element, fields)
    return fields


def _origin_field(element: etree._Element, fields: dict[str, Any]) -> None:
    name = localname(element)
    if name not in ORIGIN_FIELDS or not (value := element_text(element)):
        return
    if name == "dateOther" and element.get("type") == "availableFrom":
        fields.setdefault("available_from", date_part(value))
    elif name in ("publisher", "place", "edition"):
        fields.setdefault(name, value)
    elif name == "dateIssued":
        fields.setdefault("issued", date_part(value))


def _page_count(mods: Children) -> str | None:
    """The number of an extent that is a number of pages ("73", "18 s."); other extents say nothing
    countable. Passed on as the digits: the input schema makes the number, and names page_count when
    it is not one (a number of 5,000 digits made int() raise, which stopped the whole import)."""
    for description in mods.all("physicalDescription"):
        for extent in Children(description).all("extent"):
            if match := PAGES.fullmatch(element_text(extent)):
                return match.group(1)
    return None


def _host(mods: Children) -> Children | None:
    """The journal, book or proceedings the publication appears in, from every host relatedItem that
    describes it: DiVA often sends the part (issue, pages) and the journal (title, ISSN) as two. A host
    that names a project, grant or event (Swepub's excluded genres), or a relation Samla wrote, is not it."""
    items = [
        item
        for item in mods.all("relatedItem")
        if item.get("type") == "host"
        and item.get("displayLabel", "") not in RELATIONS
        and not _names_other(item)
    ]
    return Children.of_all(items) if items else None


def _names_other(item: etree._Element) -> bool:
    return any(clean(genre.text) in HOST_OTHER_GENRES for genre in Children(item).all("genre"))


def _related(mods: Children, kind: str) -> Children | None:
    item = next((r for r in mods.all("relatedItem") if r.get("type") == kind), None)
    return Children(item) if item is not None else None


def _related_title(item: Children) -> str:
    for info in item.all("titleInfo"):
        if title := element_text(Children(info).first("title")):
            return title
    return ""


def _related_numbers(item: Children) -> dict[str, str]:
    """ISSN and E-ISSN; DiVA also sends the E-ISSN as an issn labelled "EISSN"."""
    numbers = {"issn": "", "eissn": ""}
    for identifier in item.all("identifier"):
        kind = identifier.get("type")
        if kind == "issn" and (identifier.get("displayLabel") or "").lower() == "eissn":
            kind = "eissn"
        if kind in numbers and not numbers[kind]:
            numbers[kind] = element_text(identifier)
    return numbers


def _host_and_series(host: Children | None, series: Children | None, output_type: str) -> dict[str, Any]:
    """Journal, or book/proceedings title, with volume, issue and pages; a series when there is no journal."""
    fields: dict[str, Any] = {}
    if host is not None:
        fields.update(_part(host.first("part")))
        title, numbers = _related_title(host), _related_numbers(host)
        if title and (any(numbers.values()) or output_type in JOURNAL_TYPES):
            origin = host.first("originInfo")
            publisher = element_text(Children(origin).first("publisher")) if origin is not None else ""
            fields["journal"] = {"title": title, **numbers, "publisher": publisher}
        elif title:
            fields["host_title"] = title
    title = _related_title(series) if series is not None else ""
    if title and "journal" not in fields:
        fields["journal"] = {"title": title, **_related_numbers(series), "kind": "series"}
        fields["series_number"] = next(
            (element_text(i) for i in series.all("identifier") if i.get("type") == "issue number"), ""
        )
    return fields


def _part(part: etree._Element | None) -> dict[str, str]:
    if part is None:
        return {}
    fields = {}
    found = Children(part)
    for detail in found.all("detail"):
        if field := PART_DETAILS.get(detail.get("type", "")):
            fields[field] = element_text(Children(detail).first("number"))
    extent = found.first("extent")
    if extent is not None:
        pages = Children(extent)
        fields["pages_start"] = element_text(pages.first("start"))
        fields["pages_end"] = element_text(pages.first("end"))
    return {field: value for field, value in fields.items() if value}


def _relations(mods: Children) -> list[dict[str, str]]:
    """Related works written as Samla's exports write them: relatedItem with the relation as displayLabel."""
    relations = []
    for item in mods.all("relatedItem"):
        if (relation := item.get("displayLabel", "")) not in RELATIONS:
            continue
        found = Children(item)
        identifier = next((i for i in found.all("identifier") if i.get("type") not in ("uri", None)), None)
        if identifier is not None:
            scheme = {"hdl": "handle"}.get(identifier.get("type"), identifier.get("type"))
            label = next((element_text(n) for n in found.all("note") if n.get("type") == "relationLabel"), "")
            relations.append(
                {"relation": relation, "scheme": scheme, "value": element_text(identifier), "label": label}
            )
    return relations


def _host_isbns(host: Children | None) -> list[dict[str, str]]:
    """The ISBN of the book a chapter appears in, which DiVA shows on the chapter's record."""
    if host is None:
        return []
    return [
        {"scheme": "isbn", "value": value}
        for i in host.all("identifier")
        if i.get("type") == "isbn" and (value := element_text(i))
    ]


def _identifiers(mods: Children) -> tuple[list[dict[str, str]], str]:
    """The record's identifiers, and its article number (DiVA's articleId)."""
    identifiers, article_number = [], ""
    for element in mods.all("identifier"):
        kind, value = element.get("type", ""), element_text(element)
        if not value:
            continue
        if kind == "articleId":
            article_number = article_number or value
            continue
        if kind == "uri":
            kind = "urn" if "urn:nbn:" in value.lower() else "uri"
        elif kind == "scopus" and value.isdigit():
            value = f"2-s2.0-{value}"  # Swepub sends some Scopus ids without the EID prefix
        identifiers.append({"scheme": IDENTIFIER_SCHEMES.get(kind, kind), "value": value})
    return identifiers, article_number


def _abstracts(mods: Children) -> list[dict[str, str]]:
    abstracts = [{"language": a.get("lang", ""), "text": rich_text(a)} for a in mods.all("abstract")]
    return [a for a in abstracts if a["text"]]


def _subjects_and_keywords(mods: Children) -> dict[str, Any]:
    """SSIF categories (classification authority="ssif" as Swepub reads them, subjects of authority
    uka.se, or hsv in older records) that Samla knows, and free keywords (subjects without an
    authority), one list a language in the order they come.

    DiVA repeats each category once a language, and categories withdrawn from SSIF are not
    classifications any more."""
    codes = [
        code
        for element in mods.all("classification")
        if element.get("authority") == "ssif"
        and (code := clean(element.get(XLINK_HREF)) or element_text(element))
    ]
    terms: dict[str, list[str]] = {}
    for subject in mods.all("subject"):
        if authority := subject.get("authority"):
            if (
                authority in SSIF_AUTHORITIES
                and (code := clean(subject.get(XLINK_HREF)))
                and code not in codes
            ):
                codes.append(code)
            continue
        found = terms.setdefault(subject.get("lang", ""), [])
        for topic in Children(subject).all("topic"):
            if (term := element_text(topic)) and term not in found:
                found.append(term)
    known = ssif_codes()
    return {
        "keywords": [{"language": language, "terms": found} for language, found in terms.items() if found],
        "subjects": [code for code in codes if code in known],
    }


def _notes(mods: Children) -> dict[str, Any]:
    """Notes, funders, publication status and licence, which DiVA all sends as <note>s."""
    fields: dict[str, Any] = {"notes": [], "funders": [], "licence": _access_licence(mods)}
    for note in mods.all("note"):
        kind, text = note.get("type"), rich_text(note)
        if kind == "verificationStatus" and text == "verified":
            fields["approved"] = (
                True  # bibliographically approved (Samla writes this; DiVA sends "not verified…")
            )
        if not text or kind in BOOKKEEPING_NOTES:
            continue
        if kind == "publicationStatus":
            fields["publication_status"] = "-".join(text.lower().split("/")[0].split())
        elif kind == "funder":
            fields["funders"].append({"name": text, "grant": clean(note.get("displayLabel"))})
        else:
            fields["notes"].append(text)
            fields["licence"] = fields["licence"] or _licence(text)
    return fields


def _full_text(mods: Children) -> dict[str, Any]:
    """Links to the publication elsewhere (location/url, with DiVA's label: "fulltext", "spikblad"…; an
    open one is note="free"), and the access condition Swepub counts as open access ("gratis"). The
    record's own page (usage "primary display", as Samla writes it) is not a link elsewhere, and a
    licence given as accessCondition is the licence (`_access_licence`)."""
    links = []
    for location in mods.all("location"):
        for url in Children(location).all("url"):
            address = element_text(url)
            if WEB_URL.match(address) and url.get("usage") != "primary display":
                label = clean(url.get("displayLabel"))
                links.append({"url": address, "label": label, "free": url.get("note") == "free"})
    conditions = (element_text(c) for c in mods.all("accessCondition") if not c.get(XLINK_HREF))
    return {
        "links": links,
        "access_condition": next((c for c in conditions if c in ACCESS_CONDITIONS), ""),
    }


def _access_licence(mods: Children) -> str:
    for condition in mods.all("accessCondition"):
        for text in (condition.get(XLINK_HREF, ""), element_text(condition)):
            if licence := _licence(text):
                return licence
    return ""


def _licence(text: str) -> str:
    licence = find_licence(text) if text else None
    return licence.id if licence else ""


# ---------------------------------------------------------------- names


class _Name:
    """A <name>: its type, children by local name and roles, each read from lxml once.

    Why: a record has some ten names, and mapping one asked lxml apart for its nameParts, roles,
    identifiers, descriptions and affiliations; `Children` finds them in one pass, as for <mods>.
    A plain class with slots, as a frozen dataclass's __init__ sets each field through object.__setattr__."""

    __slots__ = ("element", "kind", "parts", "roles")

    def __init__(self, element: etree._Element) -> None:
        self.element = element
        self.kind = element.get("type")  # personal, corporate, conference
        self.parts = Children(element)
        terms = (clean(t.text) for r in self.parts.all("role") for t in Children(r).all("roleTerm"))
        self.roles = [term for term in terms if term]

    @property
    def names_organisation(self) -> bool:
        """Whether a corporate name is the organisation hierarchy (role pbl or org, or none), not a
        corporate author."""
        return not self.roles or any(role in ORGANISATION_ROLES for role in self.roles)


def _name_identifier(name: _Name) -> str:
    """The source's id of a person or organisation: authority + xlink:href ("liu:matth80"), or a
    nameIdentifier typed with the authority ("lu:teok-ury"); DiVA writes "n/a" for none."""
    element = name.element
    href = clean(element.get(XLINK_HREF))
    if href and href != "n/a" and (authority := element.get("authority")):
        return f"{authority}:{href}"
    for identifier in name.parts.all("nameIdentifier"):
        kind, value = identifier.get("type", ""), element_text(identifier)
        if kind and kind != "orcid" and value:
            return f"{kind}:{value}"
    return ""


def _organisations(names: list[_Name]) -> list[OrganisationPath]:
    """The record's organisation hierarchy: identified corporate names that are not contributors."""
    found: dict[str, OrganisationPath] = {}
    for name in names:
        if name.kind != "corporate" or not name.names_organisation:
            continue
        identifier = _name_identifier(name)
        parts = tuple(text for part in name.parts.all("namePart") if (text := element_text(part)))
        if identifier and parts:
            found.setdefault(identifier, OrganisationPath(identifier, parts))
    return list(found.values())


def _contributors(
    names: list[_Name], organisations: list[OrganisationPath]
) -> tuple[list[dict[str, Any]], set[str]]:
    """People (and corporate authors) in the order the source lists them, and the organisations their
    affiliations link to."""
    contributors, linked = [], set()
    links = _links(organisations, names)
    for name in names:
        if name.kind == "personal":
            contributors.append(_person(name, links))
            linked.update(a["organisation"] for a in contributors[-1]["affiliations"] if a["organisation"])
        elif name.kind == "corporate" and not name.names_organisation:
            parts = [element_text(p) for p in name.parts.all("namePart")]
            contributors.append(
                {
                    "family_name": ", ".join(n for n in parts if n),
                    "role": _role(name.roles),
                    "is_organisation": True,
                }
            )
    return contributors, linked


def _role(roles: list[str]) -> str:
    for role in roles:
        if (role := ROLE_SYNONYMS.get(role, role)) in KNOWN_ROLES:
            return role
    return "ctb" if roles else "aut"


def _person(name: _Name, links: list[_Link]) -> dict[str, Any]:
    parts: dict[str, str] = {}
    for part in name.parts.all("namePart"):
        parts.setdefault(part.get("type", ""), element_text(part))
    family, given = parts.get("family", ""), parts.get("given", "")
    if not family and "" in parts:  # an untyped "Family, Given"
        family, _, given = (p.strip() for p in parts[""].partition(","))
    person = _person_ref(name, parts.get("date", ""))
    return {
        "family_name": family,
        "given_name": given,
        "role": _role(name.roles),
        **({"person": person} if person else {}),
        "affiliations": [
            _affiliation(text, uri, links) for uri, text in _most_specific(name.parts.all("affiliation"))
        ],
    }


def _person_ref(name: _Name, date: str) -> dict[str, Any] | None:
    """ORCID, local and DiVA authority ids; none of them means no authority record, as in DiVA."""
    ref: dict[str, Any] = {"orcid": "", "local_id": _name_identifier(name), "authority_id": ""}
    for element in (*name.parts.all("nameIdentifier"), *name.parts.all("description")):
        text = element_text(element)
        if element.get("type") == "orcid":
            ref["orcid"] = ref["orcid"] or text
        elif text.startswith("orcid.org="):
            ref["orcid"] = ref["orcid"] or text.removeprefix("orcid.org=")
        elif text.startswith("diva-portal.org="):
            ref["authority_id"] = "diva:" + text.removeprefix("diva-portal.org=")
    if not any(ref.values()):
        return None
    birth = BIRTH_YEAR.match(date)
    return {**ref, "birth_year": int(birth.group()) if birth else None}


def _most_specific(affiliations: Sequence[etree._Element]) -> list[tuple[str, str]]:
    """The valueURI and text of the affiliations that say something.

    Swepub's structured affiliations list every level of the hierarchy (each naming its parent in
    `authority`) in each language; the most specific level, once, is the affiliation."""
    read = [(a.get("authority"), a.get("valueURI"), a) for a in affiliations]
    parents = {authority for authority, _uri, _a in read}
    kept, seen = [], set()
    for _authority, uri, affiliation in read:
        if uri and (uri in parents or uri in seen):
            continue
        seen.add(uri)
        if text := element_text(affiliation):
            kept.append((uri or "", text))
    return kept


# An organisation as affiliations name it: its identifier, the texts that link to it (the whole path,
# or "<university>, <unit>"), and the URIs an affiliation gives as valueURI: the last part of its
# identifier (as Swepub and DiVA give it) and the valueURI of its corporate name (as Samla writes it).
_Link = tuple[str, tuple[str, str], tuple[str, ...]]


def _links(organisations: list[OrganisationPath], names: list[_Name]) -> list[_Link]:
    uris = {}
    for name in names:
        if name.kind == "corporate" and (uri := clean(name.element.get("valueURI"))):
            uris.setdefault(_name_identifier(name), uri)
    return [
        (
            o.identifier,
            (", ".join(o.names), f"{o.names[0]}, {o.names[-1]}"),
            (o.identifier.split(":")[-1], *([uris[o.identifier]] if o.identifier in uris else [])),
        )
        for o in organisations
    ]


def _affiliation(text: str, uri: str, links: list[_Link]) -> dict[str, str]:
    """The affiliation text, linked to the corporate name it repeats: DiVA writes the path whole or as
    "<university>, <unit>", Swepub gives the organisation's id as valueURI, Samla's Swepub MODS the
    same URI as the corporate name's."""
    for identifier, texts, uris in links:
        if text in texts or (uri and uri in uris):
            return {"organisation": identifier, "text": text}
    return {"organisation": "", "text": text}

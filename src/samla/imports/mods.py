"""Mapping one MODS record to the record service's input: DiVA's Swepub MODS (3.2, 3.5, 3.7) and
stand-alone MODS files.

DiVA names the organisation hierarchy with corporate <name>s (role pbl; Swepub uses org), and links a
person's <affiliation> to one of them only by repeating its path as text ("KTH, Elektronik"). The mapper
returns those organisations with the record so the importer can create them before the record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml import etree

from samla.records.vocabulary import CONTRIBUTOR_ROLES, RELATIONS
from samla.vocabularies.licences import find_licence
from samla.vocabularies.subjects import ssif_codes

from .mapping import (
    XLINK_HREF,
    Children,
    Header,
    MappedRecord,
    OrganisationPath,
    add_header,
    child,
    children,
    clean,
    date_part,
    element_text,
    localname,
    record_in,
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
# The publication types of SwePub before output types (genre authority="svep" type="publicationType").
SVEP_TYPES = {
    "art": "publication/journal-article",
    "for": "publication/review-article",
    "rec": "publication/book-review",
    "kon": "conference/paper",
    "pro": "conference/proceeding",
    "bok": "publication/book",
    "kap": "publication/book-chapter",
    "sam": "publication/edited-book",
    "rap": "publication/report",
    "dok": "publication/doctoral-thesis",
    "lic": "publication/licentiate-thesis",
    "pat": "intellectual-property/patent",
    "kfu": "artistic-work/original-creative-work",
    "ovr": "publication/other",
}
CONTENT_TYPES = {
    "refereed": "refereed",
    "refereedArtisticOutput": "refereed",
    "science": "other-academic",
    "popularScience": "popular-science",
    "other": "popular-science",  # DiVA: "Other (popular science, discussion, etc.)"
    "ref": "refereed",
    "vet": "other-academic",
    "pop": "popular-science",
}
# Output types published in a journal: their host is a journal even when the source gives no ISSN.
JOURNAL_TYPES = {
    "publication/journal-article",
    "publication/review-article",
    "publication/editorial-letter",
    "publication/book-review",
    "publication/magazine-article",
    "publication/newspaper-article",
}
IDENTIFIER_SCHEMES = {"hdl": "handle"}
ORGANISATION_ROLES = {"pbl", "org"}
KNOWN_ROLES = {code for code, _label in CONTRIBUTOR_ROLES}
# MARC relators with a Samla equivalent; any other relator is a contributor (ctb), as MARC advises.
ROLE_SYNONYMS = {"cre": "aut"}
# Notes that are bookkeeping of the sending system, not statements about the publication.
BOOKKEEPING_NOTES = {"creatorCount", "verificationStatus", "publicationChannel"}
SSIF_AUTHORITIES = {"uka.se", "hsv"}


def map_mods(mods: etree._Element, *, header: Header = NO_HEADER) -> MappedRecord:
    """The record a <mods> element describes, with the organisations its affiliations link to."""
    top = Children(mods)
    names = [_Name.of(name) for name in top.all("name")]
    organisations = _organisations(names)
    contributors, linked = _contributors(names, organisations)
    output_type = _output_type(top)
    raw: dict[str, Any] = {
        **_record_info(top),
        **_titles(top),
        "output_type": output_type,
        "content_type": _content_type(top),
        "language": _language(top),
        **_origin(top),
        "page_count": _page_count(top),
        **_host_and_series(top, output_type),
        "conference": ", ".join(element_text(n) for n in top.all("name") if n.get("type") == "conference"),
        "abstracts": _abstracts(top),
        "keywords": _keywords(top),
        "subjects": _subjects(top),
        **_notes(top),
        "relations": _relations(top),
        "contributors": contributors,
    }
    raw["identifiers"], article_number = _identifiers(top)
    raw["identifiers"] += _host_isbns(top)
    raw["article_number"] = raw.get("article_number") or article_number
    add_header(raw, header)
    return MappedRecord(record_in(raw), tuple(o for o in organisations if o.identifier in linked))


def _genre(mods: Children, authority: str, kind: str) -> str:
    """A coded genre (no lang attribute: the labelled ones repeat it in three languages)."""
    for genre in mods.all("genre"):
        if genre.get("authority") == authority and genre.get("type") == kind and not genre.get("lang"):
            return clean(genre.text)
    return ""


def _output_type(mods: Children) -> str:
    """The Swepub output type; an unknown source code is passed on prefixed, so the service names it."""
    if output_type := _genre(mods, "kb.se", "outputType"):
        return output_type
    if code := _genre(mods, "diva", "publicationTypeCode"):
        subtype = _genre(mods, "diva", "publicationSubTypeCode")
        return DIVA_SUBTYPES.get((code, subtype)) or DIVA_TYPES.get(code) or f"diva:{code}"
    if code := _genre(mods, "svep", "publicationType"):
        return SVEP_TYPES.get(code, f"svep:{code}")
    return ""


def _content_type(mods: Children) -> str:
    code = _genre(mods, "diva", "contentTypeCode") or _genre(mods, "svep", "contentType")
    return CONTENT_TYPES.get(code, code)


def _record_info(mods: Children) -> dict[str, Any]:
    info = mods.first("recordInfo")
    if info is None:
        return {}
    return {
        "local_id": element_text(child(info, "recordIdentifier")),
        "created": date_part(element_text(child(info, "recordCreationDate"))) or None,
        "last_updated": date_part(element_text(child(info, "recordChangeDate"))) or None,
    }


def _titles(mods: Children) -> dict[str, Any]:
    """The first untyped titleInfo is the title; every other one (alternative, translated) is an
    alternative title."""
    infos = [t for t in mods.all("titleInfo") if element_text(child(t, "title"))]
    if not infos:
        return {"title": ""}
    main = next((t for t in infos if not t.get("type")), infos[0])
    title, subtitle = _title_parts(main)
    return {
        "title": title,
        "subtitle": subtitle,
        "title_language": main.get("lang", ""),
        "alternative_titles": [
            dict(zip(("title", "subtitle"), _title_parts(t), strict=True), language=t.get("lang", ""))
            for t in infos
            if t is not main
        ],
    }


def _title_parts(info: etree._Element) -> tuple[str, str]:
    """Title and subtitle; DiVA ends a title followed by a subtitle with the ISBD colon, which goes."""
    title, subtitle = element_text(child(info, "title")), element_text(child(info, "subTitle"))
    return (re.sub(r"\s*:$", "", title) if subtitle else title), subtitle


def _language(mods: Children) -> str:
    """The language of the publication (not of the defence: objectPart="defence")."""
    for language in mods.all("language"):
        if not language.get("objectPart"):
            for term in children(language, "languageTerm"):
                if term.get("type") == "code":
                    return clean(term.text)
    return ""


def _origin(mods: Children) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for origin in mods.all("originInfo"):
        for element in origin:
            _origin_field(element, fields)
    return fields


def _origin_field(element: etree._Element, fields: dict[str, Any]) -> None:
    name, value = localname(element), element_text(element)
    if not value:
        return
    if name == "dateOther" and element.get("type") == "availableFrom":
        fields.setdefault("available_from", date_part(value))
    elif name in ("publisher", "place", "edition"):
        fields.setdefault(name, value)
    elif name == "dateIssued":
        fields.setdefault("issued", date_part(value))


def _page_count(mods: Children) -> int | None:
    """The extent when it is a number of pages ("73", "18 s."); other extents say nothing countable."""
    for description in mods.all("physicalDescription"):
        for extent in children(description, "extent"):
            if match := re.fullmatch(r"(\d+)(\s*(s|p|pp|pages|sidor)\.?)?", element_text(extent)):
                return int(match.group(1))
    return None


def _related(mods: Children, kind: str) -> etree._Element | None:
    return next((r for r in mods.all("relatedItem") if r.get("type") == kind), None)


def _related_title(item: etree._Element) -> str:
    info = child(item, "titleInfo")
    return element_text(child(info, "title")) if info is not None else ""


def _related_numbers(item: etree._Element) -> dict[str, str]:
    numbers = {"issn": "", "eissn": ""}
    for identifier in children(item, "identifier"):
        if identifier.get("type") in numbers and not numbers[identifier.get("type")]:
            numbers[identifier.get("type")] = element_text(identifier)
    return numbers


def _host_and_series(mods: Children, output_type: str) -> dict[str, Any]:
    """Journal, or book/proceedings title, with volume, issue and pages; a series when there is no journal."""
    fields: dict[str, Any] = {}
    host = _related(mods, "host")
    if host is not None:
        fields.update(_part(child(host, "part")))
        title, numbers = _related_title(host), _related_numbers(host)
        if title and (any(numbers.values()) or output_type in JOURNAL_TYPES):
            origin = child(host, "originInfo")
            publisher = element_text(child(origin, "publisher")) if origin is not None else ""
            fields["journal"] = {"title": title, **numbers, "publisher": publisher}
        elif title:
            fields["host_title"] = title
    series = _related(mods, "series")
    title = _related_title(series) if series is not None else ""
    if title and "journal" not in fields:
        fields["journal"] = {"title": title, **_related_numbers(series), "kind": "series"}
        fields["series_number"] = next(
            (element_text(i) for i in children(series, "identifier") if i.get("type") == "issue number"), ""
        )
    return fields


def _part(part: etree._Element | None) -> dict[str, str]:
    if part is None:
        return {}
    fields = {}
    for detail in children(part, "detail"):
        field = {"volume": "volume", "issue": "issue", "artNo": "article_number"}.get(detail.get("type", ""))
        if field:
            fields[field] = element_text(child(detail, "number"))
    extent = child(part, "extent")
    if extent is not None:
        fields["pages_start"] = element_text(child(extent, "start"))
        fields["pages_end"] = element_text(child(extent, "end"))
    return {field: value for field, value in fields.items() if value}


def _relations(mods: Children) -> list[dict[str, str]]:
    """Related works written as Samla's exports write them: relatedItem with the relation as displayLabel."""
    relations = []
    for item in mods.all("relatedItem"):
        relation = item.get("displayLabel", "")
        identifier = next(
            (i for i in children(item, "identifier") if i.get("type") not in ("uri", None)), None
        )
        if relation in RELATIONS and identifier is not None:
            scheme = {"hdl": "handle"}.get(identifier.get("type"), identifier.get("type"))
            label = next(
                (element_text(n) for n in children(item, "note") if n.get("type") == "relationLabel"), ""
            )
            relations.append(
                {"relation": relation, "scheme": scheme, "value": element_text(identifier), "label": label}
            )
    return relations


def _host_isbns(mods: Children) -> list[dict[str, str]]:
    """The ISBN of the book a chapter appears in, which DiVA shows on the chapter's record."""
    host = _related(mods, "host")
    if host is None:
        return []
    return [
        {"scheme": "isbn", "value": element_text(i)}
        for i in children(host, "identifier")
        if i.get("type") == "isbn" and element_text(i)
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


def _keywords(mods: Children) -> list[dict[str, Any]]:
    """Free keywords (subjects without an authority), one list a language in the order they come."""
    terms: dict[str, list[str]] = {}
    for subject in mods.all("subject"):
        if subject.get("authority"):
            continue
        found = terms.setdefault(subject.get("lang", ""), [])
        for topic in children(subject, "topic"):
            if (term := element_text(topic)) and term not in found:
                found.append(term)
    return [{"language": language, "terms": found} for language, found in terms.items() if found]


def _subjects(mods: Children) -> list[str]:
    """SSIF categories (authority uka.se, or hsv in older records) that Samla knows; DiVA repeats each
    category once a language, and categories withdrawn from SSIF are not classifications any more."""
    codes = []
    for subject in mods.all("subject"):
        code = clean(subject.get(XLINK_HREF))
        if subject.get("authority") in SSIF_AUTHORITIES and code and code not in codes:
            codes.append(code)
    known = ssif_codes()
    return [code for code in codes if code in known]


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


@dataclass(frozen=True)
class _Name:
    """A <name>, its children by local name and its roles.

    Why: a record has some ten names, and mapping one asked lxml apart for its nameParts, roles,
    identifiers, descriptions and affiliations; `Children` finds them in one pass, as for <mods>."""

    element: etree._Element
    parts: Children
    roles: list[str]

    @classmethod
    def of(cls, element: etree._Element) -> _Name:
        parts = Children(element)
        terms = (clean(t.text) for r in parts.all("role") for t in children(r, "roleTerm"))
        return cls(element, parts, [term for term in terms if term])


def _name_identifier(name: _Name) -> str:
    """The source's id of a person or organisation: authority + xlink:href ("liu:matth80"), or a
    nameIdentifier typed with the authority ("lu:teok-ury"); DiVA writes "n/a" for none."""
    element = name.element
    href = clean(element.get(XLINK_HREF))
    if element.get("authority") and href and href != "n/a":
        return f"{element.get('authority')}:{href}"
    for identifier in name.parts.all("nameIdentifier"):
        kind, value = identifier.get("type", ""), element_text(identifier)
        if kind and kind != "orcid" and value:
            return f"{kind}:{value}"
    return ""


def _organisations(names: list[_Name]) -> list[OrganisationPath]:
    """The record's organisation hierarchy: identified corporate names that are not contributors."""
    found: dict[str, OrganisationPath] = {}
    for name in names:
        roles = set(name.roles)
        if name.element.get("type") != "corporate" or (roles and not roles & ORGANISATION_ROLES):
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
    for name in names:
        roles, kind = set(name.roles), name.element.get("type")
        if kind == "personal":
            contributors.append(_person(name, organisations))
        elif kind == "corporate" and roles and not roles & ORGANISATION_ROLES:
            parts = [element_text(p) for p in name.parts.all("namePart")]
            contributors.append(
                {
                    "family_name": ", ".join(n for n in parts if n),
                    "role": _role(name.roles),
                    "is_organisation": True,
                }
            )
        else:
            continue
        linked |= {a["organisation"] for a in contributors[-1].get("affiliations", []) if a["organisation"]}
    return contributors, linked


def _role(role_list: list[str]) -> str:
    roles = [ROLE_SYNONYMS.get(r, r) for r in role_list]
    return next((r for r in roles if r in KNOWN_ROLES), "ctb" if roles else "aut")


def _person(name: _Name, organisations: list[OrganisationPath]) -> dict[str, Any]:
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
            _affiliation(a, organisations) for a in _most_specific(name.parts.all("affiliation"))
        ],
    }


def _person_ref(name: _Name, date: str) -> dict[str, Any] | None:
    """ORCID, local and DiVA authority ids; none of them means no authority record, as in DiVA."""
    ref: dict[str, Any] = {"orcid": "", "local_id": _name_identifier(name), "authority_id": ""}
    for element in name.parts.all("nameIdentifier") + name.parts.all("description"):
        text = element_text(element)
        if element.get("type") == "orcid":
            ref["orcid"] = ref["orcid"] or text
        elif text.startswith("orcid.org="):
            ref["orcid"] = ref["orcid"] or text.removeprefix("orcid.org=")
        elif text.startswith("diva-portal.org="):
            ref["authority_id"] = "diva:" + text.removeprefix("diva-portal.org=")
    if not any(ref.values()):
        return None
    birth = re.match(r"\d{4}", date)
    return {**ref, "birth_year": int(birth.group()) if birth else None}


def _most_specific(affiliations: list[etree._Element]) -> list[etree._Element]:
    """Swepub's structured affiliations list every level of the hierarchy (each naming its parent in
    `authority`) in each language; the most specific level, once, is the affiliation."""
    parents = {a.get("authority") for a in affiliations}
    kept, seen = [], set()
    for affiliation in affiliations:
        uri = affiliation.get("valueURI")
        if uri and (uri in parents or uri in seen):
            continue
        seen.add(uri)
        kept.append(affiliation)
    return [a for a in kept if element_text(a)]


def _affiliation(affiliation: etree._Element, organisations: list[OrganisationPath]) -> dict[str, str]:
    """The affiliation text, linked to the corporate name it repeats: DiVA writes the path whole or as
    "<university>, <unit>", Swepub gives the organisation's id as valueURI."""
    text, uri = element_text(affiliation), affiliation.get("valueURI", "")
    for organisation in organisations:
        names = organisation.names
        if text in (", ".join(names), f"{names[0]}, {names[-1]}") or (
            uri and uri == organisation.identifier.split(":")[-1]
        ):
            return {"organisation": organisation.identifier, "text": text}
    return {"organisation": "", "text": text}

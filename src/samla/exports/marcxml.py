"""MARC 21 bibliographic records in MARCXML (MARC21 slim), as library systems and Zenodo's `marc21` read them.

The leader says language material (computer file for software and data sets), a component part (`a`)
for articles and chapters, a monograph (`m`) otherwise, Unicode, ISBD punctuation omitted. 001 is the
record id, 005 the last change, 008 the fixed data (date entered, year, language). Identifiers: 020
ISBN, 024 DOI/URN/Handle/arXiv, 035 the others. The first author is 100 (110 for an organisation), the
others 700/710 with relator code ($4) and term ($e), affiliation ($u) and ORCID ($1); 245 the title;
264 place, publisher and year; 300 pages; 490 a series; 500 notes; 520 abstracts; 536 funding; 540 the
licence; 653 keywords; 084 SSIF codes; 655 the output type; 773 the host journal or book (with $g the
volume, issue, article number and pages, $x the ISSN); 856 the permanent link and DOI.
"""

from __future__ import annotations

from lxml import etree

from samla.records.models import Contribution, Record
from samla.vocabularies.languages import language_bibliographic

from . import bibliographic as bib

MARC_NS = "http://www.loc.gov/MARC21/slim"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {None: MARC_NS, "xsi": XSI_NS}
SCHEMA = "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd"
RELATOR_TERMS = {
    "aut": "author",
    "edt": "editor",
    "ths": "thesis advisor",
    "opn": "opponent",
    "exm": "examiner",
    "ctb": "contributor",
    "trl": "translator",
    "pbd": "publishing director",
}
STANDARD_IDENTIFIERS = {"doi": "doi", "urn": "urn", "handle": "hdl", "arxiv": "arxiv"}
OTHER_IDENTIFIERS = {"isi": "WOS", "pmid": "PubMed", "scopus": "Scopus", "oai": "OAI", "local": "Local"}


def write(record: Record) -> etree._Element:
    """One record as a MARCXML <record> element."""
    root = etree.Element(f"{{{MARC_NS}}}record", nsmap=NSMAP)
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{MARC_NS} {SCHEMA}")
    root.set("type", "Bibliographic")
    _sub(root, "leader").text = leader(record)
    _control(root, "001", record.local_id)
    _control(root, "005", record.datestamp.strftime("%Y%m%d%H%M%S.0"))
    _control(root, "008", fixed_data(record))
    for isbn in bib.identifier_values(record, "isbn"):
        _field(root, "020", " ", " ", [("a", isbn)])
    for item in bib.own_identifiers(record):
        if source := STANDARD_IDENTIFIERS.get(item.scheme):
            _field(root, "024", "7", " ", [("a", item.value), ("2", source)])
    for item in bib.own_identifiers(record):
        if source := OTHER_IDENTIFIERS.get(item.scheme):
            _field(root, "035", " ", " ", [("a", f"({source}){item.value}")])
    if record.language:
        _field(root, "041", " ", " ", [("a", language_bibliographic(record.language))])
    for code in bib.subject_codes(record):
        _field(root, "084", " ", " ", [("a", code), ("2", "ssif")])
    people = bib.contributors(record)
    main = people[0] if people and people[0].role == bib.AUTHOR else None
    if main is not None:
        _name(root, "110" if main.is_organisation else "100", main)
    title = [("a", record.title)] + ([("b", record.subtitle)] if record.subtitle else [])
    _field(root, "245", "1" if main is not None else "0", "0", title)
    for alternative in record.alternative_titles:
        _field(root, "246", "1", " ", [("a", alternative["title"])])
    _field(root, "250", " ", " ", [("a", record.edition)])
    publication = [("a", record.place), ("b", bib.publisher(record)), ("c", record.issued)]
    _field(root, "264", " ", "1", publication)
    if record.page_count:
        _field(root, "300", " ", " ", [("a", f"{record.page_count} pages")])
    if series := bib.series_title(record):
        _field(root, "490", "0", " ", [("a", series), ("v", record.series_number)])
    for note in record.notes:
        _field(root, "500", " ", " ", [("a", note)])
    for abstract in record.abstracts:
        _field(root, "520", " ", " ", [("a", abstract.get("text", ""))])
    for funder in record.funders:
        _field(root, "536", " ", " ", [("a", funder["name"]), ("c", funder.get("grant", ""))])
    if (info := record.licence_info) is not None:
        _field(root, "540", " ", " ", [("a", info.label), ("u", info.url)])
    for term in bib.keyword_terms(record):
        _field(root, "653", " ", " ", [("a", term)])
    _field(root, "655", " ", "4", [("a", bib.output_type(record).label_en)])
    for contribution in people:
        if contribution is not main:
            _name(root, "710" if contribution.is_organisation else "700", contribution)
    _host(root, record)
    for url in dict.fromkeys([bib.permanent_link(record), bib.doi_url(record)]):
        if url:
            _field(root, "856", "4", "0", [("u", url)])
    return root


def leader(record: Record) -> str:
    """24 characters: status n, type of record, bibliographic level, Unicode, ISBD punctuation omitted."""
    kind = "m" if record.output_type in ("other/data-set", "other/software") else "a"
    level = "a" if bib.container_title(record) else "m"
    return f"00000n{kind}{level} a2200000 c 4500"


def fixed_data(record: Record) -> str:
    """008: date entered (yymmdd), single date and its year, no place, the language, source "d" (other)."""
    year = bib.year(record) or "uuuu"
    language = language_bibliographic(record.language) if record.language else "und"
    return f"{record.created:%y%m%d}s{year:<4}    xx {' ' * 17}{language[:3]:<3} d"


def _name(root: etree._Element, tag: str, contribution: Contribution) -> None:
    subfields = [("a", contribution.inverted_name), ("e", RELATOR_TERMS.get(contribution.role, ""))]
    subfields.append(("4", contribution.role))
    for affiliation in contribution.affiliations.all():
        organisation = affiliation.organisation
        subfields.append(
            ("u", affiliation.text or (organisation.name_en if organisation is not None else ""))
        )
    if orcid := bib.orcid(contribution):
        subfields.append(("1", f"https://orcid.org/{orcid}"))
    _field(root, tag, "2" if contribution.is_organisation else "1", " ", subfields)


def _host(root: etree._Element, record: Record) -> None:
    container = bib.container_title(record)
    if not container:
        return
    numbering = ", ".join(
        x
        for x in (
            f"Vol. {record.volume}" if record.volume else "",
            f"no. {record.issue}" if record.issue else "",
            f"article id {record.article_number}" if record.article_number else "",
            f"p. {bib.pages(record)}" if record.pages_start else "",
        )
        if x
    )
    subfields = [
        ("t", container),
        ("d", bib.publisher(record) if record.journal is None else ""),
        ("g", numbering),
    ]
    subfields += [("x", issn) for issn in bib.issns(record)]
    if record.journal is None:
        subfields += [("z", isbn) for isbn in bib.identifier_values(record, "isbn")]
    _field(root, "773", "0", " ", subfields)


def _sub(parent: etree._Element, tag: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{MARC_NS}}}{tag}")


def _control(root: etree._Element, tag: str, value: str) -> None:
    element = _sub(root, "controlfield")
    element.set("tag", tag)
    element.text = value


def _field(root: etree._Element, tag: str, ind1: str, ind2: str, subfields: list[tuple[str, str]]) -> None:
    """A data field with its non-empty subfields; nothing when all are empty (or only $2/$4/$e remain)."""
    present = [(code, value) for code, value in subfields if value]
    if not [code for code, _value in present if code not in ("2", "4", "e")]:
        return
    field = _sub(root, "datafield")
    field.set("tag", tag)
    field.set("ind1", ind1)
    field.set("ind2", ind2)
    for code, value in present:
        subfield = etree.SubElement(field, f"{{{MARC_NS}}}subfield")
        subfield.set("code", code)
        subfield.text = value

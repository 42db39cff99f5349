"""EndNote XML, as EndNote exports it and EndNote, Zotero and JabRef import it.

A file is `<xml><records><record>…`, one record a reference, with the elements in the order of EndNote's
DTD (RSXML.dtd). Reference types carry EndNote's name and number (Journal Article 17, Thesis 32…). The
DOI is `electronic-resource-num`, ISSN or ISBN `isbn`, the permanent link a related URL, the article
number `custom7` (EndNote's "Article Number"), the record id `accession-num`.
"""

from __future__ import annotations

from lxml import etree

from samla.records.models import Contribution, Record
from samla.vocabularies.languages import english_language_name

from . import bibliographic as bib

REF_TYPES = {
    **dict.fromkeys(
        bib.JOURNAL_TYPES - {"publication/magazine-article", "publication/newspaper-article"},
        ("Journal Article", 17),
    ),
    "publication/magazine-article": ("Magazine Article", 19),
    "publication/newspaper-article": ("Newspaper Article", 23),
    "publication/encyclopedia-entry": ("Encyclopedia", 53),
    "publication/book": ("Book", 6),
    "publication/critical-edition": ("Book", 6),
    "publication/edited-book": ("Edited Book", 28),
    "publication/journal-issue": ("Edited Book", 28),
    "conference/proceeding": ("Conference Proceedings", 10),
    "publication/book-chapter": ("Book Section", 5),
    "publication/report-chapter": ("Book Section", 5),
    "publication/foreword-afterword": ("Book Section", 5),
    "conference/paper": ("Conference Paper", 47),
    "conference/poster": ("Conference Paper", 47),
    "conference/other": ("Conference Paper", 47),
    **dict.fromkeys(bib.THESIS_TYPES, ("Thesis", 32)),
    "publication/report": ("Report", 27),
    "publication/working-paper": ("Report", 27),
    "publication/preprint": ("Manuscript", 36),
    "other/data-set": ("Dataset", 59),
    "other/software": ("Computer Program", 9),
    "intellectual-property/patent": ("Patent", 25),
    "artistic-work/original-creative-work": ("Artwork", 2),
}
GENERIC = ("Generic", 13)
WRAPPER = ("xml", "records")


def write(record: Record) -> etree._Element:
    """One record as an EndNote <record> element."""
    root = etree.Element("record")
    name, number = REF_TYPES.get(record.output_type, GENERIC)
    _text(root, "source-app", "Samla").set("name", "Samla")
    _text(root, "ref-type", str(number)).set("name", name)
    _contributors(root, record)
    _affiliations(root, record)
    titles = etree.SubElement(root, "titles")
    _text(titles, "title", record.full_title)
    _text(titles, "secondary-title", bib.container_title(record) or record.conference)
    _text(titles, "tertiary-title", bib.series_title(record))
    if record.journal is not None and record.journal.kind == "journal":
        _text(etree.SubElement(root, "periodical"), "full-title", record.journal.title)
    _text(root, "pages", bib.pages(record))
    _text(root, "volume", record.volume)
    _text(root, "number", record.issue or record.series_number)
    _text(root, "edition", record.edition)
    terms = bib.keyword_terms(record)
    if terms:
        keywords = etree.SubElement(root, "keywords")
        for term in terms:
            _text(keywords, "keyword", term)
    parts = bib.issued_parts(record)
    if parts:
        dates = etree.SubElement(root, "dates")
        _text(dates, "year", str(parts[0]))
        if len(parts) > 1:
            _text(etree.SubElement(dates, "pub-dates"), "date", "-".join(f"{p:02d}" for p in parts))
    _text(root, "pub-location", record.place)
    _text(root, "publisher", bib.publisher(record))
    isbn = bib.identifier_values(record, "isbn")
    _text(
        root,
        "isbn",
        "; ".join(isbn if record.output_type not in bib.JOURNAL_TYPES and isbn else bib.issns(record)),
    )
    _text(root, "accession-num", record.local_id)
    _text(root, "electronic-resource-num", bib.first_identifier(record, "doi"))
    _text(root, "abstract", (bib.main_abstract(record) or {}).get("text", ""))
    _text(root, "work-type", bib.output_type(record).label_en)
    _text(root, "language", english_language_name(record.language) if record.language else "")
    urls = etree.SubElement(etree.SubElement(root, "urls"), "related-urls")
    _text(urls, "url", bib.permanent_link(record))
    _text(root, "custom7", record.article_number)  # "Article Number" of EndNote's Journal Article
    return root


def _contributors(root: etree._Element, record: Record) -> None:
    """Authors; editors as secondary authors (as authors of an edited book); supervisors of a thesis as
    tertiary authors; translators as subsidiary authors."""
    groups: dict[str, list[Contribution]] = {}
    edited = record.output_type in bib.EDITED_TYPES and not bib.contributors(record, bib.AUTHOR)
    for contribution in bib.contributors(record):
        group = {
            "aut": "authors",
            "edt": "authors" if edited else "secondary-authors",
            "ths": "tertiary-authors" if record.output_type in bib.THESIS_TYPES else "",
            "trl": "subsidiary-authors",
        }.get(contribution.role, "")
        if group:
            groups.setdefault(group, []).append(contribution)
    if not groups:
        return
    element = etree.SubElement(root, "contributors")
    for group in ("authors", "secondary-authors", "tertiary-authors", "subsidiary-authors"):
        if group in groups:
            names = etree.SubElement(element, group)
            for contribution in groups[group]:
                _text(names, "author", _name(contribution))


def _affiliations(root: etree._Element, record: Record) -> None:
    texts: list[str] = []
    for contribution in bib.contributors(record, bib.AUTHOR):
        for affiliation in contribution.affiliations.all():
            text = affiliation.text or (affiliation.organisation.name_en if affiliation.organisation else "")
            if text and text not in texts:
                texts.append(text)
    _text(root, "auth-address", "\n".join(texts))


def _name(contribution: Contribution) -> str:
    if contribution.given_name and not contribution.is_organisation:
        return f"{contribution.family_name}, {contribution.given_name}"
    return contribution.family_name + ("," if contribution.is_organisation else "")


def _text(parent: etree._Element, tag: str, text: str) -> etree._Element:
    """A child with text; none (and a detached element returned) when the text is empty."""
    if not text:
        return etree.Element(tag)
    element = etree.SubElement(parent, tag)
    element.text = text
    return element

"""The bibliographic facts every writer derives from a loaded record: people by role, identifiers by scheme,
links, dates, the host publication and the texts.

Everything here reads only what the services loaded and never queries: a model instance with the record
page's parts (`records.services.PAGE_PARTS`) or a `RecordData` of the bulk loader
(`records.services.reading.load_records_data`) that OAI-PMH and list exports use, read alike. Writers stay
pure and a list of 10,000 records costs the same queries per chunk as one.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, reverse

from samla.core.converters import LOCAL_ID
from samla.organisations.models import Organisation
from samla.records.models import Contribution, Identifier, Record
from samla.vocabularies.identifiers import resolver_url
from samla.vocabularies.output_types import OutputType, output_types
from samla.vocabularies.record_terms import PUBLICATION_STATUSES
from samla.vocabularies.subjects import ssif_categories

AUTHOR, EDITOR = "aut", "edt"
# Output types whose creators are editors: the work is a collection or a proceedings volume.
EDITED_TYPES = {"publication/edited-book", "conference/proceeding", "publication/journal-issue"}
JOURNAL_TYPES = {
    "publication/journal-article",
    "publication/review-article",
    "publication/editorial-letter",
    "publication/book-review",
    "publication/magazine-article",
    "publication/newspaper-article",
}
THESIS_TYPES = {
    "publication/doctoral-thesis",
    "publication/licentiate-thesis",
    "artistic-work/artistic-thesis",
}
STATUS_LABELS = {code: str(label) for code, label in PUBLICATION_STATUSES}
SSIF_SCHEME = "https://id.kb.se/term/ssif"
EU_REPO_ACCESS = "info:eu-repo/semantics/"


# ---------------------------------------------------------------- people


def contributors(record: Record, *roles: str) -> list[Contribution]:
    """Contributions in the publication's order, only those of `roles` when given."""
    return [c for c in record.contributions.all() if not roles or c.role in roles]


def creators(record: Record) -> list[Contribution]:
    """Who a citation names first: the authors, or the editors of a collection without authors."""
    authors = contributors(record, AUTHOR)
    return authors or (contributors(record, EDITOR) if record.output_type in EDITED_TYPES else [])


def orcid(contribution: Contribution) -> str:
    person = contribution.person
    return (person.orcid or "") if person is not None else ""


def organisation_path(organisation: Organisation) -> list[Organisation]:
    """The organisation and the ancestors that were loaded with it, top (university) first.

    Only relations already in memory are followed, so a writer never queries: the bulk loader links every
    organisation to its parent; the record page's shape loads three levels above the unit.
    """
    path = [organisation]
    parent_field = Organisation._meta.get_field("parent")
    while organisation.parent_id and parent_field.is_cached(organisation) and len(path) < 10:
        organisation = organisation.parent
        path.append(organisation)
    return path[::-1]


def ascii_fold(text: str) -> str:
    """ "Kjellström" → "Kjellstrom", for citation keys and file names."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).encode("ascii", "ignore").decode()


# ---------------------------------------------------------------- identifiers and links


def own_identifiers(record: Record) -> list[Identifier]:
    return [i for i in record.identifiers.all() if not i.relation]


def identifier_values(record: Record, scheme: str) -> list[str]:
    return [i.value for i in own_identifiers(record) if i.scheme == scheme]


def first_identifier(record: Record, scheme: str) -> str:
    return next(iter(identifier_values(record, scheme)), "")


def relations(record: Record) -> list[Identifier]:
    return [i for i in record.identifiers.all() if i.relation]


def direct_link(record: Record) -> str:
    """The record's own page. Its URL is the reversed page URL with the record's id at the end, taken
    apart once: reverse() costs more than a whole Dublin Core record, and the id needs no quoting (its
    converter's pattern allows only characters a URL path keeps as they are)."""
    if not LOCAL_ID.fullmatch(record.local_id):
        return settings.BASE_URL + record.get_absolute_url()
    return settings.BASE_URL + _record_url_prefix(get_script_prefix()) + record.local_id


_SAMPLE_ID = "x:0"


@cache
def _record_url_prefix(script_prefix: str) -> str:
    return reverse("records:detail", args=[_SAMPLE_ID]).removesuffix(_SAMPLE_ID)


def permanent_link(record: Record) -> str:
    """The URN:NBN resolver link when the record has a URN, else the record's own page."""
    urn = first_identifier(record, "urn")
    return resolver_url("urn", urn) if urn else direct_link(record)


def doi_url(record: Record) -> str:
    doi = first_identifier(record, "doi")
    return resolver_url("doi", doi) if doi else ""


def same_as(record: Record) -> list[str]:
    """Resolvable links to the same work elsewhere (DOI, PubMed, Handle, arXiv, …), in a stable order."""
    order = ["doi", "urn", "handle", "arxiv", "pmid", "isi", "scopus", "uri"]
    links = []
    for scheme in order:
        for value in identifier_values(record, scheme):
            if (url := resolver_url(scheme, value)) and url not in links:
                links.append(url)
    return links


def file_stem(record: Record) -> str:
    """The download name of a record's export: "diva2_1897829"."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", record.local_id)


# ---------------------------------------------------------------- host publication


def container_title(record: Record) -> str:
    """The journal (or series) or the book/proceedings the record appears in."""
    if record.journal is not None and record.journal.kind == "journal":
        return record.journal.title
    return record.host_title


def series_title(record: Record) -> str:
    journal = record.journal
    return journal.title if journal is not None and journal.kind == "series" else ""


def issns(record: Record) -> list[str]:
    """The host's ISSN and E-ISSN, print first."""
    journal = record.journal
    if journal is None:
        return []
    return [value for value in (journal.issn, journal.eissn) if value]


def publisher(record: Record) -> str:
    return record.publisher or (record.journal.publisher if record.journal is not None else "")


def pages(record: Record, dash: str = "-") -> str:
    if record.pages_start and record.pages_end:
        return f"{record.pages_start}{dash}{record.pages_end}"
    return record.pages_start


# ---------------------------------------------------------------- dates and types


def issued_parts(record: Record) -> list[int]:
    """[2024], [2024, 3] or [2024, 3, 13]; [] when the record has no date."""
    if record.issued:
        return [int(part) for part in record.issued.split("-") if part.isdigit()]
    return [record.year] if record.year else []


def year(record: Record) -> str:
    parts = issued_parts(record)
    return str(parts[0]) if parts else ""


def output_type(record: Record) -> OutputType:
    return output_types()[record.output_type]


def status_label(record: Record) -> str:
    """ "Published", "In press" … in English, as Swepub and citations spell it."""
    return STATUS_LABELS.get(record.publication_status, "")


# ---------------------------------------------------------------- access


def links(record: Record) -> list[dict]:
    """Links to the publication elsewhere, each {"url", "label", "free"} as the record keeps them."""
    return [link for link in record.links if link.get("url")]


def is_open_access(record: Record) -> bool:
    """Free to read: a free link to the full text, or access condition "gratis" (Swepub's rule)."""
    return record.access_condition == "gratis" or any(link.get("free") for link in links(record))


def access_rights(record: Record) -> str:
    """The record's access as an info:eu-repo/semantics right (DRIVER, OpenAIRE), when known."""
    if is_open_access(record):
        return EU_REPO_ACCESS + "openAccess"
    return EU_REPO_ACCESS + "restrictedAccess" if record.access_condition == "restricted" else ""


# ---------------------------------------------------------------- texts


def main_abstract(record: Record) -> dict | None:
    """The abstract in the record's language, else the first one."""
    abstracts = [a for a in record.abstracts if a.get("text")]
    return next((a for a in abstracts if a.get("language") == record.language), None) or next(
        iter(abstracts), None
    )


def keyword_terms(record: Record) -> list[str]:
    """Every keyword once, in the order the record gives them, all languages."""
    terms: list[str] = []
    for group in record.keywords:
        for term in group.get("terms", []):
            if term not in terms:
                terms.append(term)
    return terms


# ---------------------------------------------------------------- subjects


@cache
def _ssif() -> dict[str, dict]:
    return {item["code"]: item for item in ssif_categories()}


def subject_codes(record: Record) -> list[str]:
    return sorted(s.code for s in record.subjects.all())


def subject_path(code: str) -> list[dict]:
    """The SSIF category and its broader ones, top first, from the shipped vocabulary (no query)."""
    path, item = [], _ssif().get(code)
    while item is not None:
        path.append(item)
        item = _ssif().get(item["parent"]) if item["parent"] else None
    return path[::-1]


def subject_label(code: str, language: str = "en") -> str:
    item = _ssif().get(code)
    if item is None:
        return code
    return (item["sv"] or item["en"]) if language == "sv" else (item["en"] or item["sv"])

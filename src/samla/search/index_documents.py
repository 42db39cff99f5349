"""What the index holds for a record: its words per column, its facet values and its sort keys.

`build_documents` loads any number of records with a fixed handful of queries, so indexing a batch of an
import or a reindex costs the same few queries whatever its size. Full text of attached files comes from
text sources (`register_text_source`), which the files app registers; the search app itself stores no
file text.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from samla.batch.queries import in_id_runs
from samla.organisations.models import Organisation
from samla.people.models import PersonNameVariant
from samla.records.indexing import WrittenRows
from samla.records.models import Contribution, ContributionAffiliation, Identifier, Record

from . import analysis

# Index columns, in the order of the backends' tables.
COLUMNS = (
    "title", "author", "orcid", "journal", "issn", "keyword", "identifier", "organisation", "abstract",
    "other", "fulltext",
)  # fmt: skip
FACET_FIELDS = (
    "type",
    "year",
    "content",
    "category",
    "organisation",
    "language",
    "journal",
    "author",
    "fulltext",
)
MAX_FULLTEXT_CHARACTERS = 2_000_000
RECORD_FIELDS = (
    "id", "local_id", "title", "subtitle", "title_language", "alternative_titles", "output_type",
    "content_type", "language", "year", "host_title", "publisher", "conference", "abstracts", "keywords",
    "funders", "last_updated", "journal_id", "journal__title", "journal__issn", "journal__eissn",
)  # fmt: skip

TextSource = Callable[[Sequence[int]], Mapping[int, str]]
_TEXT_SOURCES: list[TextSource] = []


def register_text_source(source: TextSource) -> None:
    """Add a source of full text: called with record ids, it returns {record id: text} for those that have
    text (an empty string still marks the record "has full text"). The files app registers one in its
    AppConfig.ready(); every index write, including `samla reindex`, asks each source."""
    if source not in _TEXT_SOURCES:
        _TEXT_SOURCES.append(source)


def unregister_text_source(source: TextSource) -> None:
    if source in _TEXT_SOURCES:
        _TEXT_SOURCES.remove(source)


@dataclass
class IndexDocument:
    record_id: int
    # Each column's text in pieces: a word, or the words of a text separated by spaces (`column_words` gives
    # them one by one). Why pieces: a record's abstracts and titles are hundreds of words, which an
    # import would otherwise split into strings of their own only to join them again for FTS5.
    columns: dict[str, list[str]] = field(default_factory=lambda: {c: [] for c in COLUMNS})
    facets: set[tuple[str, str]] = field(default_factory=set)
    year_key: int = 0
    sort_title: str = ""
    last_updated: dt.date | None = None
    has_fulltext: bool = False
    # The text as the backend writes it, when it was prepared ahead (`SqlBackend.prepare`, which then
    # drops `columns`): a reindex prepares it in the process that builds the documents.
    text: Any = None


@dataclass
class SourceRows:
    """What the documents of a batch of records are built from: plain rows, as `read_rows` reads them from
    the database, or as a writer that has just inserted them holds them (`rows_written`), so that writing
    a batch does not read back what it wrote. Each list is in the order the database keeps:
    a record's contributions by position, their affiliations by position, its own identifiers by position.
    """

    records: list[dict[str, Any]]  # the values of RECORD_FIELDS
    contributions: list[tuple]  # (record id, family, given, person id, its ORCID, family and given name)
    affiliations: list[tuple[int, int | None, str]]  # (record id, organisation id, text)
    identifiers: list[tuple[int, str, str]]  # (record id, scheme, value): the record's own, no relations
    subjects: list[tuple[int, str]]  # (record id, SSIF code)


_RECORD_ATTRIBUTES = [f for f in RECORD_FIELDS if "__" not in f]
_JOURNAL_ATTRIBUTES = [f.removeprefix("journal__") for f in RECORD_FIELDS if f.startswith("journal__")]


def stemmed_pieces(text: str, language: str = "") -> list[str]:
    """A text's stems as the pieces of a column (`IndexDocument.columns`): one, or none for a text
    without words."""
    stems = analysis.stems_of(text, language)
    return [stems] if stems else []


def column_words(document: IndexDocument, column: str) -> list[str]:
    """The words of one column of a document, one by one (its pieces may hold several)."""
    return " ".join(document.columns[column]).split()


def rows_written(written: WrittenRows) -> SourceRows:
    """The rows a record writer has just inserted (`records.indexing.WrittenRows`) as `read_rows` would
    read them back."""
    return SourceRows(
        records=[record_fields(record) for record in written.records],
        contributions=written.contributions,
        affiliations=written.affiliations,
        identifiers=written.identifiers,
        subjects=written.subjects,
    )


def record_fields(record: Record) -> dict[str, Any]:
    """A saved record's values of RECORD_FIELDS, as `read_rows` reads them: for `rows_written`."""
    values = {name: getattr(record, name) for name in _RECORD_ATTRIBUTES}
    journal = record.journal
    values.update(
        {f"journal__{name}": getattr(journal, name) if journal else None for name in _JOURNAL_ATTRIBUTES}
    )
    return values


def build_documents(
    record_ids: Iterable[int], extra_text: Mapping[int, str] | None = None
) -> list[IndexDocument]:
    """The index documents of the records with these ids (missing ids are skipped)."""
    ids = sorted(set(record_ids))
    if not ids:
        return []
    return documents_from_rows(read_rows(ids), extra_text)


def read_rows(ids: list[int]) -> SourceRows:
    """The stored rows of these records that their documents are built from."""
    # Contributions and identifiers ordered by record and position only: the models' default orders join
    # records_record to sort by year and title.
    columns = ("id", "record_id", "family_name", "given_name", "person_id", "person__orcid",
               "person__family_name", "person__given_name")  # fmt: skip
    ordered = Contribution.objects.filter(in_id_runs("record_id", ids)).order_by("record_id", "position")
    contributions = list(ordered.values_list(*columns))  # tuples: a dict a row cost 3% of an import
    identifiers = (
        Identifier.objects.filter(in_id_runs("record_id", ids), relation="")
        .order_by("record_id", "position")
        .values_list("record_id", "scheme", "value")
    )
    subjects = Record.subjects.through.objects.filter(in_id_runs("record_id", ids)).values_list(
        "record_id", "subjectcategory_id"
    )
    return SourceRows(
        # Plain rows, not model instances: building a million instances was a fifth of a reindex.
        records=list(Record.objects.filter(in_id_runs("pk", ids)).values(*RECORD_FIELDS)),
        contributions=[row[1:] for row in contributions],
        affiliations=_affiliations(contributions),
        identifiers=list(identifiers),
        subjects=list(subjects),
    )


def _affiliations(contributions: list[tuple]) -> list[tuple[int, int | None, str]]:
    """(record id, organisation id, text) of the affiliations of these (id, record id, …) contributions, in
    contribution order. Read by contribution id: PostgreSQL planned the join on the record ids as a scan of
    every affiliation, whose cost grows with the repository (docs/benchmarks.md)."""
    record_of = {contribution[0]: contribution[1] for contribution in contributions}
    by_contribution: dict[int, list[tuple[int, int | None, str]]] = defaultdict(list)
    for contribution_id, organisation_id, text in (
        ContributionAffiliation.objects.filter(in_id_runs("contribution_id", record_of))
        .order_by("contribution_id", "position")
        .values_list("contribution_id", "organisation_id", "text")
    ):
        by_contribution[contribution_id].append((record_of[contribution_id], organisation_id, text))
    return [affiliation for c in contributions for affiliation in by_contribution.get(c[0], ())]


def documents_from_rows(rows: SourceRows, extra_text: Mapping[int, str] | None = None) -> list[IndexDocument]:
    """The index documents of the records of `rows`: the one way a document is built."""
    texts = _full_texts(sorted(r["id"] for r in rows.records), extra_text)
    parts = _Parts.of(rows)
    return [_document(SimpleNamespace(**record), parts, texts.get(record["id"])) for record in rows.records]


def _full_texts(ids: list[int], extra_text: Mapping[int, str] | None) -> dict[int, str]:
    texts: dict[int, list[str]] = defaultdict(list)
    for source in _TEXT_SOURCES:
        for record_id, text in source(ids).items():
            texts[record_id].append(text or "")
    for record_id, text in (extra_text or {}).items():
        texts[record_id].append(text or "")
    return {record_id: "\n".join(chunks)[:MAX_FULLTEXT_CHARACTERS] for record_id, chunks in texts.items()}


@dataclass
class _Parts:
    contributions: dict[int, list[tuple]]  # (family, given, person id, its ORCID, family and given name)
    variants: dict[int, list[str]]
    organisations: dict[int, list[int]]  # record -> organisation ids, with every parent
    affiliation_texts: dict[int, list[str]]
    organisation_names: dict[int, list[str]]
    identifiers: dict[int, list[tuple[str, str]]]
    subjects: dict[int, list[str]]
    _stemmed: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    _words: dict[str, list[str]] = field(default_factory=dict)

    def stemmed(self, text: str, language: str = "") -> list[str]:
        """`stemmed_pieces`, once per text and language in a batch: organisation names, affiliations
        and journal titles recur across the records of a batch (callers extend with it, never change it)."""
        found = self._stemmed.get((text, language))
        if found is None:
            found = self._stemmed[text, language] = stemmed_pieces(text, language)
        return found

    def words(self, text: str) -> list[str]:
        """`analysis.words`, once per text in a batch: the names of people who wrote several records."""
        found = self._words.get(text)
        if found is None:
            found = self._words[text] = analysis.words(text)
        return found

    @classmethod
    def of(cls, rows: SourceRows) -> _Parts:
        contributions: dict[int, list[tuple]] = defaultdict(list)
        for record_id, *row in rows.contributions:
            contributions[record_id].append(tuple(row))
        person_ids = {c[2] for cs in contributions.values() for c in cs if c[2]}
        variants: dict[int, list[str]] = defaultdict(list)
        for person_id, family, given in PersonNameVariant.objects.filter(
            person_id__in=person_ids
        ).values_list("person_id", "family_name", "given_name"):
            variants[person_id].append(f"{given} {family}")
        direct: dict[int, set[int]] = defaultdict(set)
        affiliation_texts: dict[int, list[str]] = defaultdict(list)
        for record_id, organisation_id, text in rows.affiliations:
            if organisation_id:
                direct[record_id].add(organisation_id)
            if text:
                affiliation_texts[record_id].append(text)
        parents, names = _organisation_tree({o for os in direct.values() for o in os})
        organisations = {
            record_id: sorted({a for o in os for a in _ancestry(o, parents)})
            for record_id, os in direct.items()
        }
        identifiers: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for record_id, scheme, value in rows.identifiers:
            identifiers[record_id].append((scheme, value))
        subjects: dict[int, list[str]] = defaultdict(list)
        for record_id, code in rows.subjects:
            subjects[record_id].append(code)
        return cls(contributions, variants, organisations, affiliation_texts, names, identifiers, subjects)


def _organisation_tree(ids: set[int]) -> tuple[dict[int, int | None], dict[int, list[str]]]:
    """Parents and names of these organisations and all above them (one query per level)."""
    parents: dict[int, int | None] = {}
    names: dict[int, list[str]] = {}
    wanted = set(ids)
    while wanted:
        rows = Organisation.objects.filter(pk__in=wanted).values_list("pk", "parent_id", "name_en", "name_sv")
        for pk, parent_id, name_en, name_sv in rows:
            parents[pk] = parent_id
            names[pk] = [n for n in (name_en, name_sv) if n]
        wanted = {p for p in parents.values() if p and p not in parents}
    return parents, names


def _ancestry(organisation_id: int, parents: dict[int, int | None]) -> list[int]:
    chain = []
    current: int | None = organisation_id
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def _category_levels(code: str) -> list[str]:
    """SSIF codes have 1, 3 and 5 digits: 50202 is in 502, which is in 5."""
    return [code[:n] for n in (1, 3, 5) if n <= len(code)]


# The record fields `natural_texts` reads.
_NATURAL_FIELDS = frozenset((
    "title", "subtitle", "title_language", "language", "alternative_titles", "keywords", "abstracts",
    "host_title", "conference", "publisher", "funders",
))  # fmt: skip


def natural_texts(record: Any) -> Iterator[tuple[str, str, str]]:
    """(column, text, language) of each natural-language text of the record itself, in column order:
    the texts its document stems. `record` has _NATURAL_FIELDS, lists of items as dicts (a row of
    RECORD_FIELDS)."""
    language = record.language
    title_language = record.title_language or language
    yield "title", record.title, title_language
    yield "title", record.subtitle, title_language
    for alt in record.alternative_titles:
        yield "title", f"{alt.get('title', '')} {alt.get('subtitle', '')}", alt.get("language", "")
    for terms in record.keywords:
        for term in terms.get("terms", []):
            yield "keyword", term, terms.get("language", "") or language
    for abstract in record.abstracts:
        yield "abstract", abstract.get("text", ""), abstract.get("language", "") or language
    other = [
        record.host_title,
        record.conference,
        record.publisher,
        *(f.get("name", "") for f in record.funders),
    ]
    yield "other", " ".join(o for o in other if o), language


_NATURAL_DEFAULTS = {
    name: [] if name in ("alternative_titles", "keywords", "abstracts", "funders") else ""
    for name in _NATURAL_FIELDS
}


def natural_stems(values: Mapping[str, Any]) -> dict[tuple[str, str], str]:
    """The stems of the natural-language texts (`natural_texts`) of a record's input values, as a mapper
    gave them (unchecked), for `analysis.using_precomputed_stems`: an import's reading process works them
    out while the writing process writes. Values the input schema will refuse give none, whatever their
    shape."""
    record = SimpleNamespace(
        **{**_NATURAL_DEFAULTS, **{k: v for k, v in values.items() if k in _NATURAL_FIELDS}}
    )
    try:
        return dict(
            analysis.precompute_stems(text, language) for _column, text, language in natural_texts(record)
        )
    except (AttributeError, TypeError, ValueError):
        return {}


def _document(record: SimpleNamespace, parts: _Parts, full_text: str | None) -> IndexDocument:
    """The document of one record (a row of RECORD_FIELDS)."""
    doc = IndexDocument(record_id=record.id)
    cols = doc.columns
    language = record.language
    for column, text, text_language in natural_texts(record):
        cols[column] += stemmed_pieces(text, text_language)
    for contribution in parts.contributions.get(record.id, []):
        family, given, person_id, orcid, person_family, person_given = contribution
        cols["author"] += parts.words(f"{given} {family}")
        if person_id:
            if (person_family, person_given) != (family, given):
                cols["author"] += parts.words(f"{person_given} {person_family}")
            for variant in parts.variants.get(person_id, []):
                cols["author"] += parts.words(variant)
            if orcid:
                cols["orcid"].append(analysis.compact(orcid))
            doc.facets.add(("author", str(person_id)))
    if record.journal_id is not None:
        cols["journal"] += parts.stemmed(record.journal__title)
        cols["issn"] += [analysis.compact(n) for n in (record.journal__issn, record.journal__eissn) if n]
        doc.facets.add(("journal", str(record.journal_id)))
    cols["identifier"].append(analysis.compact(record.local_id))
    for scheme, value in parts.identifiers.get(record.id, []):
        if scheme == "isbn":
            cols["identifier"] += analysis.isbn_words(value)
        elif scheme == "issn":
            cols["issn"].append(analysis.compact(value))
        else:
            cols["identifier"].append(analysis.compact(value))
    for organisation_id in parts.organisations.get(record.id, []):
        for name in parts.organisation_names.get(organisation_id, []):
            cols["organisation"] += parts.stemmed(name)
        doc.facets.add(("organisation", str(organisation_id)))
    for text in dict.fromkeys(parts.affiliation_texts.get(record.id, [])):
        cols["organisation"] += parts.stemmed(text)
    if full_text is not None:
        doc.has_fulltext = True
        cols["fulltext"] += stemmed_pieces(full_text, language)
        doc.facets.add(("fulltext", "yes"))
    doc.facets.add(("type", record.output_type))
    if record.year:
        doc.facets.add(("year", str(record.year)))
    if record.content_type:
        doc.facets.add(("content", record.content_type))
    if language:
        doc.facets.add(("language", language))
    for code in parts.subjects.get(record.id, []):
        doc.facets.update(("category", level) for level in _category_levels(code))
    doc.year_key = record.year or 0
    doc.sort_title = " ".join(analysis.words(record.title))[:200]
    doc.last_updated = record.last_updated
    return doc

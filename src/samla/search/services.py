"""Searching records: `search_records` is the one way every surface (pages, REST, feed) searches.

Results are the records `visible_records(actor)` allows, in one of five orders, a page at a time with
signed keyset cursors (stable: each result appears exactly once while paging); facet counts are computed
over exactly the matching records, so choosing a value always gives as many results as it said.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.db.models import Prefetch
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError

from samla.core.access import Actor
from samla.core.errors import PRINTABLE, InvalidInput, field_problems
from samla.journals.models import Journal
from samla.organisations.models import Organisation
from samla.people.models import Person
from samla.records.models import Contribution, Record
from samla.records.permissions import visible_records
from samla.vocabularies.languages import language_name
from samla.vocabularies.models import SubjectCategory
from samla.vocabularies.output_types import output_types
from samla.vocabularies.record_terms import CONTENT_TYPES

from .backends import SORTS, FacetFilter, SearchQuery, YearRange, backend_for
from .query import ParsedQuery, QueryFilter, parse_query
from .schemas import SearchFilters, SearchParams

CURSOR_SALT = "samla.search.cursor"
MAX_OFFSET = 10_000
YEAR_RANGE = re.compile(r"^\s*(\d{1,4})?\s*(?:(-|–|\.\.)\s*(\d{1,4})?)?\s*$")
FACET_LABELS = {
    "type": _("Publication type"),
    "year": _("Year"),
    "content": _("Content type"),
    "category": _("Subject category"),
    "organisation": _("Organisation"),
    "language": _("Language"),
    "journal": _("Journal"),
    "author": _("Author"),
    "fulltext": _("Full text"),
}
SORT_LABELS = {
    "relevance": _("Relevance"),
    "year_desc": _("Year, newest first"),
    "year_asc": _("Year, oldest first"),
    "title": _("Title A–Z"),
    "updated": _("Last updated"),
}


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    children: tuple[FacetValue, ...] = ()

    @property
    def open(self) -> bool:
        """Whether the value or one of its descendants is chosen: the tree is shown down to the choice."""
        return self.selected or any(c.open for c in self.children)


@dataclass(frozen=True)
class Facet:
    field: str
    label: str
    values: tuple[FacetValue, ...]


@dataclass(frozen=True)
class Chip:
    """A chosen facet value, shown so it can be removed."""

    field: str
    value: str
    label: str


@dataclass(frozen=True)
class SearchPage:
    items: Sequence[Record]
    total: int
    size: int
    sort: str  # the order used: "relevance" becomes "year_desc" when there is no text to rank by
    query: str
    filters: SearchFilters
    facets: tuple[Facet, ...] = ()
    chosen: tuple[Chip, ...] = ()
    next_cursor: str = ""
    previous_cursor: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def parse_params(data: dict[str, Any]) -> SearchParams:
    """Request parameters (lists already gathered) as SearchParams; InvalidInput names each bad one."""
    try:
        return SearchParams.model_validate(data)
    except ValidationError as error:
        fields = field_problems(error.errors())
        first = next(iter(fields.items()))
        raise InvalidInput(
            gettext("The search parameter %(name)s is not valid: %(problem)s.")
            % {"name": first[0], "problem": first[1]},
            fields=fields,
        ) from None


def parse_feed_params(data: dict[str, Any]) -> SearchParams:
    """As `parse_params`, and the query must hold no control characters: the Atom feed carries it in its
    title, and XML cannot."""
    params = parse_params(data)
    if not re.match(PRINTABLE, params.q):
        raise InvalidInput(
            "The search parameter q is not valid: control characters are not allowed in a feed.",
            fields={"q": "control characters are not allowed"},
        )
    return params


def search_records(
    actor: Actor,
    *,
    query: str = "",
    filters: SearchFilters | None = None,
    sort: str = "relevance",
    cursor: str = "",
    size: int = 20,
    page: int | None = None,
    with_facets: bool = True,
) -> SearchPage:
    """A page of the records `actor` may see that match `query` and `filters`, with facet counts."""
    filters = filters or SearchFilters()
    if sort not in SORTS:
        raise InvalidInput(
            gettext("Unknown sort order %(sort)s; one of %(sorts)s.")
            % {"sort": repr(sort), "sorts": ", ".join(SORTS)},
            fields={"sort": "unknown"},
        )
    if not 1 <= size <= 200:
        raise InvalidInput(gettext("size must be between 1 and 200."), fields={"size": "1–200"})
    parsed = parse_query(query)
    effective_sort = "year_desc" if sort == "relevance" and parsed.match is None else sort
    facet_filters, years = _filters(filters, parsed)
    digest = _digest(query, filters, effective_sort)
    after, before = _read_cursor(cursor, digest) if cursor else (None, None)
    offset = 0
    if page is not None and not cursor:
        offset = (page - 1) * size
        if offset >= MAX_OFFSET:
            raise InvalidInput(
                gettext(
                    "Page %(page)s is too far: page numbers reach the first %(limit)s results; narrow the "
                    "search or follow the next links."
                )
                % {"page": page, "limit": f"{MAX_OFFSET:,}"},
                fields={"page": "too far"},
            )
    result = backend_for().search(
        SearchQuery(
            parsed=parsed,
            visible=visible_records(actor),
            filters=facet_filters,
            years=years,
            sort=effective_sort,
            after=after,
            before=before,
            offset=offset,
            size=size,
            with_facets=with_facets,
        )
    )
    return SearchPage(
        items=_load(result.ids),
        total=result.total,
        size=size,
        sort=effective_sort,
        query=query,
        filters=filters,
        facets=_facets(result.facets, filters) if with_facets else (),
        chosen=_chips(filters),
        next_cursor=_cursor(digest, "a", result.keys[-1]) if result.has_next and result.keys else "",
        previous_cursor=_cursor(digest, "b", result.keys[0]) if result.has_previous and result.keys else "",
    )


def search_within(actor: Actor, data: dict, **fixed: int) -> SearchPage:
    """The records of a person's, organisation's or journal's page, through search, with facets.

    `fixed` is the filter the page stands for (author=<person id>, organisation=…, journal=…); `data` is
    the page's own query (`presentation.request_data`): its sort, cursor and facet choices."""
    data = {**data, **{key: [value] for key, value in fixed.items()}}
    return search_with_params(actor, parse_params(data))


def search_with_params(actor: Actor, params: SearchParams, *, with_facets: bool = True) -> SearchPage:
    return search_records(
        actor,
        query=params.q,
        filters=params.filters(),
        sort=params.sort,
        cursor=params.cursor,
        size=params.size,
        page=params.page,
        with_facets=with_facets,
    )


@dataclass(frozen=True)
class AllResults:
    """Every result of a search: how many there are, and the records, read page by page as iterated."""

    total: int
    records: Iterator[Record]

    def __iter__(self) -> Iterator[Record]:
        return self.records


def every_result(actor: Actor, params: SearchParams, *, page_size: int = 200) -> AllResults:
    """Every result of a search (not only one page), in its order, page after page by cursor, so Export
    and Cite of a search stream its results without holding them all. The first page is searched here,
    so bad parameters raise InvalidInput and the total is known before the caller streams anything."""

    def page_after(cursor: str) -> SearchPage:
        return search_records(
            actor,
            query=params.q,
            filters=params.filters(),
            sort=params.sort,
            cursor=cursor,
            size=page_size,
            with_facets=False,
        )

    def pages(page: SearchPage) -> Iterator[Record]:
        while True:
            yield from page.items
            if not page.next_cursor:
                return
            page = page_after(page.next_cursor)

    first = page_after("")
    return AllResults(first.total, pages(first))


# ---------------------------------------------------------------- filters


def parse_years(text: str) -> YearRange | None:
    """ "2024", "2020-2024", "2020-", "-2010" (also with – or ..) as a range; None for an empty text."""
    match = YEAR_RANGE.match(text)
    if not match:
        raise InvalidInput(
            gettext("%(text)s is not a year or a range of years like 2020-2024.") % {"text": repr(text)},
            fields={"year": "format"},
        )
    start, dash, end = match.groups()
    if start is None and end is None:
        if dash:
            raise InvalidInput(
                gettext("%(text)s is not a range of years like 2020-2024.") % {"text": repr(text)},
                fields={"year": "format"},
            )
        return None
    start_year = int(start) if start else None
    end_year = (int(end) if end else None) if dash else start_year
    if start_year and end_year and start_year > end_year:
        start_year, end_year = end_year, start_year
    return YearRange(start_year, end_year)


def _filters(
    filters: SearchFilters, parsed: ParsedQuery
) -> tuple[tuple[FacetFilter, ...], tuple[YearRange, ...]]:
    facets: list[FacetFilter] = []
    for name in ("type", "content", "category", "organisation", "language", "journal", "author"):
        facets += [FacetFilter(name, (str(value),)) for value in getattr(filters, name)]
    if filters.fulltext:
        facets.append(FacetFilter("fulltext", ("yes",)))
    years = []
    if filters.year and (years_range := parse_years(filters.year)):
        years.append(years_range)
    if filters.year_from or filters.year_to:
        years.append(YearRange(filters.year_from, filters.year_to))
    for query_filter in parsed.filters:
        if query_filter.name == "year":
            found = parse_years(query_filter.value)
            if found:
                years.append(YearRange(found.start, found.end, query_filter.negated))
        else:
            facets.append(_query_facet(query_filter))
    return tuple(facets), tuple(years)


def _query_facet(query_filter: QueryFilter) -> FacetFilter:
    """`type:` names an output type by code ("publication/journal-article"), by its last part
    ("journal-article") or by group ("publication"); `category:` by SSIF code. Unknown values match
    nothing."""
    value = query_filter.value.strip().lower()
    if query_filter.name == "type":
        codes = tuple(
            code
            for code, t in output_types().items()
            if value in (code, t.group, t.subtype, t.label_en.lower())
        )
        return FacetFilter("type", codes, query_filter.negated)
    return FacetFilter("category", (value,) if value.isdigit() else (), query_filter.negated)


# ---------------------------------------------------------------- cursors


def _digest(query: str, filters: SearchFilters, sort: str) -> str:
    text = json.dumps([query, filters.model_dump(mode="json"), sort], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _cursor(digest: str, direction: str, key: tuple[Any, ...]) -> str:
    return signing.dumps({"h": digest, "d": direction, "k": list(key)}, salt=CURSOR_SALT)


def _read_cursor(cursor: str, digest: str) -> tuple[tuple | None, tuple | None]:
    try:
        data = signing.loads(cursor, salt=CURSOR_SALT)
    except signing.BadSignature:
        raise InvalidInput(
            gettext("The page link is not valid; start the search again."), fields={"cursor": "invalid"}
        ) from None
    if not isinstance(data, dict) or data.get("h") != digest:
        raise InvalidInput(
            gettext("The page link belongs to another search; start this search again."),
            fields={"cursor": "other search"},
        )
    key = tuple(data["k"])
    return (None, key) if data.get("d") == "b" else (key, None)


# ---------------------------------------------------------------- results


def _load(ids: list[int]) -> list[Record]:
    records = (
        Record.objects.filter(pk__in=ids)
        .select_related("journal")
        .prefetch_related(Prefetch("contributions", queryset=Contribution.objects.order_by("position")))
    )
    by_id = {r.pk: r for r in records}
    return [by_id[i] for i in ids if i in by_id]


def _chips(filters: SearchFilters) -> tuple[Chip, ...]:
    chosen = {
        name: [str(v) for v in getattr(filters, name)]
        for name in ("type", "content", "category", "organisation", "language", "journal", "author")
    }
    if filters.fulltext:
        chosen["fulltext"] = ["yes"]
    labels = _labels({name: set(values) for name, values in chosen.items()})
    chips = [Chip(name, v, labels[name].get(v, v)) for name, values in chosen.items() for v in values]
    if filters.year:
        chips.append(Chip("year", filters.year, filters.year))
    if filters.year_from or filters.year_to:
        label = f"{filters.year_from or ''}–{filters.year_to or ''}"
        chips.append(Chip("year_range", label, label))
    return tuple(chips)


def _labels(values: dict[str, set[str]]) -> dict[str, dict[str, str]]:
    """Display labels of facet values, one query per field that needs the database."""
    labels: dict[str, dict[str, str]] = {name: {} for name in FACET_LABELS}
    types = output_types()
    labels["type"] = {v: types[v].label if v in types else v for v in values.get("type", ())}
    content = dict(CONTENT_TYPES)
    labels["content"] = {v: str(content.get(v, v)) for v in values.get("content", ())}
    labels["language"] = {v: language_name(v) or v for v in values.get("language", ())}
    labels["fulltext"] = {"yes": str(_("Has full text"))}
    labels["year"] = {v: v for v in values.get("year", ())}
    if codes := values.get("category"):
        labels["category"] = {s.code: s.label for s in SubjectCategory.objects.filter(code__in=codes)}
    if ids := _ints(values.get("organisation")):
        labels["organisation"] = {
            str(o.pk): o.name
            for o in Organisation.objects.filter(pk__in=ids).only("pk", "name_en", "name_sv")
        }
    if ids := _ints(values.get("journal")):
        labels["journal"] = {
            str(pk): title for pk, title in Journal.objects.filter(pk__in=ids).values_list("pk", "title")
        }
    if ids := _ints(values.get("author")):
        labels["author"] = {
            str(p.pk): p.display_name
            for p in Person.objects.filter(pk__in=ids).only("pk", "family_name", "given_name")
        }
    return labels


def _ints(values: set[str] | None) -> set[int]:
    return {int(v) for v in values or () if v.isdigit()}


def _facets(counts: dict[str, list[tuple[str, int]]], filters: SearchFilters) -> tuple[Facet, ...]:
    labels = _labels({name: {v for v, _n in values} for name, values in counts.items()})
    chosen = {name: {str(v) for v in getattr(filters, name)} for name in ("type", "content", "category",
              "organisation", "language", "journal", "author")}  # fmt: skip
    chosen["fulltext"] = {"yes"} if filters.fulltext else set()
    chosen["year"] = set()
    facets = []
    for name in FACET_LABELS:
        values = counts.get(name)
        if not values:
            continue
        flat = [FacetValue(v, labels[name].get(v, v), n, v in chosen[name]) for v, n in values]
        if name == "year":
            flat.sort(key=lambda f: f.value, reverse=True)
        elif name == "category":
            flat = _tree(flat, lambda v: {5: v[:3], 3: v[:1]}.get(len(v)))
        elif name == "organisation":
            parents = dict(
                Organisation.objects.filter(pk__in=_ints({f.value for f in flat})).values_list(
                    "pk", "parent_id"
                )
            )
            flat = _tree(
                flat, lambda v, parents=parents: str(parents[int(v)]) if parents.get(int(v)) else None
            )
        facets.append(Facet(name, str(FACET_LABELS[name]), tuple(flat)))
    return tuple(facets)


def _tree(values: list[FacetValue], parent_of) -> list[FacetValue]:
    """Nest hierarchical facet values under their parents (kept in count order at each level)."""
    present = {v.value for v in values}
    children: dict[str | None, list[FacetValue]] = {}
    for value in values:
        parent = parent_of(value.value)
        children.setdefault(parent if parent in present else None, []).append(value)

    def build(value: FacetValue, depth: int = 0) -> FacetValue:
        kids = tuple(build(c, depth + 1) for c in children.get(value.value, [])) if depth < 6 else ()
        return FacetValue(value.value, value.label, value.count, value.selected, kids)

    return [build(v) for v in children.get(None, [])]

"""Links of the results page, derived from the request's parameters and a SearchPage. No queries."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse

from .schemas import LIST_FIELDS
from .services import SORT_LABELS, Facet, FacetValue, SearchPage

PAGING = ("cursor", "page")


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    selected: bool = False


@dataclass(frozen=True)
class FacetLink:
    value: FacetValue
    url: str  # choose the value, or remove it when chosen
    children: tuple[FacetLink, ...] = ()


def request_data(query: QueryDict) -> dict:
    """A request's query string as the input of SearchParams: list fields as lists."""
    data: dict = {}
    for key in query:
        data[key] = query.getlist(key) if key in LIST_FIELDS else query.get(key)
    return data


class ResultsLinks:
    """The URLs a results page shows: facets to add, chips to remove, sort orders, next and previous."""

    def __init__(
        self, page: SearchPage, query: QueryDict, base: str | None = None, fixed: dict | None = None
    ):
        self.page = page
        self.base = base or reverse("search:results")
        # Parameters of an embedded list (author=<person> on a person's page) kept on every link.
        self.params = query.copy()
        for key, value in (fixed or {}).items():
            self.params.setlist(key, [str(value)])

    def _url(self, params: QueryDict, *, keep_paging: bool = False) -> str:
        params = params.copy()
        if not keep_paging:
            for key in PAGING:
                params.pop(key, None)
        text = params.urlencode()
        return f"{self.base}?{text}" if text else self.base

    def with_value(self, field: str, value: str) -> str:
        params = self.params.copy()
        if field in LIST_FIELDS:
            values = params.getlist(field)
            if value not in values:
                params.setlist(field, [*values, value])
        elif field == "fulltext":
            params["fulltext"] = "true"
        else:
            params[field] = value
        return self._url(params)

    def without_value(self, field: str, value: str) -> str:
        params = self.params.copy()
        if field == "year_range":
            params.pop("year_from", None)
            params.pop("year_to", None)
        elif field in LIST_FIELDS:
            params.setlist(field, [v for v in params.getlist(field) if v != value])
        else:
            params.pop(field, None)
        return self._url(params)

    @property
    def facets(self) -> list[tuple[Facet, list[FacetLink]]]:
        def link(field: str, value: FacetValue) -> FacetLink:
            url = (
                self.without_value(field, value.value)
                if value.selected
                else self.with_value(field, value.value)
            )
            return FacetLink(value, url, tuple(link(field, c) for c in value.children))

        return [(facet, [link(facet.field, v) for v in facet.values]) for facet in self.page.facets]

    @property
    def chips(self) -> list[Link]:
        return [Link(chip.label, self.without_value(chip.field, chip.value)) for chip in self.page.chosen]

    @property
    def sorts(self) -> list[Link]:
        shown = [s for s in SORT_LABELS if s != "relevance" or self.page.query.strip()]
        links = []
        for sort in shown:
            params = self.params.copy()
            params["sort"] = sort
            links.append(Link(str(SORT_LABELS[sort]), self._url(params), sort == self.page.sort))
        return links

    def _cursor_url(self, cursor: str) -> str:
        if not cursor:
            return ""
        params = self.params.copy()
        params.pop("page", None)
        params["cursor"] = cursor
        return self._url(params, keep_paging=True)

    @property
    def next_url(self) -> str:
        return self._cursor_url(self.page.next_cursor)

    @property
    def previous_url(self) -> str:
        return self._cursor_url(self.page.previous_cursor)

    @property
    def here(self) -> str:
        """This list (its fixed filter and chosen facets) as a search of its own, first page."""
        return self._url(self.params)

    @property
    def whole_search(self) -> dict[str, list[str]]:
        """This search's parameters without its paging: what a feed, an export or a bibliography of every
        result repeats."""
        params = self.params.copy()
        for key in PAGING:
            params.pop(key, None)
        return dict(params.lists())

    @property
    def whole_search_query(self) -> str:
        """`whole_search` as a query string ("?q=…", or "" for the empty search)."""
        params = self.whole_search
        return "?" + urlencode(params, doseq=True) if params else ""

    @property
    def feed_url(self) -> str:
        return reverse("search:feed") + self.whole_search_query

    @property
    def advanced_url(self) -> str:
        keep = {k: self.params.getlist(k) for k in ("q", "type", "category", "year") if k in self.params}
        return reverse("search:advanced") + ("?" + urlencode(keep, doseq=True) if keep else "")

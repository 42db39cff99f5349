"""REST search: the same parameters and the same results as /search/, as JSON."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema

from samla.core.api_schemas import ErrorOut
from samla.core.views import actor_for

from .schemas import SearchParams
from .services import FacetValue, SearchPage, search_with_params

router = Router(tags=["search"])


class SearchMeta(Schema):
    total: int
    size: int
    sort: str
    query: str
    next_cursor: str
    previous_cursor: str


class SearchItem(Schema):
    local_id: str
    title: str
    subtitle: str
    year: int | None
    output_type: str
    journal: str | None
    authors: list[str]
    url: str


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool
    children: list[FacetValueOut] = []


FacetValueOut.model_rebuild()


class FacetOut(Schema):
    field: str
    label: str
    values: list[FacetValueOut]


class ChipOut(Schema):
    field: str
    value: str
    label: str


class SearchOut(Schema):
    meta: SearchMeta
    items: list[SearchItem]
    facets: list[FacetOut]
    chosen: list[ChipOut]


def _value(value: FacetValue) -> dict:
    return {
        "value": value.value,
        "label": value.label,
        "count": value.count,
        "selected": value.selected,
        "children": [_value(c) for c in value.children],
    }


def search_out(request: HttpRequest, page: SearchPage) -> dict:
    return {
        "meta": {
            "total": page.total,
            "size": page.size,
            "sort": page.sort,
            "query": page.query,
            "next_cursor": page.next_cursor,
            "previous_cursor": page.previous_cursor,
        },
        "items": [
            {
                "local_id": r.local_id,
                "title": r.title,
                "subtitle": r.subtitle,
                "year": r.year,
                "output_type": r.output_type,
                "journal": r.journal.title if r.journal else None,
                "authors": [c.inverted_name for c in r.contributions.all()],
                "url": request.build_absolute_uri(r.get_absolute_url()),
            }
            for r in page.items
        ],
        "facets": [
            {"field": f.field, "label": f.label, "values": [_value(v) for v in f.values]} for f in page.facets
        ],
        "chosen": [{"field": c.field, "value": c.value, "label": c.label} for c in page.chosen],
    }


@router.get("/", response={200: SearchOut, 400: ErrorOut}, summary="Search records", auth=None)
def search(request: HttpRequest, params: Query[SearchParams]):
    """Records matching `q` (the query language of docs/search.md) and the facet choices, a page at a time:
    follow `meta.next_cursor` with `cursor=`. Facet counts are over exactly the matching records."""
    return search_out(request, search_with_params(actor_for(request), params))

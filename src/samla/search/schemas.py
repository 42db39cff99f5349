"""The parameters of a search, shared by the service, the pages, the REST API and the feed (pydantic)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from samla.core.errors import PRINTABLE
from samla.core.pagination import Key

# A facet value; no control characters, which PostgreSQL refuses in a query (NUL) and no code holds.
Value = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64, pattern=PRINTABLE)]
Sort = Literal["relevance", "year_desc", "year_asc", "title", "updated"]
MAX_VALUES = 20
MAX_SIZE = 100


class SearchFilters(BaseModel):
    """Facet choices. Values of one field combine with AND, like different fields: every chosen value
    narrows the results, so each facet count is the number of results choosing that value would give."""

    model_config = ConfigDict(extra="ignore")

    type: list[Value] = Field(default_factory=list, max_length=MAX_VALUES, description="Output type code")
    year: Value = Field("", description="A year (2024) or a range (2020-2024, 2020-, -2010)")
    year_from: int | None = Field(None, ge=1, le=9999)
    year_to: int | None = Field(None, ge=1, le=9999)
    content: list[Value] = Field(default_factory=list, max_length=MAX_VALUES, description="Content type")
    category: list[Value] = Field(default_factory=list, max_length=MAX_VALUES, description="SSIF code")
    organisation: list[Key] = Field(
        default_factory=list, max_length=MAX_VALUES, description="Organisation id"
    )
    language: list[Value] = Field(default_factory=list, max_length=MAX_VALUES, description="ISO 639-3")
    journal: list[Key] = Field(default_factory=list, max_length=MAX_VALUES, description="Journal id")
    author: list[Key] = Field(default_factory=list, max_length=MAX_VALUES, description="Person id")
    fulltext: bool = Field(False, description="Only records with full text")


class SearchParams(SearchFilters):
    """Everything a search request may carry: the query, the facets, the order and the page."""

    q: str = Field("", description="The search, in the query language of docs/search.md")
    sort: Sort = "relevance"
    cursor: str = Field("", max_length=2000, description="The next_cursor or previous_cursor of a page")
    page: int | None = Field(
        None, ge=1, description="A page number, instead of a cursor (first 10,000 results)"
    )
    size: int = Field(20, ge=1, le=MAX_SIZE)

    def filters(self) -> SearchFilters:
        return SearchFilters.model_validate(self.model_dump(include=set(SearchFilters.model_fields)))


LIST_FIELDS = tuple(
    name
    for name, info in SearchParams.model_fields.items()
    if getattr(info.annotation, "__origin__", None) is list
)

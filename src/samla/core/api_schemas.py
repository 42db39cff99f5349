"""Schemas shared by every API router: the error body, the page envelope and its parameters."""

from typing import Annotated

from ninja import Schema
from pydantic import Field

from .pagination import MAX_PAGE_SIZE

# The bounds the list services enforce (`core.pagination.check_page`), stated in the OpenAPI document. The
# services still check them, so a number outside is answered with their 400 naming the parameter.
PageNumber = Annotated[int, Field(json_schema_extra={"minimum": 1})]
PageSize = Annotated[int, Field(json_schema_extra={"minimum": 1, "maximum": MAX_PAGE_SIZE})]


class ErrorOut(Schema):
    ok: bool = False
    code: str
    error: str
    errors: dict[str, str] = {}
    status: int


class PageMeta(Schema):
    total: int
    page: int
    size: int
    pages: int


def page_meta(page) -> dict[str, int]:
    """The `meta` of a paged answer, from a `samla.core.pagination.Page`."""
    return {"total": page.total, "page": page.page, "size": page.size, "pages": page.pages}

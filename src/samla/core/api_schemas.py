"""Schemas shared by every API router: the error body and the page envelope."""

from ninja import Schema


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

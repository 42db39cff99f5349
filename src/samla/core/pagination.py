"""A page of results, the one list shape services return, and the bounds of the numbers a request gives."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from django.utils.translation import gettext
from pydantic import Field

from .errors import InvalidInput

T = TypeVar("T")
MAX_PAGE_SIZE = 200
# The largest key or offset the databases' 64-bit integers hold; a larger number in a query failed there,
# a server error, instead of finding nothing.
MAX_KEY = 2**63 - 1
# A row's key as a request may give it.
Key = Annotated[int, Field(ge=1, le=MAX_KEY)]


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def check_page(page: int, size: int) -> tuple[int, int]:
    """Validate paging parameters once for every list service."""
    if page < 1:
        raise InvalidInput(gettext("page must be 1 or more"), fields={"page": "must be ≥ 1"})
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise InvalidInput(
            gettext("size must be between 1 and %(max)s") % {"max": MAX_PAGE_SIZE},
            fields={"size": f"1–{MAX_PAGE_SIZE}"},
        )
    return page, size


def paginate(queryset, page: int, size: int) -> Page:
    """Slice a queryset into a Page; an out-of-range page is an empty page, not an error."""
    page, size = check_page(page, size)
    total = queryset.count()
    start = (page - 1) * size
    # Past the end nothing is asked of the database: an offset beyond 64 bits failed there, a server error.
    items = list(queryset[start : start + size]) if start < total else []
    return Page(items=items, total=total, page=page, size=size)

"""Query conditions for the many rows of a batch, asked for by id or by text."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

# Missing ids past this share of a run are asked for as a list instead (`in_id_runs`).
MAX_GAP_SHARE = 0.25


def in_id_runs(field: str, ids: Iterable[int]) -> Q:
    """Rows whose `field` is one of `ids`, exactly as `field__in` selects them.

    Django prepares each value of an `__in` list one by one, a cost that shows beside building a batch
    of index documents (docs/benchmarks.md, "Design measurements"). The ids of a batch are mostly one
    run of consecutive numbers (a reindex reads records in id order, an import has just created them),
    so a run is asked for as a range, less the few ids missing from it; other ids as the list they are.
    """
    wanted = sorted(set(ids))
    if not wanted:
        return Q(**{f"{field}__in": []})
    first, last = wanted[0], wanted[-1]
    missing = last - first + 1 - len(wanted)
    if missing > MAX_GAP_SHARE * len(wanted):
        return Q(**{f"{field}__in": wanted})
    condition = Q(**{f"{field}__gte": first, f"{field}__lte": last})
    if missing:
        condition &= ~Q(**{f"{field}__in": sorted(set(range(first, last + 1)).difference(wanted))})
    return condition


def in_text_array(field: str, values: Iterable[str]) -> Q:
    """Rows whose text `field` is one of `values`, exactly as `field__in` selects them; on SQLite with the
    values as one parameter, a JSON array that SQLite unpacks (and looks each value up in the field's
    index, as for a list).

    Why: Django prepares each value of an `__in` list one by one, and a batch of an import asks for some
    thousands (its records' local ids, OAI identifiers and other identifiers), several times slower than
    one parameter (docs/benchmarks.md). PostgreSQL keeps the list, which it plans as index look-ups; a
    subquery it may not.
    """
    wanted = list(dict.fromkeys(values))  # no order needed, unlike `in_id_runs`'s runs
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__in": RawSQL("SELECT value FROM json_each(%s)", [json.dumps(wanted)])})
    return Q(**{f"{field}__in": wanted})

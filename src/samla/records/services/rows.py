"""Inserting many rows of one model with plain parameterised SQL, for the batch writers.

Why not `bulk_create`: it builds a model instance a row and compiles every value through the field
machinery, which was a third of an import's time (a record brings a dozen child rows). Here each column's
adapter is chosen once, the values are adapted only where the driver needs it (dates, JSON), and one
prepared INSERT is run for every row with `executemany`, which SQLite and PostgreSQL drivers both do
natively. The SQL goes through Django's connection, so it runs in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models

Adapter = Callable[[Any], Any] | None


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert `rows` (values in the order of `fields`, as Python values: dates, dicts for JSON…)."""
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    adapters = [_adapter(field) for field in columns]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(meta.db_table),
        ", ".join(quote(field.column) for field in columns),
        ", ".join(["%s"] * len(columns)),
    )
    if any(adapters):
        rows = (
            [value if adapt is None else adapt(value) for value, adapt in zip(row, adapters, strict=True)]
            for row in rows
        )
    batch = list(rows)
    if batch:
        with connection.cursor() as cursor:
            cursor.executemany(sql, batch)


def _adapter(field: models.Field) -> Adapter:
    """How a value of this field is handed to the driver; None where the driver takes it as it is."""
    ops = connection.ops
    if isinstance(field, models.JSONField):
        return lambda value: ops.adapt_json_value(value, field.encoder)
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    return None

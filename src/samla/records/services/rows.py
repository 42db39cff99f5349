"""Inserting many rows of one model with plain parameterised SQL, for the batch writers.

Why not `bulk_create`: it builds a model instance a row and compiles every value through the field
machinery, which was a third of an import's time (a record brings a dozen child rows). Here each column's
adapter is chosen once, the values are adapted only where the driver needs it (dates, JSON), and one
prepared INSERT is run for every row with `executemany`, which SQLite and PostgreSQL drivers both do
natively. The SQL goes through Django's connection, so it runs in the caller's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import orjson
from django.db import connection, models
from django.db.transaction import TransactionManagementError

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


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Primary keys for `count` rows of `model` about to be inserted with `insert_rows`, so a batch writer
    can link child rows to them without reading them back (which cost a query per 500 parents and a
    tenth of writing a batch of new records).

    PostgreSQL hands them out from the table's sequence, as inserts without a key would. SQLite takes the
    ones after the largest key ever given (AUTOINCREMENT keeps it in sqlite_sequence); this is safe only
    inside a transaction, which on SQLite holds the write lock from its start (`transaction_mode` is
    IMMEDIATE): no other connection can take a key before the caller commits.
    """
    if count == 0:
        return []
    if not connection.in_atomic_block:
        raise TransactionManagementError("reserve_ids needs the transaction its rows are inserted in")
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
                f"COALESCE((SELECT MAX({connection.ops.quote_name(column)}) FROM "
                f"{connection.ops.quote_name(table)}), 0))",
                [table],
            )
            last = cursor.fetchone()[0]
            return list(range(last + 1, last + 1 + count))
        sequence = "nextval(pg_get_serial_sequence(%s, %s))"
        cursor.execute(f"SELECT {sequence} FROM generate_series(1, %s)", [table, column, count])
        return sorted(row[0] for row in cursor.fetchall())


def _adapter(field: models.Field) -> Adapter:
    """How a value of this field is handed to the driver; None where the driver takes it as it is."""
    ops = connection.ops
    if isinstance(field, models.JSONField):
        if connection.vendor == "sqlite" and field.encoder is None:
            return _json_text
        return lambda value: ops.adapt_json_value(value, field.encoder)
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    return None


def _json_text(value: Any) -> str:
    """The JSON of a value for SQLite, which keeps JSON as text: written by orjson, a tenth of the time of
    json.dumps (Django's way) for the five JSON columns of a record, and read back the same."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # what orjson does not write (an int past 64 bits)
        return json.dumps(value)

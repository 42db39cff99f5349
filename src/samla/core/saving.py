"""Saving validated changes to a row: only the fields whose value differs, with update_fields; and the
check every text value passes before it is stored."""

from collections.abc import Mapping
from typing import Any

from django.db import models

from .errors import InvalidInput


def check_lengths(model: type[models.Model], values: Mapping[str, Any]) -> None:
    """InvalidInput naming the first text value longer than its column. PostgreSQL refuses such a value
    with an error (a server error, or an import stopped), while SQLite stores it."""
    for name, value in values.items():
        limit = getattr(model._meta.get_field(name), "max_length", None)
        if limit and isinstance(value, str) and len(value) > limit:
            raise InvalidInput(
                f"The {name} is longer than {limit} characters.", fields={name: f"at most {limit} characters"}
            )


def save_changed_fields(instance: models.Model, values: dict[str, Any]) -> list[str]:
    """Set and save the fields of `values` that differ from `instance`; returns their names.

    Saving with update_fields keeps a concurrent change to another field intact (Zulip's rule against
    bare saves of important rows).
    """
    changed = [field for field, value in values.items() if getattr(instance, field) != value]
    for field in changed:
        setattr(instance, field, values[field])
    if changed:
        instance.save(update_fields=changed)
    return changed

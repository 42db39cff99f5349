"""Saving validated changes to a row: only the fields whose value differs, with update_fields."""

from typing import Any

from django.db import models


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

"""Saving validated changes to a row: only the fields whose value differs, with update_fields; the
check every text value passes before it is stored; and the one shape in which the authority records
(people, organisations, journals) are created, updated and cleaned."""

from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any, TypeVar

from django.db import models, transaction

from .access import Actor, require
from .errors import InvalidInput, NotFound

M = TypeVar("M", bound=models.Model)


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


def check_known_fields(fields: Mapping[str, Any], known: Collection[str], *, noun: str) -> None:
    """InvalidInput naming the first field of `fields` that `known` lacks ("Unknown person field x.")."""
    unknown = sorted(set(fields) - set(known))
    if unknown:
        raise InvalidInput(f"Unknown {noun} field {unknown[0]}.", fields={unknown[0]: "unknown"})


def strip_texts(values: dict[str, Any], names: Iterable[str]) -> None:
    """Strip the text fields `names` of `values` that are present, a missing (None) one as ""."""
    for name in names:
        if name in values:
            values[name] = (values[name] or "").strip()


def create_authority(actor: Actor, model: type[M], clean: Callable[[], dict[str, Any]]) -> M:
    """A new authority record of the values `clean()` returns (the app's own check), once the actor
    may manage authority records: one shape for people, organisations and journals."""
    require(actor, "authority.manage")
    instance = model(**clean())
    instance.save()
    return instance


@transaction.atomic
def update_authority(
    actor: Actor, model: type[M], pk: int, clean: Callable[[], dict[str, Any]], *, missing: str
) -> M:
    """Change an authority record to the values `clean()` returns, the row locked so two edits do not
    interleave; saves only what changed. NotFound(`missing`) when no row has `pk`."""
    require(actor, "authority.manage")
    instance = model.objects.select_for_update().filter(pk=pk).first()
    if instance is None:
        raise NotFound(missing)
    save_changed_fields(instance, clean())
    return instance

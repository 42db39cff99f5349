"""Reading and writing organisations; the only code that saves an Organisation."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext

from samla.core.access import Actor
from samla.core.errors import InvalidInput, NotFound
from samla.core.pagination import Page, paginate
from samla.core.saving import (
    check_known_fields,
    check_lengths,
    create_authority,
    strip_texts,
    update_authority,
)

from .models import Organisation

KIND_CODES = {code for code, _label in Organisation.KINDS}


def create_organisation(
    actor: Actor,
    *,
    name_en: str,
    name_sv: str = "",
    kind: str = "unit",
    parent: Organisation | None = None,
    identifier: str | None = None,
    country: str = "",
    ror: str = "",
) -> Organisation:
    fields = {
        "name_en": name_en,
        "name_sv": name_sv,
        "kind": kind,
        "parent": parent,
        "identifier": identifier,
        "country": country,
        "ror": ror,
    }
    return create_authority(actor, Organisation, partial(clean_organisation_fields, fields))


@transaction.atomic
def ensure_organisation_path(actor: Actor, *, names: list[str], identifier: str = "") -> Organisation:
    """The organisation at the end of a name path (university → school → unit), created as needed.

    DiVA names an organisation by its whole path and gives an identifier for the last part only; the
    identifier wins when it is known, and the path is matched by name below the same parent otherwise.
    The top of a new path is an "organisation": a path's top is not always a university ("Utförare
    miljöövervakning" heads one of Naturvårdsverket's paths), and a curator can tell its kind.
    """
    names = [n.strip() for n in names if n and n.strip()]
    if not names:
        raise InvalidInput("An organisation path needs at least one name.", fields={"names": "empty"})
    if identifier:
        found = Organisation.objects.filter(identifier=identifier).first()
        if found:
            return found
    parent = None
    for depth, name in enumerate(names):
        is_leaf = depth == len(names) - 1
        found = Organisation.objects.filter(parent=parent, name_en=name).first()
        if found is None or (is_leaf and identifier and found.identifier not in (None, identifier)):
            kind = "organisation" if depth == 0 else "faculty" if depth == 1 and not is_leaf else "department"
            found = create_organisation(
                actor, name_en=name, kind=kind, parent=parent, identifier=identifier if is_leaf else None
            )
        elif is_leaf and identifier and not found.identifier:
            found.identifier = identifier
            found.save(update_fields=["identifier"])
        parent = found
    return parent


def get_organisation_for(actor: Actor, organisation_id: int) -> Organisation:
    """An organisation with its parent chain and sub-units loaded; NotFound if it does not exist."""
    try:
        organisation = Organisation.objects.select_related("parent__parent").get(pk=organisation_id)
    except Organisation.DoesNotExist:
        raise NotFound(gettext("No such organisation.")) from None
    organisation.sub_units = list(organisation.children.order_by(Lower("name_en"), "pk"))
    return organisation


def organisation_and_descendant_ids(organisation_id: int) -> list[int]:
    """The organisation and every unit below it, for "records of this organisation" lists."""
    return descendant_ids(dict(Organisation.objects.values_list("pk", "parent_id")), organisation_id)


def descendant_ids(parents: Mapping[int, int | None], organisation_id: int) -> list[int]:
    """The organisation and every unit below it, given each organisation's parent (pk -> parent pk)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in parents.items():
        children.setdefault(parent_id, []).append(pk)
    found, todo = [], [organisation_id]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def list_organisations(actor: Actor, *, top_level: bool = False, page: int = 1, size: int = 50) -> Page:
    queryset = Organisation.objects.select_related("parent")
    if top_level:
        queryset = queryset.filter(parent=None)
    return paginate(queryset.order_by(Lower("name_en"), "pk"), page, size)


TEXT_FIELDS = ("name_en", "name_sv", "country", "ror")
ORGANISATION_FIELDS = frozenset({*TEXT_FIELDS, "kind", "parent", "identifier"})


def clean_organisation_fields(
    fields: dict[str, Any], *, organisation_id: int | None = None
) -> dict[str, Any]:
    """`fields` as `create_organisation` stores them; InvalidInput names the first wrong field.

    Beyond what creating checks, an edited organisation may not sit below itself: the hierarchy
    walks (`organisation_and_descendant_ids`) assume there is no cycle.
    """
    check_known_fields(fields, ORGANISATION_FIELDS, noun="organisation")
    clean = dict(fields)
    strip_texts(clean, TEXT_FIELDS)
    _clean_names(clean)
    check_lengths(Organisation, clean)
    if "kind" in clean and clean["kind"] not in KIND_CODES:
        raise InvalidInput(f"Unknown organisation kind {clean['kind']!r}.", fields={"kind": "unknown"})
    if "identifier" in clean:
        clean["identifier"] = _clean_identifier(clean["identifier"] or "", organisation_id)
    if clean.get("parent") is not None and organisation_id is not None:
        _check_not_below_itself(clean["parent"], organisation_id)
    return clean


def _clean_names(clean: dict[str, Any]) -> None:
    """An organisation with only a Swedish name uses it as its English name too, as creating does."""
    if "name_en" not in clean:
        return
    if not clean["name_en"]:
        clean["name_en"] = clean.get("name_sv", "")
    if not clean["name_en"]:
        raise InvalidInput("An organisation needs a name.", fields={"name_en": "required"})


def _clean_identifier(identifier: str, organisation_id: int | None) -> str | None:
    identifier = identifier.strip()
    taken = Organisation.objects.filter(identifier=identifier).exclude(pk=organisation_id)
    if identifier and taken.exists():
        raise InvalidInput(f"Organisation {identifier} exists already.", fields={"identifier": "taken"})
    return identifier or None


def _check_not_below_itself(parent: Organisation, organisation_id: int) -> None:
    if parent.pk in organisation_and_descendant_ids(organisation_id):
        raise InvalidInput(
            "An organisation cannot be placed below itself or one of its own units.",
            fields={"parent": "cycle"},
        )


def update_organisation(actor: Actor, *, organisation_id: int, **fields: Any) -> Organisation:
    """Change the given fields of an organisation (`parent` is an Organisation or None); saves only
    what changed."""
    clean = partial(clean_organisation_fields, fields, organisation_id=organisation_id)
    return update_authority(
        actor, Organisation, organisation_id, clean, missing=gettext("No such organisation.")
    )

"""Person authority records: matching contributors to people, and the only code that saves a Person."""

from __future__ import annotations

from django.db.models import Q

from samla.core.access import Actor, require
from samla.core.errors import InvalidInput, NotFound
from samla.core.pagination import Page, paginate
from samla.records.identifiers import InvalidIdentifier, normalise_orcid

from .models import Person, PersonNameVariant


def create_person(
    actor: Actor,
    *,
    family_name: str,
    given_name: str = "",
    orcid: str = "",
    local_id: str = "",
    authority_id: str = "",
    birth_year: int | None = None,
) -> Person:
    require(actor, "authority.manage")
    if not family_name.strip():
        raise InvalidInput("A person needs a family name.", fields={"family_name": "required"})
    orcid = _clean_orcid(orcid)
    for field, value in (("orcid", orcid), ("local_id", local_id), ("authority_id", authority_id)):
        if value and Person.objects.filter(**{field: value}).exists():
            raise InvalidInput(f"Another person has {field} {value}.", fields={field: "taken"})
    person = Person(
        family_name=family_name.strip(),
        given_name=given_name.strip(),
        orcid=orcid or None,
        local_id=local_id or None,
        authority_id=authority_id or None,
        birth_year=birth_year,
    )
    person.save()
    return person


def _clean_orcid(orcid: str) -> str:
    if not orcid:
        return ""
    try:
        return normalise_orcid(orcid)
    except InvalidIdentifier as error:
        raise InvalidInput(str(error), fields={"orcid": "invalid"}) from None


def resolve_person(
    actor: Actor,
    *,
    family_name: str,
    given_name: str = "",
    orcid: str = "",
    local_id: str = "",
    authority_id: str = "",
    birth_year: int | None = None,
) -> Person | None:
    """The authority record for a contributor, matched by ORCID, local id or authority id.

    A contributor with none of those stays without an authority record, as in DiVA. A match found by one
    id learns the others it lacked, and the name as printed is kept as a variant when it differs.
    """
    orcid = _clean_orcid(orcid)
    keys = {k: v for k, v in (("orcid", orcid), ("local_id", local_id), ("authority_id", authority_id)) if v}
    if not keys:
        return None
    match = Q()
    for field, value in keys.items():
        match |= Q(**{field: value})
    person = Person.objects.filter(match).order_by("pk").first()
    if person is None:
        return create_person(
            actor, family_name=family_name, given_name=given_name, birth_year=birth_year, **keys
        )
    _learn_ids(person, keys, birth_year)
    _learn_name_variant(person, family_name, given_name)
    return person


def _learn_ids(person: Person, keys: dict[str, str], birth_year: int | None) -> None:
    changed = [
        field
        for field, value in keys.items()
        if not getattr(person, field) and not Person.objects.filter(**{field: value}).exists()
    ]
    for field in changed:
        setattr(person, field, keys[field])
    if birth_year and not person.birth_year:
        person.birth_year = birth_year
        changed.append("birth_year")
    if changed:
        person.save(update_fields=changed)


def _learn_name_variant(person: Person, family_name: str, given_name: str) -> None:
    family_name, given_name = family_name.strip(), given_name.strip()
    if (family_name, given_name) != (person.family_name, person.given_name) and family_name:
        PersonNameVariant.objects.get_or_create(person=person, family_name=family_name, given_name=given_name)


def get_person_for(actor: Actor, person_id: int) -> Person:
    try:
        return Person.objects.prefetch_related("name_variants", "organisations").get(pk=person_id)
    except Person.DoesNotExist:
        raise NotFound("No such person.") from None


def list_people(actor: Actor, *, name: str = "", page: int = 1, size: int = 50) -> Page:
    queryset = Person.objects.all()
    if name:
        queryset = queryset.filter(Q(family_name__icontains=name) | Q(given_name__icontains=name))
    return paginate(queryset.order_by("family_name", "given_name", "pk"), page, size)

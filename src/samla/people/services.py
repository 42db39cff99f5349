"""Person authority records: matching contributors to people, and the only code that saves a Person."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext

from samla.core.access import Actor, require
from samla.core.errors import InvalidInput, NotFound
from samla.core.pagination import Page, paginate
from samla.core.saving import check_known_fields, create_authority, strip_texts, update_authority
from samla.vocabularies.identifiers import InvalidIdentifier, normalise_orcid

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
    fields = {
        "family_name": family_name,
        "given_name": given_name,
        "orcid": orcid,
        "local_id": local_id,
        "authority_id": authority_id,
        "birth_year": birth_year,
    }
    return create_authority(actor, Person, partial(clean_person_fields, fields))


def _clean_orcid(orcid: str) -> str:
    if not orcid:
        return ""
    try:
        return normalise_orcid(orcid)
    except InvalidIdentifier as error:
        raise InvalidInput(str(error), fields={"orcid": "invalid"}) from None


@dataclass(frozen=True)
class WantedPerson:
    """A contributor as printed, with the ids that may identify their authority record."""

    family_name: str
    given_name: str = ""
    orcid: str = ""
    local_id: str = ""
    authority_id: str = ""
    birth_year: int | None = None

    @property
    def keys(self) -> dict[str, str]:
        return {f: v for f in ID_FIELDS if (v := getattr(self, f))}


ID_FIELDS = ("orcid", "local_id", "authority_id")


def resolve_person(actor: Actor, **wanted) -> Person | None:
    """The authority record for one contributor; see `resolve_people`."""
    return resolve_people(actor, [WantedPerson(**wanted)])[0]


def resolve_people(actor: Actor, wanted: Sequence[WantedPerson]) -> list[Person | None]:
    """The authority records for a batch of contributors, matched by ORCID, local id or authority id.

    A contributor with none of those ids stays without an authority record, as in DiVA; one whose ids
    match nobody gets a new record. A match learns the ids it lacked, and the name as printed is kept as a
    variant when it differs. One query finds every candidate of the batch.
    """
    wanted = [replace(w, orcid=_clean_orcid(w.orcid)) for w in wanted]
    index = _PeopleIndex.load(wanted)
    found: list[Person | None] = []
    for person_wanted in wanted:
        if not person_wanted.keys:
            found.append(None)
            continue
        person = index.match(person_wanted) or index.add_new(actor, person_wanted)
        index.learn(person, person_wanted)
        found.append(person)
    index.save()
    return found


def describes_same_person(stored: dict, given: dict) -> bool:
    """Whether a contributor's person reference (`PersonRef` as a dict) names the stored person: a shared
    id, the rule `resolve_people` matches with. A reference giving another birth year is still a change."""
    matched = any(given[k] and given[k] == stored[k] for k in ID_FIELDS)
    return matched and given["birth_year"] in (None, stored["birth_year"])


class _PeopleIndex:
    """People of one batch by each id; records new people, learned ids and name variants to save."""

    def __init__(self, people: Sequence[Person]) -> None:
        self.by_id = {
            field: {getattr(p, field): p for p in people if getattr(p, field)} for field in ID_FIELDS
        }
        self.new: list[Person] = []
        self.changed: dict[int, tuple[Person, set[str]]] = {}
        self.pending_variants: list[tuple[Person, str, str]] = []

    @classmethod
    def load(cls, wanted: Sequence[WantedPerson]) -> _PeopleIndex:
        query = Q()
        for field in ID_FIELDS:
            values = {getattr(w, field) for w in wanted if getattr(w, field)}
            if values:
                query |= Q(**{f"{field}__in": values})
        return cls(list(Person.objects.filter(query)) if query else [])

    def match(self, wanted: WantedPerson) -> Person | None:
        for field, value in wanted.keys.items():
            if person := self.by_id[field].get(value):
                return person
        return None

    def add_new(self, actor: Actor, wanted: WantedPerson) -> Person:
        require(actor, "authority.manage")
        if not wanted.family_name.strip():
            raise InvalidInput("A person needs a family name.", fields={"family_name": "required"})
        person = Person(
            family_name=wanted.family_name.strip(),
            given_name=wanted.given_name.strip(),
            birth_year=wanted.birth_year,
            **{field: value for field, value in wanted.keys.items()},
        )
        self.new.append(person)
        for field, value in wanted.keys.items():
            self.by_id[field][value] = person
        return person

    def learn(self, person: Person, wanted: WantedPerson) -> None:
        """Take over ids the person lacks (unless another person holds them) and the printed name."""
        for field, value in wanted.keys.items():
            if not getattr(person, field) and value not in self.by_id[field]:
                setattr(person, field, value)
                self.by_id[field][value] = person
                self._mark(person, field)
        if wanted.birth_year and not person.birth_year:
            person.birth_year = wanted.birth_year
            self._mark(person, "birth_year")
        family, given = wanted.family_name.strip(), wanted.given_name.strip()
        if family and (family, given) != (person.family_name, person.given_name):
            self.pending_variants.append((person, family, given))

    def _mark(self, person: Person, field: str) -> None:
        if person.pk is not None:
            self.changed.setdefault(person.pk, (person, set()))[1].add(field)

    def save(self) -> None:
        Person.objects.bulk_create(self.new)
        for person, fields in self.changed.values():
            person.save(update_fields=sorted(fields))
        variants = {(p.pk, family, given) for p, family, given in self.pending_variants}
        PersonNameVariant.objects.bulk_create(
            [PersonNameVariant(person_id=pk, family_name=f, given_name=g) for pk, f, g in sorted(variants)],
            ignore_conflicts=True,
        )


def get_person_for(actor: Actor, person_id: int) -> Person:
    try:
        return Person.objects.prefetch_related("name_variants", "organisations").get(pk=person_id)
    except Person.DoesNotExist:
        raise NotFound(gettext("No such person.")) from None


def list_people(actor: Actor, *, name: str = "", page: int = 1, size: int = 50) -> Page:
    queryset = Person.objects.prefetch_related("name_variants")
    if name:
        queryset = queryset.filter(Q(family_name__icontains=name) | Q(given_name__icontains=name))
    return paginate(queryset.order_by(Lower("family_name"), Lower("given_name"), "pk"), page, size)


NAME_FIELDS = ("family_name", "given_name")
ID_FIELDS = ("orcid", "local_id", "authority_id")
PERSON_FIELDS = frozenset({*NAME_FIELDS, *ID_FIELDS, "birth_year"})


def clean_person_fields(fields: dict[str, Any], *, person_id: int | None = None) -> dict[str, Any]:
    """`fields` as `create_person` stores them: names stripped, ORCID normalised, a missing id as NULL.

    InvalidInput names the first field that is unknown, empty when required, malformed, or already
    another person's (`person_id` is the person being edited, who may keep their own ids).
    """
    check_known_fields(fields, PERSON_FIELDS, noun="person")
    clean = dict(fields)
    strip_texts(clean, NAME_FIELDS)
    if "family_name" in clean and not clean["family_name"]:
        raise InvalidInput("A person needs a family name.", fields={"family_name": "required"})
    for field in ID_FIELDS:
        if field in clean:
            clean[field] = _clean_id(field, clean[field] or "", person_id)
    return clean


def _clean_id(field: str, value: str, person_id: int | None) -> str | None:
    value = value.strip()
    if field == "orcid" and value:
        try:
            value = normalise_orcid(value)
        except InvalidIdentifier as error:
            raise InvalidInput(str(error), fields={"orcid": "invalid"}) from None
    if value and Person.objects.filter(**{field: value}).exclude(pk=person_id).exists():
        raise InvalidInput(f"Another person has {field} {value}.", fields={field: "taken"})
    return value or None


def update_person(actor: Actor, *, person_id: int, **fields: Any) -> Person:
    """Change the given fields of a person; a field left out keeps its value. Saves only what changed."""
    clean = partial(clean_person_fields, fields, person_id=person_id)
    return update_authority(actor, Person, person_id, clean, missing=gettext("No such person."))

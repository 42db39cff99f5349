"""Who a signed-in user is among the authority records: their `Person`, found by ORCID or by the local
user id single sign-on gives, never by name; two users never share a person, an ORCID or a local id."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from samla.core.access import Actor, require
from samla.core.errors import InvalidInput
from samla.core.pagination import Page, check_page, paginate
from samla.people.models import Person
from samla.people.services import create_person, update_person
from samla.vocabularies.identifiers import InvalidIdentifier, normalise_orcid

from ..errors import IdentityConflictError
from ..models import Account, IdentityConflict

log = logging.getLogger("samla.accounts")
SIGN_IN = Actor.system("sign-in")


def account_for(user: Any) -> Account:
    """The user's account row, made on first use."""
    account, _created = Account.objects.get_or_create(user=user)
    return account


def link_person(user: Any, *, orcid: str | None = None, local_id: str | None = None) -> Person | None:
    """Link `user` to their authority record by ORCID or local user id, and remember both on the account.

    Returns the linked person, or None when no record holds these ids yet (one is made on the first
    deposit: `person_for(user, create=True)`). A claim another user holds, or ids that point at two
    people, raises IdentityConflictError and is kept for curators (`IdentityConflict`); call this outside
    a transaction so that note survives the refusal.
    """
    orcid, local_id = _clean_orcid(orcid), (local_id or "").strip() or None
    with transaction.atomic():
        account = Account.objects.select_for_update().get(pk=account_for(user).pk)
        problem = _problem(account, orcid, local_id)
        if problem is None:
            return _link(account, orcid, local_id)
    _record_conflict(user, *problem)
    raise IdentityConflictError(problem[-1], claim=problem[0], value=problem[1])


def person_for(user: Any, *, create: bool = False) -> Person | None:
    """The user's authority record; with `create`, one is made (from the account's ids and the user's
    names) when they have none yet, as their first deposit needs."""
    account = account_for(user)
    if account.person_id or not create:
        return account.person
    if account.orcid or account.local_id:
        found = link_person(user, orcid=account.orcid, local_id=account.local_id)
        if found is not None:
            return found
    with transaction.atomic():
        account = Account.objects.select_for_update().get(pk=account.pk)
        if account.person_id is None:
            account.person = create_person(
                SIGN_IN,
                family_name=user.last_name.strip() or user.get_username(),
                given_name=user.first_name.strip(),
                orcid=account.orcid or "",
                local_id=account.local_id or "",
            )
            account.save(update_fields=["person"])
    return account.person


def list_identity_conflicts(actor: Actor, *, page: int = 1, size: int = 50) -> Page:
    """Refused sign-in claims, newest first, for curators to sort out."""
    require(actor, "account.conflicts")
    page, size = check_page(page, size)
    queryset = IdentityConflict.objects.select_related("person", "user", "other_user")
    return paginate(queryset, page, size)


def _clean_orcid(orcid: str | None) -> str | None:
    if not orcid or not orcid.strip():
        return None
    value = orcid.strip().removeprefix("https://orcid.org/").removeprefix("http://orcid.org/")
    try:
        return normalise_orcid(value)
    except InvalidIdentifier as error:
        raise InvalidInput(str(error), fields={"orcid": "invalid"}) from None


Problem = tuple[str, str, Person | None, Any, str]  # claim, value, person, other user, message


def _problem(account: Account, orcid: str | None, local_id: str | None) -> Problem | None:
    """What stands against linking: the first conflict found, in words a user and a curator can act on."""
    for claim, value in (("orcid", orcid), ("local_id", local_id)):
        if value is None:
            continue
        held = getattr(account, claim)
        if held and held != value:
            return claim, value, None, None, _says_account_holds(claim, held, value)
        other = Account.objects.filter(**{claim: value}).exclude(pk=account.pk).select_related("user").first()
        if other is not None:
            return claim, value, other.person, other.user, _says_taken(claim, value)
    people = {p.pk: p for p in _people_with(orcid, local_id)}
    if len(people) > 1:
        names = "; ".join(sorted(p.display_name for p in people.values()))
        message = gettext(
            "The ORCID iD %(orcid)s and the local user id %(local_id)s belong to two people (%(names)s)."
        )
        return (
            "orcid",
            orcid or "",
            None,
            None,
            message % {"orcid": orcid, "local_id": local_id, "names": names},
        )
    person = next(iter(people.values()), None) or account.person
    if person is None:
        return None
    return _person_problem(account, person, orcid, local_id)


def _person_problem(
    account: Account, person: Person, orcid: str | None, local_id: str | None
) -> Problem | None:
    other = Account.objects.filter(person=person).exclude(pk=account.pk).select_related("user").first()
    if other is not None:
        message = gettext("The authority record %(person)s is already linked to another user.")
        return (
            "orcid" if orcid else "local_id",
            orcid or local_id or "",
            person,
            other.user,
            message % {"person": person.display_name},
        )
    if account.person_id and account.person_id != person.pk:
        message = gettext("You are linked to the authority record %(linked)s, not to %(person)s.")
        names = {"linked": account.person.display_name, "person": person.display_name}
        return "orcid" if orcid else "local_id", orcid or local_id or "", person, None, message % names
    for claim, value in (("orcid", orcid), ("local_id", local_id)):
        held = getattr(person, claim)
        if value and held and held != value:
            message = gettext("The authority record %(person)s holds another %(claim)s (%(held)s).")
            return (
                claim,
                value,
                person,
                None,
                message % {"person": person.display_name, "claim": claim, "held": held},
            )
    return None


def _people_with(orcid: str | None, local_id: str | None) -> list[Person]:
    found = []
    if orcid:
        found += Person.objects.filter(orcid=orcid)
    if local_id:
        found += Person.objects.filter(local_id=local_id)
    return found


def _link(account: Account, orcid: str | None, local_id: str | None) -> Person | None:
    """Remember the ids, link the person they name, and give that person the ids it lacks."""
    people = _people_with(orcid, local_id)
    person = people[0] if people else account.person
    account.orcid, account.local_id = orcid or account.orcid, local_id or account.local_id
    account.person = person
    account.save(update_fields=["orcid", "local_id", "person"])
    if person is not None:
        missing = {
            k: v for k, v in (("orcid", orcid), ("local_id", local_id)) if v and not getattr(person, k)
        }
        if missing:
            person = update_person(SIGN_IN, person_id=person.pk, **missing)
            account.person = person
    return person


def _says_account_holds(claim: str, held: str, value: str) -> str:
    message = gettext("Your account holds the %(claim)s %(held)s, not %(value)s.")
    return message % {"claim": claim, "held": held, "value": value}


def _says_taken(claim: str, value: str) -> str:
    message = gettext("The %(claim)s %(value)s belongs to another user's account.")
    return message % {"claim": claim, "value": value}


def _record_conflict(
    user: Any, claim: str, value: str, person: Person | None, other: Any, message: str
) -> None:
    """Keep the refusal for curators once (a user who tries again adds nothing) and log it."""
    log.warning("identity conflict for user %s: %s", user.get_username(), message)
    IdentityConflict.objects.get_or_create(
        user=user,
        claim=claim,
        value=value,
        resolved_at=None,
        defaults={"username": user.get_username(), "person": person, "other_user": other, "message": message},
    )

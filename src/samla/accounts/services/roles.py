"""Roles granted per organisation (and everything below it) or everywhere, every grant and revocation
written to the audit log `RoleChange`; and the rules that grant roles from single sign-on attributes."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from samla.core.access import GRANTABLE_ROLES, Actor, require
from samla.core.errors import InvalidInput, NotFound
from samla.core.pagination import Page, check_page, paginate
from samla.organisations.models import Organisation

from ..models import RoleChange, RoleGrant

log = logging.getLogger("samla.accounts")
RULES_ACTOR = Actor.system("role-rules")


def grant_role(
    actor: Actor, *, user: Any, role: str, organisation_id: int | None = None, source: str = "manual"
) -> RoleGrant:
    """Grant `role` to `user` for an organisation and every unit below it (None: everywhere).

    Granting what the user already holds changes nothing and writes no audit line."""
    require(actor, "role.manage")
    _check_role(role)
    organisation = _organisation(organisation_id)
    existing = RoleGrant.objects.filter(user=user, role=role, organisation=organisation).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            grant = RoleGrant.objects.create(
                user=user, role=role, organisation=organisation, source=source, granted_by=actor.label
            )
            _audit(actor, "grant", grant)
    except IntegrityError:  # granted by a concurrent request meanwhile
        return RoleGrant.objects.get(user=user, role=role, organisation=organisation)
    _forget_actor(user)
    return grant


def revoke_role(actor: Actor, *, grant_id: int) -> RoleGrant:
    """Take back one grant; returns it as it was."""
    require(actor, "role.manage")
    with transaction.atomic():
        grant = (
            RoleGrant.objects.select_for_update(of=("self",))
            .select_related("user", "organisation")
            .filter(pk=grant_id)
            .first()
        )
        if grant is None:
            raise NotFound(gettext("No such role grant."))
        _audit(actor, "revoke", grant)
        grant.delete()
    _forget_actor(grant.user)
    return grant


def list_grants(actor: Actor, *, user: Any = None) -> list[RoleGrant]:
    """Every grant, or one user's, with users and organisations loaded: administrators see anyone's, a
    user their own (the profile page)."""
    if user is None or user.pk != actor.user_id:
        require(actor, "role.manage")
    queryset = RoleGrant.objects.select_related("user", "organisation").order_by(
        "user__username", "role", "pk"
    )
    return list(queryset.filter(user=user) if user is not None else queryset)


def list_role_changes(actor: Actor, *, page: int = 1, size: int = 50) -> Page:
    """The audit log of grants and revocations, newest first."""
    require(actor, "role.manage")
    page, size = check_page(page, size)
    return paginate(RoleChange.objects.all(), page, size)


@dataclass(frozen=True)
class RoleRule:
    """Users with one of `affiliations` (eduPersonAffiliation values; empty: any) get `role` at
    `organisation`: "home" (their home organisation), an organisation identifier, or None (everywhere).
    `home_organisations` (empty: any) limits the rule to users of those home organisations."""

    role: str
    affiliations: frozenset[str] = frozenset()
    organisation: str | None = "home"
    home_organisations: frozenset[str] = frozenset()


def role_rules() -> list[RoleRule]:
    """SAMLA_ROLE_RULES, checked: ImproperlyConfigured names the first rule that is wrong."""
    rules = []
    for number, raw in enumerate(settings.ROLE_RULES, 1):
        if not isinstance(raw, dict) or raw.get("role") not in GRANTABLE_ROLES:
            raise ImproperlyConfigured(
                f"SAMLA_ROLE_RULES rule {number}: needs a role, one of {', '.join(GRANTABLE_ROLES)}: {raw!r}"
            )
        unknown = set(raw) - {"role", "affiliations", "organisation", "home_organisations"}
        if unknown:
            raise ImproperlyConfigured(f"SAMLA_ROLE_RULES rule {number}: unknown key {sorted(unknown)[0]!r}")
        rules.append(
            RoleRule(
                role=raw["role"],
                affiliations=frozenset(_affiliation(a) for a in raw.get("affiliations", [])),
                organisation=raw.get("organisation", "home"),
                home_organisations=frozenset(h.lower() for h in raw.get("home_organisations", [])),
            )
        )
    return rules


def apply_role_rules(user: Any, *, home_organisation: str, affiliations: list[str]) -> list[RoleGrant]:
    """Grant the roles the rules give for these sign-in attributes, and take back those the rules gave
    before and give no more (a member of staff who left); grants an administrator made stay.

    Returns the grants the rules give now. A rule for the home organisation grants nothing when the home
    organisation matches no `Organisation` (by SAMLA_HOME_ORGANISATIONS, identifier or ROR id)."""
    wanted = _wanted_grants(home_organisation.strip().lower(), {_affiliation(a) for a in affiliations})
    held = {(g.role, g.organisation_id): g for g in RoleGrant.objects.filter(user=user, source="rule")}
    for role, organisation_id in sorted(set(held) - wanted, key=str):
        revoke_role(RULES_ACTOR, grant_id=held[role, organisation_id].pk)
    return [
        grant_role(RULES_ACTOR, user=user, role=role, organisation_id=organisation_id, source="rule")
        for role, organisation_id in sorted(wanted, key=str)
    ]


def _wanted_grants(home: str, affiliations: set[str]) -> set[tuple[str, int | None]]:
    wanted: set[tuple[str, int | None]] = set()
    home_id: int | bool | None = False  # looked up once, when a rule needs it
    for rule in role_rules():
        if rule.affiliations and not rule.affiliations & affiliations:
            continue
        if rule.home_organisations and home not in rule.home_organisations:
            continue
        if rule.organisation is None:
            wanted.add((rule.role, None))
            continue
        if rule.organisation == "home":
            if home_id is False:
                home_id = _home_organisation_id(home)
            if home_id is not None:
                wanted.add((rule.role, home_id))
            continue
        organisation_id = (
            Organisation.objects.filter(identifier=rule.organisation).values_list("pk", flat=True).first()
        )
        if organisation_id is None:
            log.warning("SAMLA_ROLE_RULES names organisation %r, which does not exist", rule.organisation)
        else:
            wanted.add((rule.role, organisation_id))
    return wanted


def _home_organisation_id(home: str) -> int | None:
    """The organisation a home organisation value (a domain such as "his.se", an identifier, a ROR id)
    stands for."""
    if not home:
        return None
    mapped = {k.lower(): v for k, v in settings.HOME_ORGANISATIONS.items()}.get(home, home)
    ror = mapped.removeprefix("https://ror.org/")
    found = (
        Organisation.objects.filter(identifier=mapped).values_list("pk", flat=True).first()
        or Organisation.objects.filter(ror__in=[ror, f"https://ror.org/{ror}"])
        .values_list("pk", flat=True)
        .first()
    )
    if found is None:
        log.info("home organisation %r matches no organisation", home)
    return found


def _affiliation(value: str) -> str:
    """An eduPersonAffiliation value, scoped ("staff@his.se") or not, as the rules compare it."""
    return value.strip().lower().split("@", 1)[0]


def _check_role(role: str) -> None:
    if role not in GRANTABLE_ROLES:
        raise InvalidInput(
            gettext("Unknown role %(role)s: one of %(roles)s.")
            % {"role": role, "roles": ", ".join(GRANTABLE_ROLES)},
            fields={"role": "unknown"},
        )


def _organisation(organisation_id: int | None) -> Organisation | None:
    if organisation_id is None:
        return None
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise InvalidInput(
            gettext("No organisation has the id %(id)s.") % {"id": organisation_id},
            fields={"organisation": "unknown"},
        )
    return organisation


def _audit(actor: Actor, action: str, grant: RoleGrant) -> None:
    organisation = grant.organisation
    RoleChange.objects.create(
        at=timezone.now(),
        actor=actor.label,
        action=action,
        user=grant.user,
        username=grant.user.get_username(),
        role=grant.role,
        organisation=organisation,
        organisation_name=organisation.name_en if organisation else "",
        source=grant.source,
    )


def _forget_actor(user: Any) -> None:
    """Drop the actor kept on this user object (`Actor.for_user`), so its next question sees the change."""
    user.__dict__.pop("_samla_actor", None)


def users_holding(grants: Iterable[RoleGrant]) -> list[Any]:
    """The distinct users of `grants`, in order."""
    return list({g.user_id: g.user for g in grants}.values())

"""Who is acting, and what they may do.

Services take an `Actor` first and call `require`; views call `can` only to show or hide controls.
Each role includes the rights of the roles before it in `ROLES`.

A role is held everywhere (`Actor.role`: superusers, global grants) or for organisations
(`Actor.grants`): a curator of a university is a curator of its schools and units, not of another
university. The grants arrive with the organisations below them already resolved, so a rule compares
sets and asks the database nothing; `core` knows no app, so the accounts app hands `for_user` the
loader (`set_grant_loader`).

An actor acting through an API token carries the token's `scope` (read, write, curate): each action
names the scope it needs when it is registered, and a token of a smaller scope may not do it, whatever
its user's roles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.utils.translation import gettext

from .errors import PermissionDenied

ROLES = ("anonymous", "reader", "depositor", "curator", "admin", "system")
# Roles that may be granted, everywhere or for an organisation.
GRANTABLE_ROLES = ("depositor", "curator", "admin")
SCOPES = ("read", "write", "curate")

# A role held for organisations: the role, and the ids of the organisations with every unit below them.
Grants = tuple[tuple[str, frozenset[int]], ...]
GrantLoader = Callable[[Any], tuple[str, Grants]]
_grant_loader: GrantLoader | None = None


def set_grant_loader(loader: GrantLoader | None) -> None:
    """Install what `Actor.for_user` asks for a user's global role and organisation grants."""
    global _grant_loader
    _grant_loader = loader


@dataclass(frozen=True)
class Actor:
    """The identity a service acts for: a role, and the user id when a person is logged in."""

    role: str
    user_id: int | None = None
    name: str = ""
    grants: Grants = ()
    scope: str | None = None  # an API token's scope; None for a session or a CLI job

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")
        if self.scope is not None and self.scope not in SCOPES:
            raise ValueError(f"unknown scope {self.scope!r}")

    @classmethod
    def anonymous(cls) -> Actor:
        return cls("anonymous")

    @classmethod
    def system(cls, job: str) -> Actor:
        """The identity of a CLI job, importer or harvester, named for the revision log."""
        return cls("system", name=job)

    @classmethod
    def for_user(cls, user: Any) -> Actor:
        """Map a Django user to an actor: superusers are admins, then the roles granted to them.

        Kept on the user object, so a request that asks several times loads the grants once."""
        if user is None or not user.is_authenticated:
            return cls.anonymous()
        cached = getattr(user, "_samla_actor", None)
        if cached is not None:
            return cached
        role, grants = _grant_loader(user) if _grant_loader else ("reader", ())
        if user.is_superuser:
            role = "admin"
        actor = cls(role, user_id=user.pk, name=user.get_username(), grants=grants)
        user._samla_actor = actor
        return actor

    def with_scope(self, scope: str) -> Actor:
        """This actor acting through an API token of `scope`."""
        return replace(self, scope=scope)

    def at_least(self, role: str) -> bool:
        """Whether the actor holds `role` (or a higher one) everywhere."""
        return ROLES.index(self.role) >= ROLES.index(role)

    def at_least_somewhere(self, role: str) -> bool:
        """Whether the actor holds `role` everywhere or for at least one organisation."""
        return self.at_least(role) or any(_covers(held, role) and ids for held, ids in self.grants)

    def at_least_for(self, role: str, organisation_ids: Iterable[int]) -> bool:
        """Whether the actor holds `role` everywhere or for one of `organisation_ids`."""
        if self.at_least(role):
            return True
        wanted = set(organisation_ids)
        return any(_covers(held, role) and not ids.isdisjoint(wanted) for held, ids in self.grants)

    def organisations_where(self, role: str) -> frozenset[int]:
        """The organisations (units below included) where the actor holds `role` but not everywhere."""
        found: set[int] = set()
        for held, ids in self.grants:
            if _covers(held, role):
                found |= ids
        return frozenset(found)

    @property
    def label(self) -> str:
        """How the actor is named in revisions."""
        return f"{self.role}:{self.name}" if self.name else self.role


def _covers(held: str, wanted: str) -> bool:
    return ROLES.index(held) >= ROLES.index(wanted)


Rule = Callable[[Actor, Any], bool]
_ACTIONS: dict[str, Rule] = {}
_SCOPES: dict[str, str] = {}


def register_action(name: str, rule: Rule, *, scope: str = "curate") -> None:
    """Declare a named action; each app's permissions.py calls this once per action at import.

    `scope` is the smallest API token scope that may do it: "read" for what only reads, "write" for
    depositing and editing, "curate" (the default, so a forgotten one is the safe one) for the rest."""
    if name in _ACTIONS:
        raise ValueError(f"action {name!r} is declared twice")
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    _ACTIONS[name] = rule
    _SCOPES[name] = scope


def registered_actions() -> list[str]:
    return sorted(_ACTIONS)


def action_scope(action: str) -> str:
    """The smallest token scope that may do `action`."""
    return _SCOPES[action]


def can(actor: Actor, action: str, obj: Any = None) -> bool:
    if actor.scope is not None and SCOPES.index(actor.scope) < SCOPES.index(_SCOPES[action]):
        return False
    return _ACTIONS[action](actor, obj)


def require(actor: Actor, action: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless `actor` may do `action` (on `obj`)."""
    if not can(actor, action, obj):
        raise PermissionDenied(
            gettext("You may not do this (%(action)s).") % {"action": action}, action=action
        )


def role_at_least(role: str) -> Rule:
    """A rule granted to `role` and every role above it, held everywhere."""
    return lambda actor, _obj=None: actor.at_least(role)


def role_somewhere(role: str) -> Rule:
    """A rule granted to `role` and every role above it, held everywhere or for any organisation."""
    return lambda actor, _obj=None: actor.at_least_somewhere(role)

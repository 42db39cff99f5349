"""Who is acting, and what they may do.

Services take an `Actor` first and call `require`; views call `can` only to show or hide controls.
Each role includes the rights of the roles before it in `ROLES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from .errors import PermissionDenied

ROLES = ("anonymous", "reader", "depositor", "curator", "admin", "system")
CURATORS_GROUP = "curators"
DEPOSITORS_GROUP = "depositors"


@dataclass(frozen=True)
class Actor:
    """The identity a service acts for: a role, and the user id when a person is logged in."""

    role: str
    user_id: int | None = None
    name: str = ""

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")

    @classmethod
    def anonymous(cls) -> Actor:
        return cls("anonymous")

    @classmethod
    def system(cls, job: str) -> Actor:
        """The identity of a CLI job, importer or harvester, named for the revision log."""
        return cls("system", name=job)

    @classmethod
    def for_user(cls, user: Any) -> Actor:
        """Map a Django user to an actor: superusers are admins, then group membership decides."""
        if user is None or not user.is_authenticated:
            return cls.anonymous()
        if user.is_superuser:
            role = "admin"
        else:
            groups = {g.name for g in user.groups.all()}
            role = (
                "curator"
                if CURATORS_GROUP in groups
                else "depositor"
                if DEPOSITORS_GROUP in groups
                else "reader"
            )
        return cls(role, user_id=user.pk, name=user.get_username())

    def at_least(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)

    @property
    def label(self) -> str:
        """How the actor is named in revisions."""
        return f"{self.role}:{self.name}" if self.name else self.role


Rule = Callable[[Actor, Any], bool]
_ACTIONS: dict[str, Rule] = {}


def register_action(name: str, rule: Rule) -> None:
    """Declare a named action; each app's permissions.py calls this once per action at import."""
    if name in _ACTIONS:
        raise ValueError(f"action {name!r} is declared twice")
    _ACTIONS[name] = rule


def registered_actions() -> list[str]:
    return sorted(_ACTIONS)


def can(actor: Actor, action: str, obj: Any = None) -> bool:
    return _ACTIONS[action](actor, obj)


def require(actor: Actor, action: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless `actor` may do `action` (on `obj`)."""
    if not can(actor, action, obj):
        raise PermissionDenied(
            gettext("You may not do this (%(action)s).") % {"action": action}, action=action
        )


def role_at_least(role: str) -> Rule:
    """A rule granted to `role` and every role above it."""
    return lambda actor, _obj=None: actor.at_least(role)

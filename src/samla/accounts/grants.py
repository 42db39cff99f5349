"""A user's roles as `core.access.Actor` holds them: the highest role held everywhere, and each role held
for organisations with every unit below them, read in one query."""

from __future__ import annotations

from typing import Any

from django.db import connection

from samla.core.access import ROLES, Grants
from samla.organisations.models import Organisation

from .models import RoleGrant


def _grants_sql() -> str:
    """Each grant of the user, and (recursively) every organisation below a granted one. UNION, not UNION
    ALL: a row already found is not walked again, which also ends a loop in a broken hierarchy."""
    grants, organisations = RoleGrant._meta.db_table, Organisation._meta.db_table
    return f"""
        WITH RECURSIVE granted(role, organisation_id) AS (
            SELECT role, organisation_id FROM {grants} WHERE user_id = %s
            UNION
            SELECT granted.role, o.id
            FROM granted JOIN {organisations} o ON o.parent_id = granted.organisation_id
        )
        SELECT role, organisation_id FROM granted
    """


def load_grants(user: Any) -> tuple[str, Grants]:
    """The user's global role ("reader" when none is held everywhere) and their organisation grants."""
    with connection.cursor() as cursor:
        cursor.execute(_grants_sql(), [user.pk])
        rows = cursor.fetchall()
    role = "reader"
    scoped: dict[str, set[int]] = {}
    for granted, organisation_id in rows:
        if organisation_id is None:
            role = max(role, granted, key=ROLES.index)
        else:
            scoped.setdefault(granted, set()).add(organisation_id)
    grants = tuple(
        (granted, frozenset(ids))
        for granted, ids in sorted(scoped.items())
        if not _held_everywhere(role, granted)
    )
    return role, grants


def _held_everywhere(role: str, granted: str) -> bool:
    return ROLES.index(role) >= ROLES.index(granted)

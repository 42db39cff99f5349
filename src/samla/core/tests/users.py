"""Django users for the roles of `samla.core.access`, for tests that log in through the test client."""

from __future__ import annotations

from django.contrib.auth.models import Group, User

from samla.core.access import CURATORS_GROUP, DEPOSITORS_GROUP

ROLE_GROUPS = {"reader": None, "depositor": DEPOSITORS_GROUP, "curator": CURATORS_GROUP}


def make_user(role: str, *, staff: bool = False) -> User:
    """A user with `role` ("reader", "depositor", "curator" or "admin"); the groups come from a migration."""
    user = User.objects.create_user(
        username=f"{role}-{'staff' if staff else 'user'}",
        password="unused-in-tests",
        is_staff=staff or role == "admin",
        is_superuser=role == "admin",
    )
    if ROLE_GROUPS.get(role):
        user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
    return user

"""Django users for the roles of `samla.core.access`, for tests that log in through the test client."""

from __future__ import annotations

from django.contrib.auth.models import User

from samla.accounts.services import grant_role
from samla.core.access import Actor


def make_user(role: str, *, staff: bool = False, organisation_id: int | None = None) -> User:
    """A user with `role` ("reader", "depositor", "curator" or "admin"), granted everywhere unless an
    organisation is given (an admin is a superuser)."""
    user = User.objects.create_user(
        username=f"{role}-{'staff' if staff else 'user'}",
        password="unused-in-tests",
        is_staff=staff or role == "admin",
        is_superuser=role == "admin" and organisation_id is None,
    )
    if role in ("depositor", "curator") or (role == "admin" and organisation_id is not None):
        grant_role(Actor.system("tests"), user=user, role=role, organisation_id=organisation_id)
    return user

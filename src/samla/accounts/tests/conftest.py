"""Fixtures of the accounts tests: two universities, one with a school and a unit below it."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from samla.core.access import Actor
from samla.organisations.services import ensure_organisation_path


@pytest.fixture
def tree(db) -> SimpleNamespace:
    """Högskolan T → Skolan T1 → Enheten T1a, and Universitetet U (someone else's)."""
    system = Actor.system("tests")
    unit = ensure_organisation_path(
        system, names=["Högskolan T", "Skolan T1", "Enheten T1a"], identifier="t:unit"
    )
    school = unit.parent
    top = school.parent
    for organisation, identifier in ((school, "t:school"), (top, "t:top")):
        organisation.identifier = identifier
        organisation.save(update_fields=["identifier"])
    other = ensure_organisation_path(system, names=["Universitetet U"], identifier="u:top")
    return SimpleNamespace(top=top, school=school, unit=unit, other=other)


@pytest.fixture
def make_user(db):
    """Users by name, made as `samla user create` makes them."""
    from django.contrib.auth.models import User

    def make(username: str, **names: str) -> User:
        return User.objects.create_user(username, password=f"pw-{username}-long", **names)

    return make

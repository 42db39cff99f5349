"""Users for the first administrator and for scripts (`samla user …`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from samla.core.access import Actor, require
from samla.core.errors import Conflict, InvalidInput, NotFound


def create_user(actor: Actor, *, username: str, email: str, password: str | None = None) -> Any:
    """A local account; without a password it cannot sign in until one is set (by reset e-mail)."""
    require(actor, "role.manage")
    user_model = get_user_model()
    username = (username or "").strip()
    user = user_model(username=username, email=(email or "").strip())
    _check(lambda: user_model._meta.get_field("username").run_validators(username), "username")
    if not username:
        raise InvalidInput(gettext("A user needs a username."), fields={"username": "required"})
    _check(lambda: validate_email(user.email), "email")
    if password is not None:
        _check(lambda: validate_password(password, user), "password")
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise Conflict(gettext("A user named %(name)s exists already.") % {"name": username}) from None
    return user


def get_user_for(actor: Actor, username: str) -> Any:
    """The user named `username`; NotFound otherwise."""
    require(actor, "role.manage")
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFound(gettext("No user is named %(name)s.") % {"name": username})
    return user


def list_users(actor: Actor) -> list[Any]:
    """Every user, with their role grants and organisations loaded."""
    require(actor, "role.manage")
    return list(get_user_model().objects.order_by("username").prefetch_related("role_grants__organisation"))


def _check(validate, field: str) -> None:
    try:
        validate()
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), fields={field: " ".join(error.messages)}) from None

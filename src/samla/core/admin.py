"""What every Samla admin page shares: access by Samla role, and service errors shown on the form.

Django's admin normally asks for per-model permissions; Samla's admin instead follows `samla.core.access`,
so a staff user granted the curator role everywhere (or a superuser, the admin role) may use it, and
nobody else.
Django still requires `is_staff` to log in to /admin/ at all. Writes go through services: admins that
edit override `save_model`, and read-only admins refuse add, change and delete.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.db import models
from django.http import HttpRequest

from samla.core.access import Actor, can
from samla.core.errors import InvalidInput


def admin_actor(request: HttpRequest) -> Actor:
    """The request's actor, computed once: the admin asks for permissions dozens of times a page."""
    actor = getattr(request, "samla_actor", None)
    if actor is None:
        actor = Actor.for_user(request.user)
        request.samla_actor = actor
    return actor


def is_curator(request: HttpRequest) -> bool:
    return admin_actor(request).at_least("curator")


class CuratorReadOnly:
    """Curators may look; nobody adds, changes or deletes here, because no service does it this way."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_curator(request)

    def has_view_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return is_curator(request)

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


class AuthorityAdmin(CuratorReadOnly):
    """People, organisations and journals: curators add and change them through their services.

    There is no delete: contributions and records point at authority records, and no service removes one.
    """

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return can(admin_actor(request), "authority.manage")

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return can(admin_actor(request), "authority.manage")


def clean_with_service(form: forms.BaseForm, clean_fields: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Finish a form's clean() with the service's own validation, while errors can still sit by fields.

    `clean_fields` is the service's check (e.g. `clean_person_fields`); its normalised values replace
    the form's, so the page shows and saves what the service would store. The service checks again
    when it saves, because the CLI and importers have no form in front of them.
    """
    if not form.errors:
        try:
            form.cleaned_data.update(clean_fields())
        except InvalidInput as error:
            _add_service_errors(form, error)
    return form.cleaned_data


def _add_service_errors(form: forms.BaseForm, error: InvalidInput) -> None:
    """Show a service's InvalidInput next to the fields it names, else above the form."""
    named = [field for field in error.fields if field in form.fields]
    for field in named:
        form.add_error(field, error.message)
    if not named:
        form.add_error(None, error.message)


def adopt(obj: models.Model, saved: models.Model) -> None:
    """Make the admin's form instance the row a service saved, so the log entry and redirect name it."""
    vars(obj).update(vars(saved))

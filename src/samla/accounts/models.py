"""Accounts: what Samla knows of a user beyond Django's `User`, the roles granted to them per
organisation (with every change audited), and their personal API tokens."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ROLE_CHOICES = [("depositor", _("Depositor")), ("curator", _("Curator")), ("admin", _("Administrator"))]
SCOPE_CHOICES = [("read", _("Read")), ("write", _("Write")), ("curate", _("Curate"))]


class Account(models.Model):
    """A user's identity keys from sign-in and the link to their `Person` authority record.

    The person link is one-to-one, so two users can never be one person; the ORCID and the local user
    id are unique, so two users can never claim the same one.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account")
    person = models.OneToOneField(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="account"
    )
    orcid = models.CharField("ORCID iD", max_length=19, unique=True, null=True, blank=True)
    local_id = models.CharField(max_length=100, unique=True, null=True, blank=True)

    def __str__(self) -> str:
        return str(self.user)


class IdentityConflict(models.Model):
    """A sign-in that claimed a person, an ORCID or a local user id another user holds: refused, and kept
    here for curators to sort out (the accounts' conflicts page and the admin list them)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150)
    claim = models.CharField(max_length=20)  # "orcid" or "local_id"
    value = models.CharField(max_length=100)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    other_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return self.message


class RoleGrant(models.Model):
    """A role for an organisation and every unit below it, or everywhere (no organisation)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=20, choices=ROLE_CHOICES)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_grants",
    )
    # "manual" (an administrator), "rule" (SAMLA_ROLE_RULES at sign-in), "group" (the former groups).
    source = models.CharField(max_length=20, default="manual")
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.CharField(max_length=200)

    class Meta:
        ordering = ["user_id", "role", "organisation_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organisation"], name="unique_role_grant_per_organisation"
            ),
            models.UniqueConstraint(
                fields=["user", "role"], condition=Q(organisation=None), name="unique_role_grant_everywhere"
            ),
        ]

    def __str__(self) -> str:
        where = self.organisation.name if self.organisation_id else _("everywhere")
        return f"{self.user} {self.role} ({where})"


class RoleChange(models.Model):
    """The audit log of role grants: who granted or revoked what, for whom, where and when. Names are
    copied, so the line stays readable after the user or organisation is gone."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.CharField(max_length=200)
    action = models.CharField(max_length=10, choices=[("grant", _("granted")), ("revoke", _("revoked"))])
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150)
    role = models.CharField(max_length=20, choices=ROLE_CHOICES)
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation_name = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=20, default="manual")

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.role} {self.username}"


class ApiToken(models.Model):
    """A personal access token. Only the SHA-256 of the secret is kept; `prefix` (not secret) tells
    the user's tokens apart in their list."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=10, choices=SCOPE_CHOICES)
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

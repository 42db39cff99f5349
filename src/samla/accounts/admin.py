"""Accounts in the admin, read-only: roles are granted on /accounts/roles/ (audited), tokens are the
users' own. The admin shows what is there for an operator looking into a problem."""

from django.contrib import admin

from samla.core.admin import CuratorReadOnly

from .models import ApiToken, IdentityConflict, RoleChange, RoleGrant


@admin.register(RoleGrant)
class RoleGrantAdmin(CuratorReadOnly, admin.ModelAdmin):
    list_display = ("user", "role", "organisation", "source", "granted_at", "granted_by")
    list_filter = ("role", "source")


@admin.register(RoleChange)
class RoleChangeAdmin(CuratorReadOnly, admin.ModelAdmin):
    list_display = ("at", "actor", "action", "username", "role", "organisation_name", "source")
    list_filter = ("action", "role")


@admin.register(IdentityConflict)
class IdentityConflictAdmin(CuratorReadOnly, admin.ModelAdmin):
    list_display = ("at", "username", "claim", "value", "person", "other_user", "resolved_at")


@admin.register(ApiToken)
class ApiTokenAdmin(CuratorReadOnly, admin.ModelAdmin):
    list_display = ("user", "name", "scope", "prefix", "created_at", "last_used_at", "revoked_at")
    exclude = ("digest",)

"""Accounts: linking users to their authority records, roles per organisation, API tokens, users.

Sign-in code (local, SAML, ORCID) and the pages, REST API and CLI all call these."""

from .identity import account_for, link_person, list_identity_conflicts, person_for
from .roles import (
    apply_role_rules,
    grant_role,
    list_grants,
    list_role_changes,
    revoke_role,
    role_rules,
)
from .tokens import authenticate_token, create_token, list_tokens, revoke_token
from .users import create_user, get_user_for, list_users

__all__ = [
    "account_for",
    "apply_role_rules",
    "authenticate_token",
    "create_token",
    "create_user",
    "get_user_for",
    "grant_role",
    "link_person",
    "list_grants",
    "list_identity_conflicts",
    "list_role_changes",
    "list_tokens",
    "list_users",
    "person_for",
    "revoke_role",
    "revoke_token",
    "role_rules",
]

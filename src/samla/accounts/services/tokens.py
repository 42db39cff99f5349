"""Personal API tokens: made with a name and a scope, shown once, kept only as a SHA-256 digest, revoked
at once. `Authorization: Bearer <token>` on the REST API acts as the token's user within its scope."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from samla.core.access import SCOPES, Actor, require
from samla.core.errors import InvalidInput, NotFound

from ..models import ApiToken

TOKEN_PREFIX = "samla_"
# How stale `last_used_at` may get: writing it on every request would make each API read a write.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def digest(secret: str) -> str:
    """What is stored of a token. A plain SHA-256 is enough: the secret is 256 random bits, not a
    password a slow hash must protect."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(actor: Actor, *, user: Any, name: str, scope: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the secret, which is never shown again."""
    require(actor, "token.manage", user)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput(
            gettext("A token needs a name of at most 100 characters."), fields={"name": "required"}
        )
    if scope not in SCOPES:
        raise InvalidInput(
            gettext("Unknown scope %(scope)s: one of %(scopes)s.")
            % {"scope": scope, "scopes": ", ".join(SCOPES)},
            fields={"scope": "unknown"},
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, scope=scope, prefix=secret[:12], digest=digest(secret)
    )
    return token, secret


def list_tokens(actor: Actor, *, user: Any) -> list[ApiToken]:
    """The user's tokens, revoked ones included (their list says when they were revoked)."""
    require(actor, "token.manage", user)
    return list(ApiToken.objects.filter(user=user))


@transaction.atomic
def revoke_token(actor: Actor, *, user: Any, token_id: int) -> ApiToken:
    """Revoke one of `user`'s tokens; from now on it answers 401."""
    require(actor, "token.manage", user)
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFound(gettext("No such token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def authenticate_token(secret: str) -> ApiToken | None:
    """The live token `secret` is, with its user loaded; None for an unknown or revoked one, or one whose
    user may no longer sign in."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=digest(secret), revoked_at=None).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token

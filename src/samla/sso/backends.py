"""Authentication backends for the two single sign-on routes. Each is reached only after its protocol
checks passed (djangosaml2/pysaml2 for SAML, Authlib for ORCID); both sign in through `services.sign_in`,
and Django records which backend signed a session in (the SAML one means logout goes to the IdP)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend
from djangosaml2.backends import Saml2Backend

from . import identity, services


class SamlBackend(Saml2Backend):
    """A verified SAML assertion's attributes → the user (`services.sign_in`). Errors a person can act
    on (SamlaError) pass through to the assertion consumer view, which explains them."""

    def authenticate(
        self,
        request: Any,
        session_info: dict | None = None,
        attribute_mapping: dict | None = None,
        create_unknown_user: bool = True,
        assertion_info: dict | None = None,
        **kwargs: Any,
    ) -> Any:
        if session_info is None or "ava" not in session_info:
            return None
        return services.sign_in(identity.from_saml(session_info["ava"], issuer=session_info["issuer"]))


class OrcidBackend(BaseBackend):
    """Verified ORCID claims (an ID token whose state, nonce, issuer, audience and signature Authlib
    checked) → the user."""

    def authenticate(
        self, request: Any, *, orcid_claims: dict | None = None, issuer: str = "", **kwargs: Any
    ) -> Any:
        if orcid_claims is None:
            return None
        return services.sign_in(identity.from_orcid(orcid_claims, issuer=issuer))

    def get_user(self, user_id: int) -> Any:
        user = get_user_model()._default_manager.filter(pk=user_id).first()
        return user if user is not None and user.is_active else None

"""Signing in by single sign-on (SAML 2.0 and ORCID): the one path from what an identity provider said
to a Samla user linked to their authority record, with the roles the configured rules give.

Called by the SAML authentication backend and the ORCID callback; the protocol checks (signatures,
audience, lifetime, state, nonce) are done before, by pysaml2 and Authlib.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext

from samla.accounts.models import Account
from samla.accounts.services import apply_role_rules, link_person
from samla.core.errors import InvalidInput, PermissionDenied

from .identity import SignInIdentity

logger = logging.getLogger("samla.sso")


def sign_in(identity: SignInIdentity) -> Any:
    """The user `identity` names, made on first sign-in and brought up to date, linked to their
    authority record by ORCID or local user id.

    Raises InvalidInput when the provider did not say who signs in, PermissionDenied for a closed
    account, and the accounts' IdentityConflictError when the ORCID or local id belongs to another user
    (the curators see it among the identity conflicts). The user row is written before the link is
    tried, so a refused first sign-in leaves a user with no session, whom the conflict names.
    """
    if not identity.username:
        raise InvalidInput(gettext("The identity provider did not say who you are."))
    user = _user_for(identity)
    if not user.is_active:
        raise PermissionDenied(gettext("This account is closed."))
    # Outside any transaction: a refused claim is kept for the curators (accounts.link_person).
    link_person(user, orcid=identity.orcid or None, local_id=identity.local_id or None)
    if identity.provider == "saml":
        apply_role_rules(
            user, home_organisation=identity.home_organisation, affiliations=list(identity.affiliations)
        )
    logger.info("signed in %s by %s from %s", user.get_username(), identity.provider, identity.issuer)
    return user


@transaction.atomic
def _user_for(identity: SignInIdentity) -> Any:
    """By ORCID, the user whose account holds that iD (an institution's user who signs in with ORCID
    is the same user); otherwise the user named by the stable key, made if new."""
    user = None
    if identity.provider == "orcid":
        account = Account.objects.filter(orcid=identity.orcid).select_related("user").first()
        user = account.user if account else None
    if user is None:
        user, created = get_user_model().objects.get_or_create(username=identity.username)
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
    _update_user(user, identity)
    return user


def _update_user(user: Any, identity: SignInIdentity) -> None:
    """Names and address as the provider has them now; what it does not tell is kept."""
    given, family = identity.given_name, identity.family_name
    if not (given or family) and identity.display_name:
        given, _, family = identity.display_name.rpartition(" ")
    wanted = {"first_name": given[:150], "last_name": family[:150], "email": identity.email[:254]}
    changed = [field for field, value in wanted.items() if value and getattr(user, field) != value]
    for field in changed:
        setattr(user, field, wanted[field])
    if changed:
        user.save(update_fields=changed)

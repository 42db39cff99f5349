"""What an identity provider said about the person signing in, in Samla's terms: one shape for a SAML
assertion's attributes and for ORCID's claims, so that one service signs both in."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings

from samla.vocabularies.identifiers import InvalidIdentifier, normalise_orcid

logger = logging.getLogger("samla.sso")
ORCID_USERNAME_SCOPE = "orcid.org"  # ORCID users are named "<iD>@orcid.org", apart from every eppn


@dataclass(frozen=True)
class SignInIdentity:
    """The stable key (`username`) and what the provider told about its holder."""

    username: str
    provider: str  # "saml" or "orcid"
    issuer: str  # the IdP's entity id or the OpenID provider's issuer
    email: str = ""
    given_name: str = ""
    family_name: str = ""
    display_name: str = ""
    orcid: str = ""
    local_id: str = ""
    affiliations: tuple[str, ...] = ()
    home_organisation: str = ""


def from_saml(attributes: Mapping[str, Sequence[str]], issuer: str) -> SignInIdentity:
    """Read the attributes (by friendly name, as pysaml2 gives them) that `SAML_ATTRIBUTES` names.
    No eduPersonPrincipalName (or what stands for it) gives an empty username, which is refused."""
    username = _first(attributes, "username").lower()
    return SignInIdentity(
        username=username,
        provider="saml",
        issuer=issuer,
        email=_first(attributes, "email"),
        given_name=_first(attributes, "given_name"),
        family_name=_first(attributes, "family_name"),
        display_name=_first(attributes, "display_name"),
        orcid=_orcid(_first(attributes, "orcid"), issuer),
        local_id=_local_id(username),
        affiliations=tuple(dict.fromkeys(_all(attributes, "affiliations"))),
        home_organisation=_first(attributes, "home_organisation").lower(),
    )


def from_orcid(claims: Mapping[str, object], issuer: str) -> SignInIdentity:
    """ORCID's ID token: `sub` is the ORCID iD. An iD that is not one (wrong check digit) gives an empty
    username, which is refused."""
    orcid = _orcid(str(claims.get("sub", "")), issuer)
    return SignInIdentity(
        username=f"{orcid}@{ORCID_USERNAME_SCOPE}" if orcid else "",
        provider="orcid",
        issuer=issuer,
        given_name=str(claims.get("given_name") or ""),
        family_name=str(claims.get("family_name") or ""),
        display_name=str(claims.get("name") or ""),
        email=str(claims.get("email") or ""),
        orcid=orcid,
    )


def _all(attributes: Mapping[str, Sequence[str]], field: str) -> list[str]:
    values: list[str] = []
    for name in settings.SAML_ATTRIBUTES.get(field, []):
        values.extend(str(v).strip() for v in attributes.get(name, []) if str(v).strip())
    return values


def _first(attributes: Mapping[str, Sequence[str]], field: str) -> str:
    values = _all(attributes, field)
    return values[0] if values else ""


def _orcid(value: str, issuer: str) -> str:
    """The iD in its bare form; a malformed one is left out (and logged), not trusted."""
    if not value:
        return ""
    try:
        return normalise_orcid(value)
    except InvalidIdentifier:
        logger.warning("ignored an ORCID iD that is not one from %s: %r", issuer, value)
        return ""


def _local_id(username: str) -> str:
    """matth80@liu.se → liu:matth80 when SAML_LOCAL_ID_SCOPES maps liu.se to liu."""
    user, _, scope = username.rpartition("@")
    prefix = settings.SAML_LOCAL_ID_SCOPES.get(scope)
    return f"{prefix}:{user}" if user and prefix else ""

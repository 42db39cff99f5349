"""`{% sso_sign_in_options %}`: the single sign-on choices of the sign-in page ("Sign in with your
university", with the choice of university when several are configured, and "Sign in with ORCID")."""

from __future__ import annotations

import logging
from typing import Any

from django import template
from django.conf import settings

from .. import orcid, saml

register = template.Library()
logger = logging.getLogger("samla.sso")


@register.inclusion_tag("sso/_sign_in_options.html", takes_context=True)
def sso_sign_in_options(context: template.Context, next_url: str = "") -> dict[str, Any]:
    request = context.get("request")
    next_url = next_url or (request.GET.get("next", "") if request is not None else "")
    return {
        "saml_enabled": saml.enabled(),
        "identity_providers": _choices() if saml.enabled() and not settings.SAML2_DISCO_URL else [],
        "orcid_enabled": orcid.enabled(),
        "next": next_url,
    }


def _choices() -> list[tuple[str, str]]:
    """The IdPs to choose from, when there is a choice; an unreadable metadata source leaves the plain
    button, whose page then says what is wrong, rather than breaking the sign-in page."""
    try:
        providers = saml.identity_providers()
    except Exception:
        logger.exception("cannot read the identity providers' metadata")
        return []
    return list(providers.items()) if len(providers) > 1 else []

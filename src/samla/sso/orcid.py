"""Sign in with ORCID: an OpenID Connect client (Authlib) for ORCID or any provider whose `sub` is an
ORCID iD, configured by its issuer, client id and secret; its endpoints and keys come from the issuer's
discovery document.

Authlib keeps `state` and `nonce` in the Django session and checks both on the way back, with the ID
token's signature, issuer, audience and lifetime. A provider that returns no ID token is refused.
"""

from __future__ import annotations

import threading
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from joserfc.errors import InvalidClaimError, JoseError, MissingClaimError

_clients: dict[tuple[str, str, str], Any] = {}
_lock = threading.Lock()


class OrcidRefused(Exception):
    """The provider's answer failed a check: `reason` is logged, `message` shown."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message


def enabled() -> bool:
    return bool(settings.ORCID_CLIENT_ID)


def _client() -> Any:
    """One client per configuration and process, so the discovery document and keys are read once."""
    key = (settings.ORCID_ISSUER, settings.ORCID_CLIENT_ID, settings.ORCID_CLIENT_SECRET)
    with _lock:
        if key not in _clients:
            oauth = OAuth()
            _clients[key] = oauth.register(
                "orcid",
                client_id=settings.ORCID_CLIENT_ID,
                client_secret=settings.ORCID_CLIENT_SECRET,
                server_metadata_url=f"{settings.ORCID_ISSUER}/.well-known/openid-configuration",
                client_kwargs={
                    "scope": "openid",
                    "token_endpoint_auth_method": "client_secret_post",
                    "timeout": 10,
                },
            )
        return _clients[key]


def redirect_to_provider(request: HttpRequest, callback_url: str) -> HttpResponse:
    """The redirect to the provider's authorisation page, with a new state and nonce kept in the session."""
    try:
        return _client().authorize_redirect(request, callback_url)
    except (requests.RequestException, ValueError, KeyError) as error:
        raise OrcidRefused(
            f"provider unreachable: {error}", gettext("ORCID cannot be reached just now; try again later.")
        ) from None


def verified_claims(request: HttpRequest) -> dict[str, Any]:
    """The ID token's claims once every check passed; OrcidRefused says which one failed."""
    try:
        token = _client().authorize_access_token(request)
    except MismatchingStateError:
        raise OrcidRefused(
            "state mismatch: the answer belongs to no sign-in of this session", _refused_message()
        ) from None
    except (InvalidClaimError, MissingClaimError) as error:
        raise OrcidRefused(f"ID token claim refused: {error}", _refused_message()) from None
    except OAuthError as error:
        raise OrcidRefused(
            f"provider error: {error.error}: {error.description}", _refused_message()
        ) from None
    except (JoseError, AuthlibBaseError) as error:
        raise OrcidRefused(f"ID token refused: {error}", _refused_message()) from None
    except requests.RequestException as error:
        raise OrcidRefused(
            f"provider unreachable: {error}", gettext("ORCID cannot be reached just now; try again later.")
        ) from None
    claims = token.get("userinfo")
    if not claims:
        raise OrcidRefused("the provider sent no ID token", _refused_message())
    return dict(claims)


def _refused_message() -> str:
    return gettext("The answer from ORCID could not be trusted, so you are not signed in. Please try again.")

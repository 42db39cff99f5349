"""`Authorization: Bearer <token>` on the REST API: the request acts as the token's user, within its
scope, on reads as well as writes. A token that names nobody (unknown, revoked, its user inactive) is
answered 401 at once, never taken as anonymous. The header's value is never logged."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext

from samla.core.errors import Unauthorized

from .services import authenticate_token

API_PREFIX = "/api/"


def bearer_secret(request: HttpRequest) -> str | None:
    """The token of an `Authorization: Bearer` header; None when the request has none."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return secret.strip()


class ApiTokenMiddleware:
    """Put the token's user on API requests that carry one (after AuthenticationMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            secret = bearer_secret(request)
            if secret is not None:
                token = authenticate_token(secret)
                if token is None:
                    return _unauthorized()
                request.user = token.user
                request.token_scope = token.scope
                request.api_token_id = token.pk
        return self.get_response(request)


def _unauthorized() -> JsonResponse:
    error = Unauthorized(gettext("The API token is not valid: it is unknown or was revoked."))
    response = JsonResponse(error.as_dict(), status=401)
    response["WWW-Authenticate"] = 'Bearer realm="samla", error="invalid_token"'
    return response

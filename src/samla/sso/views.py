"""The single sign-on pages: djangosaml2's SAML endpoints with Samla's refusals, and the two ends of
Sign in with ORCID. Views parse and render; signing in is `services.sign_in`, through the backends."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST
from djangosaml2 import views as saml_views
from saml2.response import StatusError, UnsolicitedResponse
from saml2.sigver import SignatureError
from saml2.validate import ResponseLifetimeExceed, ToEarly

from samla.core.errors import NotFound, SamlaError

from . import orcid, saml

logger = logging.getLogger("samla.sso")
SAML_BACKEND = "samla.sso.backends.SamlBackend"
ORCID_NEXT = "sso_orcid_next"


class SamlLogin(saml_views.LoginView):
    """djangosaml2's login (one IdP: straight there; several: the choice page), only where configured."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not saml.enabled():
            raise NotFound(gettext("Sign-in with a university is not set up here."))
        return super().get(request, *args, **kwargs)

    def unknown_idp(self, request: HttpRequest, idp: str) -> HttpResponse:
        raise NotFound(gettext("No university with that identity provider is known here."))


class AssertionConsumer(saml_views.AssertionConsumerServiceView):
    """The IdP's answer. pysaml2 checks it; a refusal by `services.sign_in` (an ORCID iD another user
    holds, a closed account) reaches `saml_refused` with its message."""

    def authenticate_user(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().authenticate_user(request, *args, **kwargs)
        except SamlaError as error:
            raise DjangoPermissionDenied(error.message) from error


def saml_refused(
    request: HttpRequest, exception: Exception | None = None, status: int = 403, **kwargs: Any
) -> HttpResponse:
    """djangosaml2's failure hook (SAML_ACS_FAILURE_RESPONSE_FUNCTION): log why, sign nobody in, say so."""
    reason, message = _saml_reason(exception)
    logger.warning("SAML sign-in refused: %s", reason)
    return _refused_page(request, message, status)


def _saml_reason(exception: Exception | None) -> tuple[str, str]:
    """The reason for the log, and what the person is told."""
    untrusted = gettext("The answer from your university could not be trusted, so you are not signed in.")
    text = str(exception or "")
    if isinstance(exception, SignatureError):
        if "missing" in text.lower():
            return f"unsigned assertion ({text})", untrusted
        return f"signature does not verify: changed after signing or not the IdP's key ({text})", untrusted
    if isinstance(exception, UnsolicitedResponse):
        return (
            f"answers no sign-in request of this browser session: unsolicited or replayed ({text})",
            gettext(
                "This answer from your university was already used or belongs to another sign-in. "
                "Please sign in again."
            ),
        )
    if isinstance(exception, ResponseLifetimeExceed):
        return f"expired ({text})", gettext(
            "The answer from your university came too late. Please sign in again."
        )
    if isinstance(exception, ToEarly):
        return f"not yet valid ({text})", untrusted
    if isinstance(exception, StatusError):
        return f"the IdP refused: {type(exception).__name__} {text}", gettext(
            "Your university did not sign you in."
        )
    if isinstance(exception, DjangoPermissionDenied) and isinstance(exception.__cause__, SamlaError):
        return f"sign-in refused: {text}", text
    if "audience" in text.lower() or "not for me" in text.lower():
        return f"for another audience ({text})", untrusted
    return f"{type(exception).__name__}: {text}", untrusted


def _refused_page(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "sso/refused.html", {"message": message}, status=status)


@require_GET
def orcid_login(request: HttpRequest) -> HttpResponse:
    """Off to ORCID, remembering where to come back to."""
    if not orcid.enabled():
        raise NotFound(gettext("Sign-in with ORCID is not set up here."))
    request.session[ORCID_NEXT] = _safe_next(request, request.GET.get("next", ""))
    try:
        return orcid.redirect_to_provider(request, settings.BASE_URL + reverse("sso:orcid_callback"))
    except orcid.OrcidRefused as refusal:
        logger.warning("ORCID sign-in refused: %s", refusal.reason)
        return _refused_page(request, refusal.message, 502)


@require_GET
def orcid_callback(request: HttpRequest) -> HttpResponse:
    """ORCID's answer: checked (state, nonce, ID token), then the user signs in and goes on."""
    if not orcid.enabled():
        raise NotFound(gettext("Sign-in with ORCID is not set up here."))
    try:
        claims = orcid.verified_claims(request)
    except orcid.OrcidRefused as refusal:
        logger.warning("ORCID sign-in refused: %s", refusal.reason)
        return _refused_page(request, refusal.message, 502 if "unreachable" in refusal.reason else 403)
    try:
        user = auth.authenticate(request, orcid_claims=claims, issuer=settings.ORCID_ISSUER)
    except SamlaError as error:
        logger.warning("ORCID sign-in refused: %s", error.message)
        return _refused_page(request, error.message, error.status)
    if user is None:
        logger.warning("ORCID sign-in refused: no active user for %s", claims.get("sub"))
        return _refused_page(request, gettext("This account is closed."), 403)
    next_url = request.session.pop(ORCID_NEXT, "") or resolve_url(settings.LOGIN_REDIRECT_URL)
    auth.login(request, user)
    return HttpResponseRedirect(next_url)


class SamlLogout(saml_views.LogoutInitView):
    """djangosaml2's logout (a signed LogoutRequest to the IdP; an IdP without single logout just ends
    the session here), on POST only, so that no page of another site can sign a reader out."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return super().get(request, *args, **kwargs)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Sign out here, and at the IdP too when the session came from SAML single sign-on; any other
    session ends as Django's LogoutView ends it."""
    if request.session.get(auth.BACKEND_SESSION_KEY) == SAML_BACKEND and request.user.is_authenticated:
        return SamlLogout.as_view()(request)
    return auth_views.LogoutView.as_view()(request)


def _safe_next(request: HttpRequest, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure()):
        return url
    return ""

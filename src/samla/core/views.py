"""Site-wide pages and the one place where service errors become HTML responses."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from samla.core.access import Actor


def actor_for(request: HttpRequest) -> Actor:
    """The actor a request acts as; every view passes it to the services it calls. A request with an
    API token (accounts' middleware) acts within the token's scope."""
    actor = Actor.for_user(getattr(request, "user", None))
    scope = getattr(request, "token_scope", None)
    return actor.with_scope(scope) if scope else actor


def requested_page(request: HttpRequest) -> int:
    """The ?page= number; anything that is not a sensible positive number means the first page."""
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 1_000_000 else 1


def switch_language(request: HttpRequest) -> HttpResponseRedirect:
    """Remember the reader's UI language in a cookie and go back to the page.

    A plain link rather than Django's POST form, so record pages carry no CSRF token and can be cached
    and shared between anonymous readers.
    """
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    language = request.GET.get("language", "")
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
        )
    return response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = getattr(exception, "message", "") or _("The page or record you asked for does not exist.")
    return render(request, "errors/404.html", {"message": message}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)

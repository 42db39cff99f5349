"""Turns a service error escaping a view into the HTML error page for its status, and refuses requests
no view can look up."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from samla.core.errors import InvalidInput, SamlaError


class SamlaErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, SamlaError) or request.path.startswith("/api/"):
            return None
        return error_page(request, exception)


class RefuseNulMiddleware:
    """Answers 400 to a request whose path or query carries a NUL character (%00), before a view looks it
    up: PostgreSQL refuses NUL in text, so the look-up failed as a server error (a record, a name filter),
    and no stored value holds one. OAI-PMH answers such a request in its own protocol (badArgument)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/oai"):
            return self.get_response(request)
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            error = InvalidInput(_("The address contains a NUL character, which no address here has."))
            if request.path.startswith("/api/"):
                return JsonResponse(error.as_dict(), status=error.status)
            return error_page(request, error)
        return self.get_response(request)


def error_page(request: HttpRequest, error: SamlaError) -> HttpResponse:
    """The HTML error page for `error`, in the reader's language."""
    return render(
        request,
        [f"errors/{error.status}.html", "errors/error.html"],
        {"message": error.message, "error": error},
        status=error.status,
    )

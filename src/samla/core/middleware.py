"""Turns a service error escaping a view into the HTML error page for its status; refuses API requests no
route can look up."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from samla.core.errors import InvalidInput, SamlaError


class SamlaErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, SamlaError) or request.path.startswith("/api/"):
            return None
        return render(
            request,
            [f"errors/{exception.status}.html", "errors/error.html"],
            {"message": exception.message, "error": exception},
            status=exception.status,
        )


class RefuseNulInApiMiddleware:
    """Answers 400 to an API request whose path or query carries a NUL character (%00), before a route
    looks it up: PostgreSQL refuses NUL in text, so the look-up of a record or a name filter failed as a
    server error, and no stored value holds one. (Pages answer such input as they answer any other
    unknown id or odd query; OAI-PMH answers badArgument.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and _carries_nul(request):
            error = InvalidInput("The address contains a NUL character, which no address here has.")
            return JsonResponse(error.as_dict(), status=error.status)
        return self.get_response(request)


def _carries_nul(request: HttpRequest) -> bool:
    return "\x00" in request.path or any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
    )

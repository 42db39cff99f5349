"""Turns a service error escaping a view into the HTML error page for its status."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from samla.core.errors import SamlaError


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

"""Site-wide pages and the one place where service errors become HTML responses."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from samla.core.access import Actor
from samla.records.services import list_records


def actor_for(request: HttpRequest) -> Actor:
    """The actor a request acts as; every view passes it to the services it calls."""
    return Actor.for_user(getattr(request, "user", None))


def requested_page(request: HttpRequest) -> int:
    """The ?page= number; anything that is not a sensible positive number means the first page."""
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 1_000_000 else 1


def home(request: HttpRequest) -> HttpResponse:
    page = list_records(actor_for(request), page=1, size=10)
    return render(request, "core/home.html", {"page": page})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = getattr(exception, "message", "") or _("The page or record you asked for does not exist.")
    return render(request, "errors/404.html", {"message": message}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)

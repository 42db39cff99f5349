"""The REST API: one NinjaAPI that mounts each app's router and renders every SamlaError the same way."""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import ValidationError

from samla.core.errors import SamlaError
from samla.journals.api import router as journals_router
from samla.organisations.api import router as organisations_router
from samla.people.api import router as people_router
from samla.records.api import router as records_router

api = NinjaAPI(
    title="Samla REST API",
    version="1",
    description="Records, people, organisations and journals of a Samla research publications repository.",
    urls_namespace="api",
)
api.add_router("/records", records_router)
api.add_router("/people", people_router)
api.add_router("/organisations", organisations_router)
api.add_router("/journals", journals_router)


@api.exception_handler(SamlaError)
def samla_error(request: HttpRequest, error: SamlaError):
    return api.create_response(request, error.as_dict(), status=error.status)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, error: ValidationError):
    fields = {".".join(str(p) for p in e.get("loc", [])): e.get("msg", "") for e in error.errors}
    body = SamlaError("The request is not valid.", fields=fields).as_dict()
    return api.create_response(request, {**body, "code": "invalid_input"}, status=400)

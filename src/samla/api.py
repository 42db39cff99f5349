"""The REST API: one NinjaAPI that mounts each app's router and renders every SamlaError the same way."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from samla.citations.api import router as citations_router
from samla.core.errors import (
    Conflict,
    Gone,
    InvalidInput,
    NotFound,
    PermissionDenied,
    SamlaError,
    field_problems,
)
from samla.files.api import router as files_router
from samla.journals.api import router as journals_router
from samla.organisations.api import router as organisations_router
from samla.people.api import router as people_router
from samla.records.api import router as records_router
from samla.search.api import router as search_router
from samla.stats.api import router as stats_router


class SessionUser(APIKeyCookie):
    """The session's user, anonymous included: services decide what each may do.

    As a cookie authentication it makes Ninja check Django's CSRF token on POST, PUT and DELETE, so another
    site cannot write through a logged-in curator's browser. Reads are public and say so (`auth=None` on
    each GET route): the document then asks no session cookie of them.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None):
        return request.user


class BearerToken(HttpBearer):
    """A personal API token (`Authorization: Bearer <token>`), checked by `accounts.middleware` before any
    route, so reads know the token's user too; here it declares the scheme and lets writes through.

    Ninja's own check would log the header when its scheme is wrong; this one reads no header."""

    def __call__(self, request: HttpRequest):
        return request.user if getattr(request, "api_token_id", None) else None

    def authenticate(self, request: HttpRequest, token: str):  # pragma: no cover (never called)
        return None


NO_NUL = "^[^\\u0000]*$"


class SamlaAPI(NinjaAPI):
    """Ninja, keeping the value each validation error refused, which `field_problems` quotes
    ("must be a list, not 7"): Ninja drops it, and pydantic's own words name Python types. Its document
    also states what `RefuseNulInApiMiddleware` does before any route: a parameter with a NUL character
    is answered 400."""

    def validation_error_from_error_contexts(self, error_contexts: list) -> ValidationError:
        error = super().validation_error_from_error_contexts(error_contexts)
        refused = [
            item.get("input")
            for context in error_contexts
            for item in context.pydantic_validation_error.errors(include_url=False)
        ]
        for item, value in zip(error.errors, refused, strict=True):
            item["input"] = value
        return error

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for parameter in operation.get("parameters", []):
                    _refuse_nul(parameter["schema"])
                operation["responses"].setdefault(400, _ERROR_RESPONSE)
                operation["responses"].setdefault(401, _UNAUTHORIZED_RESPONSE)
        return schema


_ERROR_RESPONSE = {
    "description": "Bad Request",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
}


# Any route, a read too, answers 401 to an `Authorization: Bearer` token that is unknown or revoked.
_UNAUTHORIZED_RESPONSE = {**_ERROR_RESPONSE, "description": "Unauthorized: an unknown or revoked API token"}


def _refuse_nul(schema: dict) -> None:
    """Give each string of a parameter's schema the pattern the middleware holds it to."""
    if schema.get("type") == "string" and "pattern" not in schema and "enum" not in schema:
        schema["pattern"] = NO_NUL
    for option in schema.get("anyOf", []):
        _refuse_nul(option)


api = SamlaAPI(
    auth=[BearerToken(), SessionUser()],
    title="Samla REST API",
    version="1",
    description="Records, people, organisations and journals of a Samla research publications repository.",
    urls_namespace="api",
)
api.add_router("/records", records_router)
api.add_router("/records", files_router)  # /records/{local_id}/files
api.add_router("/records", citations_router)  # /records/{local_id}/cite
api.add_router("/people", people_router)
api.add_router("/organisations", organisations_router)
api.add_router("/journals", journals_router)
api.add_router("/search", search_router)
api.add_router("/stats", stats_router)


@api.exception_handler(SamlaError)
def samla_error(request: HttpRequest, error: SamlaError):
    return api.create_response(request, error.as_dict(), status=error.status)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, error: ValidationError):
    body = SamlaError(gettext("The request is not valid."), fields=field_problems(error.errors)).as_dict()
    return api.create_response(request, {**body, "code": "invalid_input"}, status=400)


_ERROR_BY_STATUS = {cls.status: cls for cls in (InvalidInput, PermissionDenied, NotFound, Conflict, Gone)}


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError):
    """Ninja's own errors (an unparsable body, a failed CSRF check) in the one error shape."""
    error_class = _ERROR_BY_STATUS.get(error.status_code, SamlaError)
    body = {**error_class(str(error)).as_dict(), "status": error.status_code}
    return api.create_response(request, body, status=error.status_code)

"""The error types every surface (HTML, REST, CLI) translates once.

A service raises one of these; a view, API route or command never invents its own error shape.
Anything else that escapes a service is a bug and becomes a 500.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

# Input text: no control characters but tab, line feed and carriage return. XML cannot carry them (exports
# and OAI-PMH would fail on the record), and PostgreSQL refuses NUL in text.
PRINTABLE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"


def field_problems(
    errors: Iterable[Mapping[str, Any]],
    path: Callable[[Sequence[Any]], str] = lambda loc: ".".join(map(str, loc)),
) -> dict[str, str]:
    """pydantic's errors as the `fields` of an InvalidInput: each field's path (dotted, unless `path`
    says otherwise) and what is wrong with it, in words where pydantic would quote a pattern."""
    return {path(e.get("loc", ())): _problem(e) for e in errors}


# What a value of the wrong type should have been, in the words of JSON (and of a form), for pydantic's
# error types: its own messages name Python types ("a valid dictionary or instance of RecordIn").
EXPECTED = {
    "model_type": _("an object"),
    "model_attributes_type": _("an object"),
    "dict_type": _("an object"),
    "list_type": _("a list"),
    "tuple_type": _("a list"),
    "set_type": _("a list"),
    "iterable_type": _("a list"),
    "string_type": _("text"),
    "int_type": _("a whole number"),
    "int_parsing": _("a whole number"),
    "int_from_float": _("a whole number"),
    "float_type": _("a number"),
    "float_parsing": _("a number"),
    "bool_type": _("true or false"),
    "bool_parsing": _("true or false"),
    "date_type": _("a date (YYYY-MM-DD)"),
    "date_parsing": _("a date (YYYY-MM-DD)"),
    "date_from_datetime_parsing": _("a date (YYYY-MM-DD)"),
    "datetime_type": _("a date and time"),
    "datetime_parsing": _("a date and time"),
}


# pydantic's own messages for the error types a request meets most, in the active language: the English
# texts are pydantic's, word for word, so an English answer is what pydantic wrote. Each is formatted with
# the error's context; a plural one counts the context's value it names.
MESSAGES = {
    "missing": _("Field required"),
    "extra_forbidden": _("Extra inputs are not permitted"),
    "string_too_short": ngettext_lazy(
        "String should have at least %(min_length)s character",
        "String should have at least %(min_length)s characters",
        "min_length",
    ),
    "string_too_long": ngettext_lazy(
        "String should have at most %(max_length)s character",
        "String should have at most %(max_length)s characters",
        "max_length",
    ),
    "greater_than": _("Input should be greater than %(gt)s"),
    "greater_than_equal": _("Input should be greater than or equal to %(ge)s"),
    "less_than": _("Input should be less than %(lt)s"),
    "less_than_equal": _("Input should be less than or equal to %(le)s"),
    "literal_error": _("Input should be %(expected)s"),
    "enum": _("Input should be %(expected)s"),
    "string_pattern_mismatch": _("String should match pattern '%(pattern)s'"),
}
# Lists only: pydantic names the type of other collections in its message.
LIST_MESSAGES = {
    "too_short": ngettext_lazy(
        "List should have at least %(min_length)s item after validation, not %(actual_length)s",
        "List should have at least %(min_length)s items after validation, not %(actual_length)s",
        "min_length",
    ),
    "too_long": ngettext_lazy(
        "List should have at most %(max_length)s item after validation, not %(actual_length)s",
        "List should have at most %(max_length)s items after validation, not %(actual_length)s",
        "max_length",
    ),
}


def _problem(error: Mapping[str, Any]) -> str:
    kind = error.get("type")
    ctx = dict(error.get("ctx") or {})
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == PRINTABLE:
        return gettext("control characters are not allowed")
    if kind in EXPECTED:
        return gettext("must be %(expected)s, not %(value)s") % {
            "expected": EXPECTED[kind],
            "value": shown(error.get("input")),
        }
    message = MESSAGES.get(kind) or (LIST_MESSAGES.get(kind) if ctx.get("field_type") == "List" else None)
    try:
        return message % ctx if message is not None else error.get("msg", "")
    except (KeyError, TypeError, ValueError):  # a context pydantic shaped otherwise: its own words
        return error.get("msg", "")


def shown(value: Any, limit: int = 60) -> str:
    """A value as a message quotes it: as JSON writes it (what a client sent), cut to `limit` characters."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        text = gettext("a value that cannot be shown")
    return text if len(text) <= limit else text[: limit - 1] + "…"


class SamlaError(Exception):
    """An error a user can act on: a stable `code`, a message, an HTTP status and structured fields."""

    code = "error"
    status = 400

    def __init__(self, message: str, *, fields: dict[str, str] | None = None, **data: Any) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.data = data

    def as_dict(self) -> dict[str, Any]:
        """The one JSON error shape of the REST API."""
        return {
            "ok": False,
            "code": self.code,
            "error": self.message,
            "errors": self.fields,
            "status": self.status,
            **self.data,
        }


class InvalidInput(SamlaError):
    code = "invalid_input"
    status = 400


class Unauthorized(SamlaError):
    """Credentials that name nobody (an unknown or revoked API token): sign in again, do not retry."""

    code = "unauthorized"
    status = 401


class PermissionDenied(SamlaError):
    code = "permission_denied"
    status = 403


class NotFound(SamlaError):
    code = "not_found"
    status = 404


class Conflict(SamlaError):
    code = "conflict"
    status = 409


class Gone(SamlaError):
    code = "gone"
    status = 410


class TooLarge(SamlaError):
    """A request over a configured limit (records, bytes), refused before any work is done for it."""

    code = "too_large"
    status = 413


class TooManyRequests(SamlaError):
    code = "too_many_requests"
    status = 429


class PreconditionFailed(SamlaError):
    """A conditional write (`If-Match`) made against a version that is no longer the current one."""

    code = "precondition_failed"
    status = 412

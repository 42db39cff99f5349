"""The error types every surface (HTML, REST, CLI) translates once.

A service raises one of these; a view, API route or command never invents its own error shape.
Anything else that escapes a service is a bug and becomes a 500.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

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
    "model_type": "an object",
    "model_attributes_type": "an object",
    "dict_type": "an object",
    "list_type": "a list",
    "tuple_type": "a list",
    "set_type": "a list",
    "iterable_type": "a list",
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "date_type": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "datetime_type": "a date and time",
    "datetime_parsing": "a date and time",
}


def _problem(error: Mapping[str, Any]) -> str:
    kind = error.get("type")
    if kind == "string_pattern_mismatch" and (error.get("ctx") or {}).get("pattern") == PRINTABLE:
        return "control characters are not allowed"
    if kind in EXPECTED:
        return f"must be {EXPECTED[kind]}, not {shown(error.get('input'))}"
    return error.get("msg", "")


def shown(value: Any, limit: int = 60) -> str:
    """A value as a message quotes it: as JSON writes it (what a client sent), cut to `limit` characters."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        text = "a value that cannot be shown"
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

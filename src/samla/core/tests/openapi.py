"""Checks a REST response against the OpenAPI document the app itself serves at /api/openapi.json.

The status must be declared for the operation, and the JSON body must match the declared schema, with
every $ref resolved inside the document (OpenAPI 3.1 schemas are JSON Schema 2020-12). So a route that
answers with a status or shape it does not document fails its test, as in Zulip's test client.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from django.test import Client
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

OPENAPI_URL = "/api/openapi.json"
DOCUMENT_URI = "urn:samla:openapi"


@cache
def openapi_document() -> dict[str, Any]:
    response = Client().get(OPENAPI_URL)
    assert response.status_code == 200, response.content
    return response.json()


@cache
def _registry() -> Registry:
    return Registry().with_resource(DOCUMENT_URI, DRAFT202012.create_resource(openapi_document()))


def operation_path(path: str) -> str:
    """The OpenAPI path template ("/api/records/{local_id}") that a request path matches."""
    for template in openapi_document()["paths"]:
        pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            return template
    raise AssertionError(f"{path} is not a path of the OpenAPI document")


def _pointer(*parts: str) -> str:
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


def assert_matches_openapi(response: Any) -> Any:
    """Assert `response` is declared by the served OpenAPI document; returns its JSON body."""
    path = operation_path(response.request["PATH_INFO"])
    method = response.request["REQUEST_METHOD"].lower()
    status = str(response.status_code)
    responses = openapi_document()["paths"][path][method]["responses"]
    assert status in responses, f"{method.upper()} {path} answered {status}, declared {sorted(responses)}"
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    pointer = _pointer("paths", path, method, "responses", status, "content", "application/json", "schema")
    validator = Draft202012Validator(
        {"$ref": DOCUMENT_URI + "#" + pointer},
        registry=_registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    body = json.loads(response.content)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)]
    assert not errors, f"{method.upper()} {path} {status} does not match the OpenAPI schema: {errors}"
    return body

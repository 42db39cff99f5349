"""docs/api.md keeps up with the API: every route the OpenAPI document serves is documented."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from samla.core.tests.openapi import openapi_document

API_DOC = Path(settings.PROJECT_DIR) / "docs" / "api.md"


def test_api_docs_every_served_route_is_documented():
    text = API_DOC.read_text(encoding="utf-8")
    routes = [
        f"{method.upper()} {path}" for path, ops in openapi_document()["paths"].items() for method in ops
    ]

    missing = [route for route in routes if f"`{route}`" not in text]

    assert routes
    assert not missing, f"routes missing from docs/api.md: {missing}"

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


def test_api_docs_page_loads_swagger_ui_from_our_own_static_files(client, db):
    """No CDN: a university that forbids them, or a laptop offline, still gets the interactive docs."""
    from lxml import html

    page = html.fromstring(client.get("/api/docs").content)
    assets = page.xpath("//script/@src | //link/@href")

    assert {"/static/ninja/swagger-ui-bundle.js", "/static/ninja/swagger-ui.css"} <= set(assets)
    assert all(url.startswith("/static/") for url in assets), assets
    assert all(client.get(url).status_code == 200 for url in assets)

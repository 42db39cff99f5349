"""The OpenAPI response check itself: it must fail on an undeclared status or a body of the wrong shape."""

from __future__ import annotations

import pytest
from django.http import JsonResponse
from django.test import RequestFactory

from samla.core.tests.openapi import assert_matches_openapi, openapi_document, operation_path


def fake_response(path: str, status: int, body: object) -> JsonResponse:
    """A response as the test client returns it, with the request it answered."""
    response = JsonResponse(body, status=status, safe=False)
    response.request = RequestFactory().get(path).environ
    return response


def test_openapi_document_served_is_openapi_3_1():
    document = openapi_document()

    assert document["openapi"].startswith("3.1")
    assert "/api/records/{local_id}" in document["paths"]


def test_operation_path_record_id_with_colon_matches_template():
    assert operation_path("/api/records/diva2:1897829") == "/api/records/{local_id}"


def test_operation_path_unknown_path_fails():
    with pytest.raises(AssertionError, match="not a path"):
        operation_path("/api/nothing/here")


def test_assert_matches_openapi_valid_error_body_passes():
    body = {"ok": False, "code": "not_found", "error": "No such journal.", "errors": {}, "status": 404}

    assert assert_matches_openapi(fake_response("/api/journals/1", 404, body)) == body


def test_assert_matches_openapi_undeclared_status_fails():
    with pytest.raises(AssertionError, match="declared"):
        assert_matches_openapi(fake_response("/api/journals/1", 418, {}))


def test_assert_matches_openapi_body_missing_field_fails():
    body = {"ok": False, "code": "not_found", "errors": {}, "status": 404}

    with pytest.raises(AssertionError, match="'error' is a required property"):
        assert_matches_openapi(fake_response("/api/journals/1", 404, body))


def test_assert_matches_openapi_nested_ref_wrong_type_fails():
    body = {"meta": {"total": "many", "page": 1, "size": 50, "pages": 1}, "items": []}

    with pytest.raises(AssertionError, match="meta/total"):
        assert_matches_openapi(fake_response("/api/journals/", 200, body))

"""GET /api/search/: the same parameters and results as the page, checked against the served OpenAPI."""

import pytest

from samla.core.tests.openapi import assert_matches_openapi

pytestmark = pytest.mark.django_db


def test_api_search_returns_items_facets_and_cursor(client):
    body = assert_matches_openapi(client.get("/api/search/", {"q": "health OR cat", "size": 3}))
    assert body["meta"]["total"] > 3
    assert len(body["items"]) == 3
    assert body["meta"]["next_cursor"]
    assert {f["field"] for f in body["facets"]} >= {"type", "year"}
    following = assert_matches_openapi(
        client.get("/api/search/", {"q": "health OR cat", "size": 3, "cursor": body["meta"]["next_cursor"]})
    )
    assert not {i["local_id"] for i in following["items"]} & {i["local_id"] for i in body["items"]}


def test_api_search_identifier_and_facets(client):
    body = assert_matches_openapi(client.get("/api/search/", {"q": "10.1186/s12913-024-10549-4"}))
    assert [i["local_id"] for i in body["items"]] == ["diva2:1897829"]
    body = assert_matches_openapi(
        client.get("/api/search/?type=publication/review-article&type=other/software")
    )
    assert body["meta"]["total"] == 0
    assert len(body["chosen"]) == 2


@pytest.mark.parametrize(
    "query",
    [
        "?cursor=tampered",
        "?q=" + "x" * 10_000,
        "?author=abc",
        "?sort=random",
        "?size=0",
        "?year=abc",
        "?q=a+OR+-b",
    ],
)
def test_api_search_bad_input_answers_400_error_body(client, query):
    response = client.get("/api/search/" + query)
    body = assert_matches_openapi(response)
    assert response.status_code == 400
    assert body["ok"] is False and body["code"] == "invalid_input"


def test_api_search_odd_query_answers_200(client):
    assert (
        assert_matches_openapi(client.get("/api/search/", {"q": '" * ( ) : ^ - NEAR'}))["meta"]["total"] >= 0
    )

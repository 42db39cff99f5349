"""The organisations REST API: list and detail with sub-units, their 4xx, checked against the OpenAPI."""

from __future__ import annotations

import pytest

from samla.core.tests.openapi import assert_matches_openapi
from samla.organisations.models import Organisation

UNIVERSITY = "ju:jonkoping-university"
SCHOOL = "ju:school-of-health-and-welfare"


def test_organisations_list_returns_page_of_organisations(client, db):
    response = client.get("/api/organisations/")

    body = assert_matches_openapi(response)
    assert response.status_code == 200
    total = Organisation.objects.count()
    assert body["meta"] == {"total": total, "page": 1, "size": 50, "pages": -(-total // 50)}
    assert {UNIVERSITY, SCHOOL} <= {item["identifier"] for item in body["items"]}


def test_organisations_list_top_level_returns_only_roots(client, db):
    body = assert_matches_openapi(client.get("/api/organisations/", {"top_level": "true"}))

    assert UNIVERSITY in {item["identifier"] for item in body["items"]}
    assert {item["parent_id"] for item in body["items"]} == {None}


@pytest.mark.parametrize(("params", "field"), [({"page": 0}, "page"), ({"size": 1000}, "size")])
def test_organisations_list_page_out_of_range_returns_400_naming_field(client, db, params, field):
    response = client.get("/api/organisations/", params)

    body = assert_matches_openapi(response)
    assert response.status_code == 400
    assert body["code"] == "invalid_input"
    assert list(body["errors"]) == [field]


def test_organisation_detail_university_lists_sub_units(client, db):
    university = Organisation.objects.get(identifier=UNIVERSITY)

    response = client.get(f"/api/organisations/{university.pk}")

    body = assert_matches_openapi(response)
    assert response.status_code == 200
    assert body["name_en"] == "Jönköping University"
    assert body["kind"] == "university"
    assert body["parent_id"] is None
    assert body["url"] == f"http://testserver/organisation/{university.pk}"
    children = university.children.order_by("name_en").values_list("identifier", flat=True)
    assert [unit["identifier"] for unit in body["sub_units"]] == list(children)
    assert SCHOOL in children
    assert {unit["parent_id"] for unit in body["sub_units"]} == {university.pk}


def test_organisation_detail_unknown_id_returns_404_error_body(client, db):
    response = client.get("/api/organisations/999999")

    body = assert_matches_openapi(response)
    assert response.status_code == 404
    assert body == {
        "ok": False,
        "code": "not_found",
        "error": "No such organisation.",
        "errors": {},
        "status": 404,
    }


def test_organisation_detail_id_not_a_number_returns_400_naming_field(client, db):
    response = client.get("/api/organisations/liu")

    body = assert_matches_openapi(response)
    assert response.status_code == 400
    assert list(body["errors"]) == ["path.organisation_id"]


def test_organisations_list_full_page_query_count_is_bounded(client, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        body = assert_matches_openapi(client.get("/api/organisations/", {"size": 200}))

    assert len(body["items"]) == min(200, Organisation.objects.count())

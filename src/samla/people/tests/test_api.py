"""The people REST API: list and detail, their 4xx, each response checked against the served OpenAPI."""

from __future__ import annotations

import pytest

from samla.core.access import Actor
from samla.core.tests.openapi import assert_matches_openapi
from samla.people.models import Person
from samla.people.services import create_person

SEED_ORCID = "0000-0003-4364-9814"


def test_people_list_returns_page_of_people(client, db):
    response = client.get("/api/people/")

    body = assert_matches_openapi(response)
    assert response.status_code == 200
    total = Person.objects.count()
    assert body["meta"] == {"total": total, "page": 1, "size": 50, "pages": -(-total // 50)}
    assert SEED_ORCID in {item["orcid"] for item in body["items"]}


def test_people_list_filtered_by_name_returns_matching_people(client, db):
    body = assert_matches_openapi(client.get("/api/people/", {"name": "masters"}))

    assert SEED_ORCID in {item["orcid"] for item in body["items"]}
    assert all("masters" in f"{i['family_name']} {i['given_name']}".lower() for i in body["items"])


def test_people_list_unknown_name_returns_empty_page(client, db):
    body = assert_matches_openapi(client.get("/api/people/", {"name": "Nobody-At-All"}))

    assert body == {"meta": {"total": 0, "page": 1, "size": 50, "pages": 1}, "items": []}


@pytest.mark.parametrize(("params", "field"), [({"page": 0}, "page"), ({"size": 1000}, "size")])
def test_people_list_page_out_of_range_returns_400_naming_field(client, db, params, field):
    response = client.get("/api/people/", params)

    body = assert_matches_openapi(response)
    assert response.status_code == 400
    assert body["code"] == "invalid_input"
    assert list(body["errors"]) == [field]


def test_person_detail_seed_author_returns_person(client, db):
    person = Person.objects.get(orcid=SEED_ORCID)

    response = client.get(f"/api/people/{person.pk}")

    body = assert_matches_openapi(response)
    assert response.status_code == 200
    assert body == {
        "id": person.pk,
        "family_name": "Masterson",
        "given_name": "Daniel",
        "orcid": SEED_ORCID,
        "local_id": None,
        "authority_id": None,
        "birth_year": None,
        "name_variants": [],
        "url": f"http://testserver/person/{person.pk}",
    }


def test_person_detail_unknown_id_returns_404_error_body(client, db):
    response = client.get("/api/people/999999")

    body = assert_matches_openapi(response)
    assert response.status_code == 404
    assert body == {"ok": False, "code": "not_found", "error": "No such person.", "errors": {}, "status": 404}


def test_person_detail_id_not_a_number_returns_400_naming_field(client, db):
    response = client.get("/api/people/masterson")

    body = assert_matches_openapi(response)
    assert response.status_code == 400
    assert list(body["errors"]) == ["path.person_id"]


def test_people_list_full_page_query_count_is_bounded(client, db, django_assert_max_num_queries):
    for number in range(30):
        create_person(Actor.system("tests"), family_name=f"Listed{number}", local_id=f"liu:listed{number}")

    with django_assert_max_num_queries(4):
        body = assert_matches_openapi(client.get("/api/people/", {"name": "Listed"}))

    assert body["meta"]["total"] == 30

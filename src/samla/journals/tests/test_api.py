"""The journals REST API: list and detail, their 4xx, each response checked against the served OpenAPI."""

from __future__ import annotations

import pytest
from django.utils import translation

from samla.core.access import Actor
from samla.core.errors import InvalidInput
from samla.core.tests.openapi import assert_matches_openapi
from samla.journals.models import Journal
from samla.journals.services import create_journal

SEED_EISSN = "1472-6963"


def test_journals_list_returns_page_of_journals(client, db):
    response = client.get("/api/journals/")

    body = assert_matches_openapi(response)
    assert response.status_code == 200
    total = Journal.objects.count()
    assert body["meta"] == {"total": total, "page": 1, "size": 50, "pages": -(-total // 50)}
    assert SEED_EISSN in {item["eissn"] for item in body["items"]}


def test_journals_list_filtered_by_title_returns_seed_journal(client, db):
    body = assert_matches_openapi(client.get("/api/journals/", {"title": "health services"}))

    assert SEED_EISSN in {item["eissn"] for item in body["items"]}
    assert all("health services" in item["title"].lower() for item in body["items"])


@pytest.mark.parametrize(("params", "field"), [({"page": 0}, "page"), ({"size": 1000}, "size")])
def test_journals_list_page_out_of_range_returns_400_naming_field(client, db, params, field):
    response = client.get("/api/journals/", params)

    body = assert_matches_openapi(response)
    assert response.status_code == 400
    assert body["code"] == "invalid_input"
    assert list(body["errors"]) == [field]


def test_journal_detail_seed_journal_returns_journal(client, db):
    journal = Journal.objects.get(eissn=SEED_EISSN)

    response = client.get(f"/api/journals/{journal.pk}")

    body = assert_matches_openapi(response)
    assert response.status_code == 200
    assert body == {
        "id": journal.pk,
        "title": "BMC Health Services Research",
        "kind": "journal",
        "issn": None,
        "eissn": SEED_EISSN,
        "publisher": "BioMed Central (BMC)",
        "url": f"http://testserver/journal/{journal.pk}",
    }


def test_journal_detail_unknown_id_returns_404_error_body(client, db):
    response = client.get("/api/journals/999999")

    body = assert_matches_openapi(response)
    assert response.status_code == 404
    assert body == {
        "ok": False,
        "code": "not_found",
        "error": "No such journal.",
        "errors": {},
        "status": 404,
    }


def test_journal_detail_id_not_a_number_returns_400_naming_field(client, db):
    response = client.get("/api/journals/bmc")

    body = assert_matches_openapi(response)
    assert response.status_code == 400
    assert list(body["errors"]) == ["path.journal_id"]


def test_journals_list_full_page_query_count_is_bounded(client, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        body = assert_matches_openapi(client.get("/api/journals/", {"size": 200}))

    assert len(body["items"]) == min(200, Journal.objects.count())


def _in_reading_order(titles: list[str]) -> list[str]:
    return sorted(titles, key=str.casefold)


def test_journals_list_and_page_sort_titles_whatever_their_case(client, db):
    """ "Acta …" comes before "ANNALS …", on SQLite as on PostgreSQL with any collation."""
    from lxml import html

    body = assert_matches_openapi(client.get("/api/journals/", {"size": 200}))
    titles = [item["title"] for item in body["items"]]
    assert any(t.isupper() for t in titles) and any(not t.isupper() for t in titles)
    assert titles == _in_reading_order(titles)
    page = html.fromstring(client.get("/journal/").content)
    assert [a.text for a in page.xpath('//ul[@class="journals"]/li/a')] == titles[:50]


def test_people_and_organisations_lists_sort_names_whatever_their_case(client, db):
    people = assert_matches_openapi(client.get("/api/people/", {"size": 200}))["items"]
    names = [(p["family_name"].casefold(), p["given_name"].casefold()) for p in people]
    assert names == sorted(names)
    organisations = assert_matches_openapi(client.get("/api/organisations/", {"size": 200}))["items"]
    assert [o["name_en"] for o in organisations] == _in_reading_order([o["name_en"] for o in organisations])


def test_journal_without_title_is_refused_in_swedish(db):
    with translation.override("sv"), pytest.raises(InvalidInput) as refused:
        create_journal(Actor.system("test"), title=" ")
    assert str(refused.value) == "En tidskrift behöver en titel."

"""The records REST API: every route's happy path, each role that matters and each 4xx.

Every JSON response is checked against the OpenAPI document the app serves (`assert_matches_openapi`).
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from samla.core.access import Actor
from samla.core.tests.openapi import assert_matches_openapi
from samla.core.tests.users import make_user
from samla.journals.models import Journal
from samla.organisations.models import Organisation
from samla.people.models import Person
from samla.records.models import Record, Revision
from samla.records.schemas import RecordIn
from samla.records.services import create_record

SEED_ID = "diva2:1897829"
SEED_ORCID = "0000-0003-4364-9814"
NEW_RECORD = {
    "title": "Leading coproduction in municipal welfare services",
    "output_type": "publication/journal-article",
    "language": "eng",
    "issued": "2025",
    "identifiers": [{"scheme": "doi", "value": "10.1186/s12913-025-00001-1"}],
    "contributors": [
        {"family_name": "Masterson", "given_name": "Daniel", "person": {"orcid": SEED_ORCID}},
    ],
}
OUTPUT_ONLY = ("url", "revision", "datestamp", "journal_id")


@pytest.fixture
def curator_client(client: Client, db) -> Client:
    client.force_login(make_user("curator"))
    return client


def post_json(client: Client, url: str, data: dict, **headers: str) -> object:
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


def put_json(client: Client, url: str, data: dict) -> object:
    return client.put(url, json.dumps(data), content_type="application/json")


def editable(body: dict) -> dict:
    """A GET body as PUT takes it: without the fields the server sets."""
    return {key: value for key, value in body.items() if key not in OUTPUT_ONLY}


def local_ids(body: dict) -> set[str]:
    return {item["local_id"] for item in body["items"]}


# ---------------------------------------------------------------- GET /api/records/


def test_records_list_anonymous_returns_published_records(client, db):
    response = client.get("/api/records/")

    body = assert_matches_openapi(response)
    assert response.status_code == 200
    total = Record.objects.filter(state="published").count()
    assert body["meta"] == {"total": total, "page": 1, "size": 25, "pages": -(-total // 25)}
    assert SEED_ID in local_ids(body)


def test_records_list_seed_summary_names_authors_in_order(client, db):
    body = assert_matches_openapi(client.get("/api/records/", {"journal": seed_journal().pk, "size": 200}))

    seed = next(item for item in body["items"] if item["local_id"] == SEED_ID)
    assert seed == {
        "local_id": SEED_ID,
        "title": "The complexity of leadership in coproduction practices",
        "subtitle": "a guiding framework based on a systematic literature review",
        "year": 2024,
        "output_type": "publication/review-article",
        "authors": ["Kjellström, Sofia", "Sarre, Sophie", "Masterson, Daniel"],
        "url": "http://testserver/record/diva2:1897829",
    }


def test_records_list_second_page_of_one_returns_one_item(client, db):
    response = client.get("/api/records/", {"page": 2, "size": 1})

    body = assert_matches_openapi(response)
    total = Record.objects.filter(state="published").count()
    assert body["meta"] == {"total": total, "page": 2, "size": 1, "pages": total}
    assert len(body["items"]) == 1


def seed_journal() -> Journal:
    return Journal.objects.get(eissn="1472-6963")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("journal", lambda: seed_journal().pk),
        ("person", lambda: Person.objects.get(orcid=SEED_ORCID).pk),
        ("organisation", lambda: Organisation.objects.get(identifier="ju:jonkoping-university").pk),
        ("subject", lambda: "50202"),
    ],
)
def test_records_list_filtered_returns_seed_record(client, db, name, value):
    response = client.get("/api/records/", {name: value()})

    body = assert_matches_openapi(response)
    assert response.status_code == 200
    assert SEED_ID in local_ids(body)


def test_records_list_filtered_by_journal_returns_only_its_records(client, db):
    journal = seed_journal()

    body = assert_matches_openapi(client.get("/api/records/", {"journal": journal.pk, "size": 200}))

    expected = set(
        Record.objects.filter(journal=journal, state="published").values_list("local_id", flat=True)
    )
    assert local_ids(body) == expected


def test_records_list_anonymous_does_not_list_drafts(client, db):
    draft = create_draft()

    body = assert_matches_openapi(client.get("/api/records/", {"size": 200}))

    assert draft.local_id not in local_ids(body)


def test_records_list_curator_lists_drafts(curator_client):
    draft = create_draft()

    body = assert_matches_openapi(curator_client.get("/api/records/", {"size": 200}))

    assert draft.local_id in local_ids(body)


@pytest.mark.parametrize(("params", "field"), [({"page": 0}, "page"), ({"size": 1000}, "size")])
def test_records_list_page_out_of_range_returns_400_naming_field(client, db, params, field):
    response = client.get("/api/records/", params)

    body = assert_matches_openapi(response)
    assert response.status_code == 400
    assert body["ok"] is False
    assert body["code"] == "invalid_input"
    assert body["status"] == 400
    assert list(body["errors"]) == [field]


def test_records_list_page_not_a_number_returns_400_naming_field(client, db):
    response = client.get("/api/records/", {"page": "two"})

    body = assert_matches_openapi(response)
    assert response.status_code == 400
    assert list(body["errors"]) == ["query.page"]


# ---------------------------------------------------------------- GET /api/records/{local_id}


def test_record_detail_seed_returns_full_description(client, db):
    response = client.get(f"/api/records/{SEED_ID}")

    body = assert_matches_openapi(response)
    assert response.status_code == 200
    assert body["local_id"] == SEED_ID
    assert body["url"] == "http://testserver/record/diva2:1897829"
    assert body["output_type"] == "publication/review-article"
    assert body["journal"] == {
        "title": "BMC Health Services Research",
        "issn": "",
        "eissn": "1472-6963",
        "publisher": "BioMed Central (BMC)",
        "kind": "journal",
    }
    assert body["journal_id"] == seed_journal().pk
    assert {"scheme": "doi", "value": "10.1186/s12913-024-10549-4"} in body["identifiers"]
    assert [c["family_name"] for c in body["contributors"]] == ["Kjellström", "Sarre", "Masterson"]
    assert body["contributors"][2]["person"]["orcid"] == SEED_ORCID
    assert body["subjects"] == ["30301", "50202"]


def test_record_detail_unknown_id_returns_404_error_body(client, db):
    response = client.get("/api/records/diva2:0")

    body = assert_matches_openapi(response)
    assert response.status_code == 404
    assert body == {
        "ok": False,
        "code": "not_found",
        "error": "No record diva2:0.",
        "errors": {},
        "status": 404,
    }


def test_record_detail_draft_anonymous_returns_404(client, db):
    draft = create_draft()

    response = client.get(f"/api/records/{draft.local_id}")

    body = assert_matches_openapi(response)
    assert response.status_code == 404
    assert body["error"] == f"No record {draft.local_id}."


def test_record_detail_draft_curator_returns_200(curator_client):
    draft = create_draft()

    response = curator_client.get(f"/api/records/{draft.local_id}")

    assert assert_matches_openapi(response)["state"] == "draft"


def create_draft(owner_id: int | None = None) -> Record:
    data = RecordIn.model_validate({**NEW_RECORD, "state": "draft", "identifiers": []})
    return create_record(Actor.system("tests"), data=data, owner_id=owner_id)


# ---------------------------------------------------------------- POST /api/records/


def test_record_create_curator_returns_201_with_minted_local_id(curator_client):
    response = post_json(curator_client, "/api/records/", NEW_RECORD)

    body = assert_matches_openapi(response)
    assert response.status_code == 201
    record = Record.objects.get(local_id=body["local_id"])
    assert body["local_id"] == f"samla:{record.pk}"
    assert body["revision"] == 1
    assert body["identifiers"] == [{"scheme": "doi", "value": "10.1186/s12913-025-00001-1"}]
    assert body["contributors"][0]["person"]["orcid"] == SEED_ORCID
    assert record.owner.username == "curator-user"
    assert list(record.revisions.values_list("summary", flat=True)) == ["created"]


def test_record_create_depositor_returns_201_owned_by_depositor(client, db):
    client.force_login(make_user("depositor"))

    response = post_json(client, "/api/records/", NEW_RECORD)

    body = assert_matches_openapi(response)
    assert response.status_code == 201
    assert Record.objects.get(local_id=body["local_id"]).owner.username == "depositor-user"


def test_record_create_anonymous_returns_403(client, db):
    response = post_json(client, "/api/records/", NEW_RECORD)

    body = assert_matches_openapi(response)
    assert response.status_code == 403
    assert body["code"] == "permission_denied"
    assert body["status"] == 403


def test_record_create_reader_returns_403(client, db):
    client.force_login(make_user("reader"))

    response = post_json(client, "/api/records/", NEW_RECORD)

    assert assert_matches_openapi(response)["code"] == "permission_denied"
    assert response.status_code == 403


def test_record_create_depositor_setting_approved_stores_unapproved_record(client, db):
    """Approval is a curator's decision (record.approve); a depositor's "approved" is not taken over."""
    client.force_login(make_user("depositor"))

    response = post_json(client, "/api/records/", {**NEW_RECORD, "approved": True})

    body = assert_matches_openapi(response)
    assert response.status_code == 201
    assert body["approved"] is False
    assert Record.objects.get(local_id=body["local_id"]).approved is False


def test_record_create_without_csrf_token_returns_403(db):
    """A logged-in browser session must not be usable by another site's form to write records."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("curator"))

    response = post_json(client, "/api/records/", NEW_RECORD)

    assert response.status_code == 403
    assert not Record.objects.filter(title=NEW_RECORD["title"]).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"identifiers": [{"scheme": "doi", "value": "10.1186"}]}, "identifiers[0].value"),
        ({"output_type": "publication/no-such-type"}, "output_type"),
        (
            {"contributors": [{"family_name": "Masterson", "person": {"orcid": "0000-0003-4364-9815"}}]},
            "contributors[0].person.orcid",
        ),
        ({"issued": "2025-13"}, "issued"),
        ({"local_id": SEED_ID}, "local_id"),
    ],
    ids=["invalid-doi", "unknown-output-type", "orcid-check-digit", "issued-month", "local-id-taken"],
)
def test_record_create_invalid_input_returns_400_naming_field(curator_client, change, field):
    response = post_json(curator_client, "/api/records/", {**NEW_RECORD, **change})

    body = assert_matches_openapi(response)
    assert response.status_code == 400
    assert body["code"] == "invalid_input"
    assert field in body["errors"]


def test_record_create_without_title_returns_400_naming_field(curator_client):
    payload = {key: value for key, value in NEW_RECORD.items() if key != "title"}

    response = post_json(curator_client, "/api/records/", payload)

    body = assert_matches_openapi(response)
    assert response.status_code == 400
    assert body["errors"] == {"body.data.title": "Field required"}


def test_record_create_invalid_input_speaks_the_readers_language(curator_client):
    """pydantic's field problems and the error's message in Swedish when the client asks for Swedish."""
    payload = {key: value for key, value in NEW_RECORD.items() if key != "title"}

    response = post_json(
        curator_client, "/api/records/", {**payload, "page_count": -1}, HTTP_ACCEPT_LANGUAGE="sv"
    )

    body = assert_matches_openapi(response)
    assert response.status_code == 400
    assert body["error"] == "Begäran är inte giltig."
    assert body["errors"]["body.data.title"] == "Fältet måste anges"
    assert body["errors"]["body.data.page_count"].startswith("Värdet ska vara ")


@pytest.mark.parametrize("page_count", [-1, 10**12])
def test_record_create_page_count_out_of_range_returns_400_naming_field(curator_client, page_count):
    """Past 2**31 the number would not even fit PostgreSQL's integer column."""
    response = post_json(curator_client, "/api/records/", {**NEW_RECORD, "page_count": page_count})

    body = assert_matches_openapi(response)
    assert response.status_code == 400
    assert list(body["errors"]) == ["body.data.page_count"]


@pytest.mark.parametrize("title", ["NUL\x00inside", "bell\x07", "escape\x1b[31m"])
def test_record_create_control_character_returns_400_naming_field(curator_client, title):
    """PostgreSQL refuses NUL in text (a server error before), and no XML export can write any of these."""
    response = post_json(curator_client, "/api/records/", {**NEW_RECORD, "title": title})

    body = assert_matches_openapi(response)
    assert response.status_code == 400
    assert body["errors"] == {"body.data.title": "control characters are not allowed"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"volume": "1" * 41}, "body.data.volume"),
        ({"pages_start": "1" * 21}, "body.data.pages_start"),
        ({"place": "p" * 201}, "body.data.place"),
        ({"series_number": "1" * 41}, "body.data.series_number"),
        ({"contributors": [{"family_name": "f" * 201}]}, "body.data.contributors.0.family_name"),
        (
            {"contributors": [{"family_name": "A", "person": {"local_id": "x" * 101}}]},
            "body.data.contributors.0.person.local_id",
        ),
    ],
)
def test_record_create_value_longer_than_its_column_returns_400_naming_field(curator_client, change, field):
    """PostgreSQL refused each of these with a DataError, a server error (SQLite stored them)."""
    response = post_json(curator_client, "/api/records/", {**NEW_RECORD, **change})

    body = assert_matches_openapi(response)
    assert response.status_code == 400
    assert list(body["errors"]) == [field]


def test_record_create_unknown_field_returns_400_naming_field(curator_client):
    response = post_json(curator_client, "/api/records/", {**NEW_RECORD, "colour": "blue"})

    body = assert_matches_openapi(response)
    assert response.status_code == 400
    assert list(body["errors"]) == ["body.data.colour"]


def test_record_create_malformed_json_returns_400_error_body(curator_client):
    response = curator_client.post("/api/records/", "{not json", content_type="application/json")

    body = assert_matches_openapi(response)
    assert response.status_code == 400
    assert body["code"] == "invalid_input"


# ---------------------------------------------------------------- PUT /api/records/{local_id}


def test_record_replace_curator_returns_changed_record_with_revision(curator_client):
    current = assert_matches_openapi(curator_client.get(f"/api/records/{SEED_ID}"))
    changed = {**editable(current), "volume": "25"}

    response = put_json(curator_client, f"/api/records/{SEED_ID}", changed)

    body = assert_matches_openapi(response)
    assert response.status_code == 200
    assert body["volume"] == "25"
    assert body["revision"] == current["revision"] + 1
    revision = Revision.objects.get(record__local_id=SEED_ID, number=body["revision"])
    assert revision.summary == "updated"
    assert revision.changes["volume"] == ["24", "25"]
    assert revision.actor == "curator:curator-user"


def test_record_replace_unchanged_keeps_revision(curator_client):
    current = assert_matches_openapi(curator_client.get(f"/api/records/{SEED_ID}"))

    response = put_json(curator_client, f"/api/records/{SEED_ID}", editable(current))

    assert assert_matches_openapi(response)["revision"] == current["revision"]


def test_record_replace_unknown_id_returns_404(curator_client):
    response = put_json(curator_client, "/api/records/diva2:0", NEW_RECORD)

    body = assert_matches_openapi(response)
    assert response.status_code == 404
    assert body["code"] == "not_found"


def test_record_replace_anonymous_returns_403(client, db):
    response = put_json(client, f"/api/records/{SEED_ID}", NEW_RECORD)

    assert assert_matches_openapi(response)["code"] == "permission_denied"
    assert response.status_code == 403


def test_record_replace_depositor_of_others_published_record_returns_403(client, db):
    client.force_login(make_user("depositor"))

    response = put_json(client, f"/api/records/{SEED_ID}", NEW_RECORD)

    assert assert_matches_openapi(response)["code"] == "permission_denied"
    assert response.status_code == 403


def test_record_replace_depositor_own_draft_keeps_it_unapproved(client, db):
    depositor = make_user("depositor")
    client.force_login(depositor)
    draft = create_draft(owner_id=depositor.pk)
    current = assert_matches_openapi(client.get(f"/api/records/{draft.local_id}"))

    response = put_json(client, f"/api/records/{draft.local_id}", {**editable(current), "approved": True})

    body = assert_matches_openapi(response)
    assert response.status_code == 200
    assert body["approved"] is False


def test_record_replace_invalid_doi_returns_400_naming_field(curator_client):
    current = assert_matches_openapi(curator_client.get(f"/api/records/{SEED_ID}"))
    changed = {**editable(current), "identifiers": [{"scheme": "doi", "value": "not a doi"}]}

    response = put_json(curator_client, f"/api/records/{SEED_ID}", changed)

    body = assert_matches_openapi(response)
    assert response.status_code == 400
    assert list(body["errors"]) == ["identifiers[0].value"]
    assert Record.objects.get(local_id=SEED_ID).revision == current["revision"]


def test_records_list_full_page_query_count_is_bounded(client, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        body = assert_matches_openapi(client.get("/api/records/", {"size": 200}))

    assert len(body["items"]) == Record.objects.filter(state="published").count()


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ([1], {"body.data": "must be an object, not [1]"}),
        (
            {**NEW_RECORD, "title": {}, "contributors": 7},
            {"body.data.title": "must be text, not {}", "body.data.contributors": "must be a list, not 7"},
        ),
        (
            {**NEW_RECORD, "contributors": [{"family_name": "A", "person": 5}], "page_count": "x"},
            {
                "body.data.contributors.0.person": "must be an object, not 5",
                "body.data.page_count": 'must be a whole number, not "x"',
            },
        ),
    ],
)
def test_create_record_value_of_wrong_type_names_field_and_value_not_python_types(
    curator_client, body, errors
):
    response = post_json(curator_client, "/api/records/", body)

    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert_matches_openapi(response)


# ---------------------------------------------------------------- quality flags


def create_flagged() -> Record:
    """A record whose libris id (a scheme Samla does not know) an import kept aside with a flag."""
    from samla.records.services import import_records

    data = RecordIn.model_validate(
        {**NEW_RECORD, "identifiers": [{"scheme": "libris", "value": "17786218"}], "local_id": "test:flagged"}
    )
    (outcome,) = import_records(Actor.system("tests"), [data])
    return outcome.record


def test_record_detail_shows_quality_flags_to_curators_only(client, curator_client):
    create_flagged()

    anonymous = Client().get("/api/records/test:flagged").json()
    curator = assert_matches_openapi(curator_client.get("/api/records/test:flagged"))

    assert (anonymous["identifiers"], anonymous["quality_flags"]) == ([], [])
    assert [(f["kind"], f["scheme"], f["value"]) for f in curator["quality_flags"]] == [
        ("unknown-scheme", "libris", "17786218")
    ]


def test_record_replace_by_curator_with_body_as_read_keeps_its_flags(curator_client):
    create_flagged()
    body = editable(curator_client.get("/api/records/test:flagged").json())

    response = put_json(curator_client, "/api/records/test:flagged", {**body, "title": "Renamed"})

    assert response.status_code == 200, response.content
    stored = Record.objects.get(local_id="test:flagged")
    assert (stored.title, [f["value"] for f in stored.quality_flags]) == ("Renamed", ["17786218"])

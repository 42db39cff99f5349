"""The REST API of a record's lifecycle and of conditional writes: the actions (409 naming the state),
PATCH (only the fields sent), PUT and PATCH with If-Match (412 and nothing changed), and the ETag.

Every JSON response is checked against the OpenAPI document the app serves (`assert_matches_openapi`).
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from samla.core.tests.openapi import assert_matches_openapi
from samla.core.tests.users import make_user
from samla.records.models import Record

pytestmark = pytest.mark.django_db
SEED_ID = "diva2:1897829"
NEW_RECORD = {
    "title": "Leading coproduction in municipal welfare services",
    "output_type": "publication/journal-article",
    "language": "eng",
    "issued": "2025",
}


def send(client: Client, method: str, url: str, data: dict | None = None, **headers) -> object:
    body = "" if data is None else json.dumps(data)
    return getattr(client, method)(url, body, content_type="application/json", headers=headers)


@pytest.fixture
def depositor_client(db) -> Client:
    client = Client()
    client.force_login(make_user("depositor"))
    return client


@pytest.fixture
def curator_client(db) -> Client:
    client = Client()
    client.force_login(make_user("curator"))
    return client


def deposit(client: Client) -> str:
    """A draft the depositor registered through the API; its local id."""
    response = send(client, "post", "/api/records/", NEW_RECORD)
    assert response.status_code == 201, response.content
    return response.json()["local_id"]


def act(client: Client, local_id: str, action: str, data: dict | None = None, **headers):
    return send(client, "post", f"/api/records/{local_id}/actions/{action}", data, **headers)


# ---------------------------------------------------------------- actions


def test_deposit_submit_return_resubmit_approve_publish_through_the_api(depositor_client, curator_client):
    local_id = deposit(depositor_client)
    assert Record.objects.get(local_id=local_id).state == "draft"

    steps = [
        (depositor_client, "submit", None, ("submitted", False)),
        (curator_client, "return", {"message": "Add the DOI."}, ("returned", False)),
        (depositor_client, "submit", {}, ("submitted", False)),
        (curator_client, "approve", None, ("submitted", True)),
        (curator_client, "publish", None, ("published", True)),
        (curator_client, "withdraw", {"reason": "duplicate of diva2:1"}, ("withdrawn", True)),
        (curator_client, "restore", None, ("published", True)),
        (curator_client, "unapprove", None, ("published", False)),
    ]
    for client, action, data, expected in steps:
        response = act(client, local_id, action, data)
        body = assert_matches_openapi(response)
        assert response.status_code == 200, (action, body)
        assert (body["state"], body["approved"]) == expected, action
        assert response["ETag"] == f'"{body["revision"]}"'

    record = Record.objects.get(local_id=local_id)
    assert record.revisions.get(action="return").message == "Add the DOI."
    assert record.revisions.get(action="withdraw").message == "duplicate of diva2:1"


def test_action_not_allowed_from_the_state_answers_409_naming_it(curator_client):
    response = act(curator_client, SEED_ID, "publish")

    body = assert_matches_openapi(response)
    assert response.status_code == 409
    assert body["code"] == "conflict"
    assert body["state"] == "published"
    assert body["error"] == f"Record {SEED_ID} is published: it cannot be given the action publish."


def test_double_submit_submits_once(depositor_client):
    local_id = deposit(depositor_client)

    first, second = act(depositor_client, local_id, "submit"), act(depositor_client, local_id, "submit")

    assert (first.status_code, second.status_code) == (200, 409)
    assert assert_matches_openapi(second)["state"] == "submitted"
    assert Record.objects.get(local_id=local_id).revisions.filter(action="submit").count() == 1


def test_depositor_may_not_publish_own_submitted_record(depositor_client):
    local_id = deposit(depositor_client)
    act(depositor_client, local_id, "submit")

    response = act(depositor_client, local_id, "publish")

    assert assert_matches_openapi(response)["code"] == "permission_denied"
    assert response.status_code == 403
    assert Record.objects.get(local_id=local_id).state == "submitted"


def test_anonymous_action_answers_403(client, db):
    response = act(client, SEED_ID, "withdraw")

    assert assert_matches_openapi(response)["code"] == "permission_denied"
    assert Record.objects.get(local_id=SEED_ID).state == "published"


def test_unknown_action_answers_400_and_unknown_record_404(curator_client):
    assert act(curator_client, SEED_ID, "delete").status_code in (400, 404)
    response = act(curator_client, "diva2:0", "withdraw")
    assert (assert_matches_openapi(response)["code"], response.status_code) == ("not_found", 404)


def test_action_with_stale_if_match_answers_412_and_changes_nothing(curator_client):
    revision = Record.objects.get(local_id=SEED_ID).revision

    stale = act(curator_client, SEED_ID, "withdraw", {"reason": "x"}, if_match=f'"{revision - 1}"')
    current = act(curator_client, SEED_ID, "withdraw", {"reason": "x"}, if_match=f'"{revision}"')

    assert assert_matches_openapi(stale)["code"] == "precondition_failed"
    assert (stale.status_code, stale.json()["revision"]) == (412, revision)
    assert current.status_code == 200


# ---------------------------------------------------------------- PATCH, PUT, If-Match


def test_get_gives_the_revision_as_etag(client, db):
    response = client.get(f"/api/records/{SEED_ID}")

    assert response["ETag"] == f'"{Record.objects.get(local_id=SEED_ID).revision}"'


def test_patch_changes_only_the_fields_it_sends(curator_client):
    before = assert_matches_openapi(curator_client.get(f"/api/records/{SEED_ID}"))

    response = send(curator_client, "patch", f"/api/records/{SEED_ID}", {"volume": "25", "issue": ""})

    after = assert_matches_openapi(response)
    assert response.status_code == 200
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {"volume", "issue", "revision", "datestamp", "last_updated"} - (
        {"last_updated"} if after["last_updated"] == before["last_updated"] else set()
    )
    revision = Record.objects.get(local_id=SEED_ID).revisions.first()
    assert revision.changes == {"volume": ["24", "25"], "issue": ["1", ""]}


def test_patch_invalid_value_answers_400_naming_field_and_changes_nothing(curator_client):
    before = Record.objects.get(local_id=SEED_ID).revision

    response = send(curator_client, "patch", f"/api/records/{SEED_ID}", {"issued": "2025-13", "volume": "9"})

    body = assert_matches_openapi(response)
    assert response.status_code == 400
    assert list(body["errors"]) == ["issued"]
    assert Record.objects.get(local_id=SEED_ID).revision == before


def test_patch_unknown_field_or_null_title_answers_400(curator_client):
    unknown = send(curator_client, "patch", f"/api/records/{SEED_ID}", {"colour": "blue"})
    null = send(curator_client, "patch", f"/api/records/{SEED_ID}", {"title": None})

    assert (unknown.status_code, null.status_code) == (400, 400)
    assert list(assert_matches_openapi(null)["errors"]) == ["body.data.title"]


def test_patch_state_by_depositor_is_not_a_way_to_publish(depositor_client):
    local_id = deposit(depositor_client)

    response = send(
        depositor_client, "patch", f"/api/records/{local_id}", {"state": "published", "volume": "2"}
    )

    body = assert_matches_openapi(response)
    assert (body["state"], body["volume"]) == ("draft", "2")


@pytest.mark.parametrize("method", ["put", "patch"])
def test_write_with_stale_if_match_answers_412_and_changes_nothing(curator_client, method):
    current = assert_matches_openapi(curator_client.get(f"/api/records/{SEED_ID}"))
    etag = f'"{current["revision"]}"'
    body = {"volume": "25"}
    if method == "put":
        body = {
            **{k: v for k, v in current.items() if k not in ("url", "revision", "datestamp", "journal_id")}
        }
        body["volume"] = "25"
    first = send(curator_client, method, f"/api/records/{SEED_ID}", body, if_match=etag)
    body["volume"] = "26"

    second = send(curator_client, method, f"/api/records/{SEED_ID}", body, if_match=etag)

    assert first.status_code == 200 and first["ETag"] == f'"{current["revision"] + 1}"'
    assert second.status_code == 412
    assert assert_matches_openapi(second)["revision"] == current["revision"] + 1
    assert Record.objects.get(local_id=SEED_ID).volume == "25"


@pytest.mark.parametrize("if_match", ["*", 'W/"{r}"', '"0", "{r}"'])
def test_if_match_any_weak_or_list_naming_the_revision_writes(curator_client, if_match):
    revision = Record.objects.get(local_id=SEED_ID).revision

    response = send(
        curator_client,
        "patch",
        f"/api/records/{SEED_ID}",
        {"volume": "25"},
        if_match=if_match.format(r=revision),
    )

    assert response.status_code == 200


def test_if_match_naming_no_revision_answers_412(curator_client):
    response = send(curator_client, "patch", f"/api/records/{SEED_ID}", {"volume": "25"}, if_match="garbage")

    assert response.status_code == 412

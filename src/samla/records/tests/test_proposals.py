"""Proposed changes and restoring withdrawn records: services, REST routes and the curators' page.

A proposal is made the way imports make them: a curator edits the seed record's volume, then an import
(origin "mods") brings another volume.
"""

from __future__ import annotations

import pytest
from django.test import Client

from samla.core.access import Actor
from samla.core.errors import Conflict, NotFound, PermissionDenied
from samla.core.tests.openapi import assert_matches_openapi
from samla.core.tests.users import make_user
from samla.records.models import ProposedChange, Record
from samla.records.services import (
    Origin,
    accept_proposal,
    get_record_for,
    import_records,
    list_proposals,
    record_to_input,
    reject_proposal,
    restore_record,
    update_record,
    withdraw_record,
)

SEED_ID = "diva2:1897829"
SOURCE = Actor.system("import")

pytestmark = pytest.mark.django_db


def edited_then_reimported(curator: Actor) -> ProposedChange:
    """The seed record with its volume edited by `curator`, then re-imported with volume 99 and issue 7."""
    data = record_to_input(get_record_for(curator, SEED_ID))
    source = data.model_copy(update={"volume": "99", "issue": "7"})
    update_record(curator, local_id=SEED_ID, data=data.model_copy(update={"volume": "12"}))
    (outcome,) = import_records(SOURCE, [source], origins=[Origin("mods")])
    assert (outcome.status, outcome.changed, outcome.proposed) == ("updated", ("issue",), ("volume",))
    return ProposedChange.objects.get()


@pytest.fixture
def staff_curator():
    return make_user("curator", staff=True)


@pytest.fixture
def curator_client(client: Client, staff_curator) -> Client:
    client.force_login(staff_curator)
    return client


# ---------------------------------------------------------------- services


def test_list_proposals_gives_the_current_value_beside_the_proposed(curator):
    edited_then_reimported(curator)

    page = list_proposals(curator)

    assert [(p.record.local_id, p.field, p.source, p.value, p.current) for p in page.items] == [
        (SEED_ID, "volume", "mods", "99", "12")
    ]


@pytest.mark.parametrize("role", ["anonymous", "depositor"])
def test_list_proposals_not_curator_raises_permission_denied(role, depositor, anonymous):
    actor = {"anonymous": anonymous, "depositor": depositor}[role]
    with pytest.raises(PermissionDenied):
        list_proposals(actor)


def test_accept_proposal_twice_raises_conflict(curator):
    proposal = edited_then_reimported(curator)
    accept_proposal(curator, proposal_id=proposal.pk)

    with pytest.raises(Conflict):
        accept_proposal(curator, proposal_id=proposal.pk)
    with pytest.raises(Conflict):
        reject_proposal(curator, proposal_id=proposal.pk)


def test_reject_unknown_proposal_raises_not_found(curator):
    with pytest.raises(NotFound):
        reject_proposal(curator, proposal_id=987654)


def test_source_sending_a_new_value_replaces_its_waiting_proposal(curator):
    proposal = edited_then_reimported(curator)
    data = record_to_input(get_record_for(curator, SEED_ID)).model_copy(update={"volume": "100"})

    (outcome,) = import_records(SOURCE, [data], origins=[Origin("mods")])

    assert outcome.status == "proposed"
    assert list(ProposedChange.objects.values_list("pk", "value")) == [(proposal.pk, "100")]


def test_withdrawn_then_restored_record_is_published_with_a_revision(curator):
    withdraw_record(
        SOURCE, local_id=SEED_ID, reason="deleted at the source (oai:x)", origin=Origin("oai-pmh")
    )

    record = restore_record(curator, local_id=SEED_ID)

    assert (record.state, record.withdrawn_reason) == ("published", "")
    assert [r.summary for r in record.revisions.all()[:2]] == [
        "restored",
        "withdrawn: deleted at the source (oai:x)",
    ]
    assert record.provenance["state"]["user"] == "curator"


def test_restore_record_depositor_raises_not_found(depositor, curator):
    withdraw_record(curator, local_id=SEED_ID, reason="duplicate")
    with pytest.raises(NotFound):  # a withdrawn record is not the depositor's to see
        restore_record(depositor, local_id=SEED_ID)


# ---------------------------------------------------------------- REST API


def test_api_proposals_curator_lists_them(curator_client, staff_curator):
    proposal = edited_then_reimported(Actor.for_user(staff_curator))

    response = curator_client.get("/api/records/proposals")

    body = assert_matches_openapi(response)
    assert body["meta"] == {"total": 1, "page": 1, "size": 50, "pages": 1}
    (item,) = body["items"]
    assert (item["id"], item["local_id"], item["field"], item["value"], item["current"]) == (
        proposal.pk,
        SEED_ID,
        "volume",
        "99",
        "12",
    )


@pytest.mark.parametrize("role", ["", "reader"])
def test_api_proposals_not_curator_returns_403(client, role):
    if role:
        client.force_login(make_user(role))
    response = client.get("/api/records/proposals")

    assert response.status_code == 403
    assert assert_matches_openapi(response)["code"] == "permission_denied"


def test_api_accept_proposal_writes_the_value(curator_client, staff_curator):
    proposal = edited_then_reimported(Actor.for_user(staff_curator))

    response = curator_client.post(f"/api/records/proposals/{proposal.pk}/accept")

    body = assert_matches_openapi(response)
    assert (body["decision"], body["decided_by"], body["current"]) == (
        "accepted",
        "curator:curator-staff",
        "99",
    )
    assert Record.objects.get(local_id=SEED_ID).volume == "99"


def test_api_reject_proposal_keeps_the_record(curator_client, staff_curator):
    proposal = edited_then_reimported(Actor.for_user(staff_curator))

    response = curator_client.post(f"/api/records/proposals/{proposal.pk}/reject")

    assert assert_matches_openapi(response)["decision"] == "rejected"
    assert Record.objects.get(local_id=SEED_ID).volume == "12"


def test_api_decided_proposal_returns_409_and_unknown_404(curator_client, staff_curator):
    proposal = edited_then_reimported(Actor.for_user(staff_curator))
    curator_client.post(f"/api/records/proposals/{proposal.pk}/reject")

    again = curator_client.post(f"/api/records/proposals/{proposal.pk}/accept")
    unknown = curator_client.post("/api/records/proposals/987654/accept")

    assert (again.status_code, assert_matches_openapi(again)["code"]) == (409, "conflict")
    assert (unknown.status_code, assert_matches_openapi(unknown)["code"]) == (404, "not_found")


def test_api_accept_proposal_reader_returns_403(client, curator):
    proposal = edited_then_reimported(curator)
    client.force_login(make_user("reader"))

    response = client.post(f"/api/records/proposals/{proposal.pk}/accept")

    assert response.status_code == 403
    assert ProposedChange.objects.get().decision == ""


def test_api_provenance_names_each_edited_field(client, curator):
    edited_then_reimported(curator)

    body = assert_matches_openapi(client.get(f"/api/records/{SEED_ID}/provenance"))

    assert body["volume"]["user"] == "curator"
    assert (body["issue"]["source"], body["*"]["source"]) == ("mods", "system:tests")


def test_api_restore_curator_publishes_withdrawn_record(curator_client, client, curator):
    withdraw_record(curator, local_id=SEED_ID, reason="duplicate of diva2:1")

    response = curator_client.post(f"/api/records/{SEED_ID}/restore")

    assert assert_matches_openapi(response)["state"] == "published"


def test_api_restore_anonymous_returns_404(client, curator):
    withdraw_record(curator, local_id=SEED_ID, reason="duplicate of diva2:1")

    response = client.post(f"/api/records/{SEED_ID}/restore")

    assert response.status_code == 404
    assert Record.objects.get(local_id=SEED_ID).state == "withdrawn"


# ---------------------------------------------------------------- the curators' page


def test_proposals_page_curator_sees_each_with_accept_and_reject(curator_client, staff_curator):
    proposal = edited_then_reimported(Actor.for_user(staff_curator))

    response = curator_client.get("/record/proposals/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<tr class="proposal" id="proposal-{proposal.pk}">' in html
    assert '<pre class="current">12</pre>' in html
    assert '<pre class="proposed">99</pre>' in html
    assert f'action="/record/proposals/{proposal.pk}/accept"' in html
    assert f'action="/record/proposals/{proposal.pk}/reject"' in html


@pytest.mark.parametrize("role", ["", "depositor"])
def test_proposals_page_not_curator_returns_403(client, role):
    if role:
        client.force_login(make_user(role))

    assert client.get("/record/proposals/").status_code == 403


def test_proposals_page_accept_button_writes_the_value_and_returns_to_the_list(curator_client, staff_curator):
    proposal = edited_then_reimported(Actor.for_user(staff_curator))

    response = curator_client.post(f"/record/proposals/{proposal.pk}/accept")

    assert (response.status_code, response["Location"]) == (302, "/record/proposals/")
    assert Record.objects.get(local_id=SEED_ID).volume == "99"
    assert "proposal-" not in curator_client.get("/record/proposals/").content.decode()


def test_proposals_page_reject_by_get_is_not_allowed(curator_client, staff_curator):
    proposal = edited_then_reimported(Actor.for_user(staff_curator))

    assert curator_client.get(f"/record/proposals/{proposal.pk}/reject").status_code == 405
    assert ProposedChange.objects.get().decision == ""


def test_withdrawn_record_page_shows_reason_to_all_and_restore_to_curators(curator_client):
    reason = "deleted at the source (oai:x)"
    withdraw_record(SOURCE, local_id=SEED_ID, reason=reason, origin=Origin("oai-pmh"))

    gone = Client().get(f"/record/{SEED_ID}")
    page = curator_client.get(f"/record/{SEED_ID}").content.decode()
    restored = curator_client.post(f"/record/{SEED_ID}/restore")

    assert gone.status_code == 410
    assert "has been withdrawn: deleted at the source (oai:x)." in gone.content.decode()
    assert "This record is withdrawn. Reason: deleted at the source (oai:x)" in page
    assert f'action="/record/{SEED_ID}/restore"' in page
    assert (restored.status_code, restored["Location"]) == (302, f"/record/{SEED_ID}")
    assert Record.objects.get(local_id=SEED_ID).state == "published"


def test_api_proposal_errors_speak_the_readers_language(curator_client, staff_curator):
    proposal = edited_then_reimported(Actor.for_user(staff_curator))
    curator_client.post(f"/api/records/proposals/{proposal.pk}/reject")

    again = curator_client.post(f"/api/records/proposals/{proposal.pk}/accept", HTTP_ACCEPT_LANGUAGE="sv")
    unknown = curator_client.post("/api/records/proposals/987654/accept", HTTP_ACCEPT_LANGUAGE="sv")
    in_english = curator_client.post("/api/records/proposals/987654/accept", HTTP_ACCEPT_LANGUAGE="en")

    assert again.json()["error"] == f"Ändringsförslaget {proposal.pk} är redan avvisat."
    assert unknown.json()["error"] == "Ändringsförslaget 987654 finns inte."
    assert in_english.json()["error"] == "No proposed change 987654."

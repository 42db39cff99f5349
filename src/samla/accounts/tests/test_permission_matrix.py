"""Every record action with a web surface × role × organisation (inside the granted subtree, above it,
elsewhere) × surface (page, REST API with a session, REST API with a token): allowed exactly where the
rule says, refused everywhere else.

The rule, as issue #19 states it: a curator of an organisation curates the records affiliated with it or
a unit below it; a curator or administrator everywhere curates every record; a depositor anywhere may
create records; a reader and a depositor curate nothing. Actions without a web surface (the CLI's jobs)
are asked directly, per role, in `core/tests/test_permissions.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from samla.accounts.services import create_token, grant_role
from samla.core.access import Actor
from samla.records.models import ProposedChange, Record
from samla.records.services import (
    Origin,
    create_record,
    get_record_for,
    import_records,
    record_to_input,
    update_record,
    withdraw_record,
)
from samla.records.tests.factories import record_input

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")
ROLES = ("reader", "depositor-of-T", "curator-of-T1", "curator", "admin")
PLACES = {"inside": "t:unit", "above": "t:top", "elsewhere": "u:top"}
SURFACES = ("page", "rest-session", "rest-token")


def curates(role: str, place: str) -> bool:
    """The rule: curator of school T1 curates T1's unit, not T (above it) nor U; curators everywhere and
    admins curate all."""
    return role in ("curator", "admin") or (role == "curator-of-T1" and place == "inside")


def deposits(role: str, place: str) -> bool:
    return role != "reader"


@dataclass(frozen=True)
class Case:
    """One action on one surface: the request, and the statuses that mean allowed and refused."""

    action: str
    surface: str
    allowed: int
    refused: tuple[int, ...]
    rule: Any


def _user(role: str, tree) -> User:
    user = User.objects.create_user(f"u-{role}", password="unused-in-tests", is_superuser=role == "admin")
    if role == "depositor-of-T":
        grant_role(SYSTEM, user=user, role="depositor", organisation_id=tree.top.pk)
    elif role == "curator-of-T1":
        grant_role(SYSTEM, user=user, role="curator", organisation_id=tree.school.pk)
    elif role == "curator":
        grant_role(SYSTEM, user=user, role="curator")
    return user


def _record(identifier: str, *, state: str = "draft") -> Record:
    contributors = [{"family_name": "Affiliated", "affiliations": [{"organisation": identifier}]}]
    record = create_record(SYSTEM, data=record_input(contributors=contributors, state=state))
    return Record.objects.get(pk=record.pk)


def _proposal(identifier: str) -> ProposedChange:
    """A proposal as imports make them: a source's record, a person's edit of its volume, the source's new
    volume."""
    contributors = [{"family_name": "Affiliated", "affiliations": [{"organisation": identifier}]}]
    data = record_input(contributors=contributors, volume="1", local_id=f"test:{identifier}")
    import_records(SYSTEM, [data], origins=[Origin("mods")])
    edited = record_to_input(get_record_for(SYSTEM, data.local_id)).model_copy(update={"volume": "2"})
    editor, _ = User.objects.get_or_create(username="editor")
    grant_role(SYSTEM, user=editor, role="curator")
    update_record(Actor.for_user(editor), local_id=data.local_id, data=edited)
    import_records(SYSTEM, [data.model_copy(update={"volume": "3"})], origins=[Origin("mods")])
    return ProposedChange.objects.get(record__local_id=data.local_id)


def _client(user: User, surface: str) -> tuple[Client, dict[str, str]]:
    client = Client()
    if surface == "rest-token":
        _token, secret = create_token(SYSTEM, user=user, name="matrix", scope="curate")
        return client, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    client.force_login(user)
    return client, {}


def _json(client: Client, method: str, url: str, headers: dict[str, str], body: Any = None):
    import json

    send = getattr(client, method)
    if body is None:
        return send(url, **headers)
    return send(url, json.dumps(body), content_type="application/json", **headers)


def _read(client, surface, headers, identifier):
    local_id = _record(identifier).local_id
    url = f"/record/{local_id}" if surface == "page" else f"/api/records/{local_id}"
    return client.get(url, **headers)


def _update(client, surface, headers, identifier):
    record = _record(identifier)
    body = record_to_input(get_record_for(SYSTEM, record.local_id)).model_dump(mode="json")
    body["title"] = "A title changed"
    return _json(client, "put", f"/api/records/{record.local_id}", headers, body)


def _create(client, surface, headers, identifier):
    contributors = [{"family_name": "New", "affiliations": [{"organisation": identifier}]}]
    body = record_input(contributors=contributors).model_dump(mode="json")
    return _json(client, "post", "/api/records/", headers, body)


def _restore(client, surface, headers, identifier):
    local_id = _record(identifier, state="published").local_id
    withdraw_record(SYSTEM, local_id=local_id, reason="duplicate")
    url = f"/record/{local_id}/restore" if surface == "page" else f"/api/records/{local_id}/restore"
    return client.post(url, **headers)


def _decide(client, surface, headers, identifier):
    proposal = _proposal(identifier)
    url = (
        f"/record/proposals/{proposal.pk}/reject"
        if surface == "page"
        else f"/api/records/proposals/{proposal.pk}/reject"
    )
    return client.post(url, **headers)


ACTIONS = {
    # action: the request, the rule, the status that means allowed on each surface, those that mean refused
    "record.read": (_read, curates, {"page": 200, "rest-session": 200, "rest-token": 200}, (404,)),
    "record.update": (_update, curates, {"rest-session": 200, "rest-token": 200}, (403, 404)),
    "record.create": (_create, deposits, {"rest-session": 201, "rest-token": 201}, (403,)),
    "record.restore": (_restore, curates, {"page": 302, "rest-session": 200, "rest-token": 200}, (403, 404)),
    "proposal.decide": (_decide, curates, {"page": 302, "rest-session": 200, "rest-token": 200}, (403,)),
}
CASES = [
    (action, surface, role, place)
    for action, (_, _, allowed, _) in ACTIONS.items()
    for surface in SURFACES
    if surface in allowed
    for role in ROLES
    for place in PLACES
]


@pytest.mark.parametrize(("action", "surface", "role", "place"), CASES, ids=["-".join(c) for c in CASES])
def test_permission_matrix(tree, action, surface, role, place):
    request, rule, allowed, refused = ACTIONS[action]
    client, headers = _client(_user(role, tree), surface)

    answer = request(client, surface, headers, PLACES[place])

    if rule(role, place):
        assert answer.status_code == allowed[surface], answer.content[:300]
    else:
        assert answer.status_code in refused, answer.content[:300]

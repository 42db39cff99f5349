"""Personal API tokens on the REST API: scopes, revocation at once, only a digest stored, never logged."""

from __future__ import annotations

import json
import logging

import pytest
from django.contrib.auth.models import User

from samla.accounts.models import ApiToken
from samla.accounts.services import create_token, grant_role, list_tokens, revoke_token
from samla.core.access import Actor
from samla.core.errors import InvalidInput, NotFound, PermissionDenied
from samla.records.tests.factories import record_input

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")
SEED = "diva2:1897829"


@pytest.fixture
def depositor_user(db) -> User:
    user = User.objects.create_user("dora", password="pw-dora-long")
    grant_role(SYSTEM, user=user, role="depositor")
    return user


def _token(user: User, scope: str) -> str:
    return create_token(Actor.for_user(user), user=user, name=f"{scope} script", scope=scope)[1]


def _post_record(client, token: str, **fields):
    body = record_input(**fields).model_dump(mode="json")
    return client.post(
        "/api/records/",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_create_token_stores_only_its_digest(depositor_user):
    token, secret = create_token(
        Actor.for_user(depositor_user), user=depositor_user, name="harvest", scope="read"
    )

    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert secret.startswith("samla_") and len(secret) > 40
    assert secret not in json.dumps(stored, default=str)
    assert stored["prefix"] == secret[:12]


def test_write_token_creates_a_record_owned_by_its_user(client, depositor_user):
    answer = _post_record(client, _token(depositor_user, "write"))

    assert answer.status_code == 201, answer.content
    assert answer.json()["local_id"]


def test_read_token_cannot_write(client, depositor_user):
    answer = _post_record(client, _token(depositor_user, "read"))

    assert answer.status_code == 403
    assert answer.json()["code"] == "permission_denied"


def test_read_token_reads_as_its_user(client, depositor_user):
    record = _post_record(client, _token(depositor_user, "write"), state="draft").json()
    draft = record["local_id"]

    anonymous = client.get(f"/api/records/{draft}")
    with_token = client.get(
        f"/api/records/{draft}", HTTP_AUTHORIZATION=f"Bearer {_token(depositor_user, 'read')}"
    )

    assert (anonymous.status_code, with_token.status_code) == (404, 200)


def test_revoked_token_answers_401_at_once(client, depositor_user):
    token, secret = create_token(
        Actor.for_user(depositor_user), user=depositor_user, name="ci", scope="write"
    )
    assert client.get(f"/api/records/{SEED}", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200

    revoke_token(Actor.for_user(depositor_user), user=depositor_user, token_id=token.pk)

    answer = client.get(f"/api/records/{SEED}", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert answer.status_code == 401
    assert answer.json()["code"] == "unauthorized"
    assert answer["WWW-Authenticate"].startswith("Bearer")
    assert _post_record(client, secret).status_code == 401


@pytest.mark.parametrize("secret", ["samla_not-a-token", "garbage", ""])
def test_unknown_token_answers_401_not_anonymous(client, secret):
    assert client.get(f"/api/records/{SEED}", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_token_of_an_inactive_user_answers_401(client, depositor_user):
    secret = _token(depositor_user, "read")
    User.objects.filter(pk=depositor_user.pk).update(is_active=False)

    assert client.get(f"/api/records/{SEED}", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_token_is_never_logged(client, depositor_user, caplog):
    secret = _token(depositor_user, "read")
    revoked, revoked_secret = create_token(
        Actor.for_user(depositor_user), user=depositor_user, name="x", scope="read"
    )
    revoke_token(Actor.for_user(depositor_user), user=depositor_user, token_id=revoked.pk)
    caplog.set_level(logging.DEBUG)

    _post_record(client, secret)  # 403, logged by django.request
    client.get("/api/records/no:such", HTTP_AUTHORIZATION=f"Bearer {secret}")  # 404
    client.get(f"/api/records/{SEED}", HTTP_AUTHORIZATION=f"Bearer {revoked_secret}")  # 401
    client.get(f"/api/records/{SEED}", HTTP_AUTHORIZATION=f"Token {secret}")  # another scheme

    assert caplog.records, "the requests logged nothing, so the test shows nothing"
    assert secret not in caplog.text and revoked_secret not in caplog.text


def test_tokens_are_the_users_own(depositor_user, reader):
    other = User.objects.get(pk=reader.user_id)

    with pytest.raises(PermissionDenied):
        create_token(Actor.for_user(other), user=depositor_user, name="mine now", scope="curate")
    with pytest.raises(PermissionDenied):
        list_tokens(Actor.for_user(other), user=depositor_user)


def test_revoke_another_users_token_is_not_found(depositor_user, reader):
    token, _secret = create_token(
        Actor.for_user(depositor_user), user=depositor_user, name="ci", scope="read"
    )
    other = User.objects.get(pk=reader.user_id)

    with pytest.raises(NotFound):
        revoke_token(Actor.for_user(other), user=other, token_id=token.pk)


@pytest.mark.parametrize(("name", "scope", "field"), [("", "read", "name"), ("ci", "admin", "scope")])
def test_create_token_bad_input_names_the_field(depositor_user, name, scope, field):
    with pytest.raises(InvalidInput) as refused:
        create_token(Actor.for_user(depositor_user), user=depositor_user, name=name, scope=scope)

    assert field in refused.value.fields


def test_openapi_declares_public_reads_and_writes_with_token_or_session(client):
    schema = client.get("/api/openapi.json").json()

    schemes = schema["components"]["securitySchemes"]
    assert schemes["BearerToken"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionUser"]["in"] == "cookie"
    assert "security" not in schema["paths"]["/api/records/{local_id}"]["get"]
    assert schema["paths"]["/api/records/"]["post"]["security"] == [{"BearerToken": []}, {"SessionUser": []}]

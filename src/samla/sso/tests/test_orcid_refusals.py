"""Sign in with ORCID refuses an answer whose state or nonce is not this browser's: the real test
OpenID provider (node-oidc-provider) signs a real person in, and the answer is then brought to the
callback where it does not belong. Refused with a logged reason; no session."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client

from .conftest import orcid_answer

pytestmark = pytest.mark.django_db
FENG = "0000-0001-9504-2008"


def _refused(client, caplog, response, reason: str) -> None:
    assert response.status_code == 403
    assert "Not signed in" in response.content.decode()
    assert "_auth_user_id" not in client.session
    logged = [r.getMessage() for r in caplog.records if r.name == "samla.sso"]
    assert any(m.startswith("ORCID sign-in refused: " + reason) for m in logged), logged


def _with(callback: str, **changes: str) -> str:
    path, _, query = callback.partition("?")
    params = {k: v[0] for k, v in parse_qs(query).items()}
    return f"{path}?{urlencode({**params, **changes})}"


def test_state_that_is_not_this_browsers_is_refused(orcid_sp, client, caplog):
    callback = orcid_answer(client, FENG)
    with caplog.at_level(logging.WARNING, logger="samla.sso"):
        response = client.get(_with(callback, state="not-the-state-this-browser-was-given"))
    _refused(client, caplog, response, "state mismatch")


def test_answer_brought_to_another_browser_is_refused(orcid_sp, client, caplog):
    """The other browser started no sign-in: it has no state at all."""
    callback = orcid_answer(client, FENG)
    other = Client()
    with caplog.at_level(logging.WARNING, logger="samla.sso"):
        response = other.get(callback)
    _refused(other, caplog, response, "state mismatch")


def test_code_injected_into_another_sign_in_fails_the_nonce(orcid_sp, client, caplog):
    """An attacker's code, put into the victim's own sign-in (with the victim's state): the ID token
    carries the nonce of the attacker's sign-in, not the victim's."""
    attacker_callback = orcid_answer(client, FENG)
    victim = Client()
    started = victim.get("/sso/orcid/login/")
    victim_state = parse_qs(urlsplit(started["Location"]).query)["state"][0]
    with caplog.at_level(logging.WARNING, logger="samla.sso"):
        response = victim.get(_with(attacker_callback, state=victim_state))
    _refused(victim, caplog, response, "ID token claim refused")
    assert "nonce" in caplog.text


def test_provider_error_is_refused(orcid_sp, client, caplog):
    """The person declined at ORCID: the provider sends an error instead of a code."""
    started = client.get("/sso/orcid/login/")
    state = parse_qs(urlsplit(started["Location"]).query)["state"][0]
    with caplog.at_level(logging.WARNING, logger="samla.sso"):
        response = client.get("/sso/orcid/callback/?" + urlencode({"error": "access_denied", "state": state}))
    _refused(client, caplog, response, "provider error: access_denied")


def test_provider_that_does_not_answer_is_a_clear_error(orcid_sp, settings, client, caplog):
    settings.ORCID_ISSUER = "http://127.0.0.1:9"  # the discard port: nothing answers
    with caplog.at_level(logging.WARNING, logger="samla.sso"):
        response = client.get("/sso/orcid/login/")
    assert response.status_code == 502
    assert "ORCID cannot be reached just now" in response.content.decode()
    assert "provider unreachable" in caplog.text

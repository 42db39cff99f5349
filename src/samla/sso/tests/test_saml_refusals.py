"""SAML answers that must not sign anyone in: unsigned, expired, replayed, for another audience, or with
an attribute changed after signing. Each is made by the real test IdP (pysaml2's) for a real request of
the SP, then refused with a logged reason and a page that says so; no session, no user."""

from __future__ import annotations

import base64
import logging

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from tests.idp.saml_idp import TestIdentityProvider

from .conftest import USERS, post_answer, start_sign_in

pytestmark = pytest.mark.django_db


def _refused(client, caplog, response, reason: str, status: int = 403) -> None:
    assert response.status_code == status
    assert "Not signed in" in response.content.decode()
    assert "_auth_user_id" not in client.session
    logged = [r.getMessage() for r in caplog.records if r.name == "samla.sso"]
    assert any(m.startswith("SAML sign-in refused: " + reason) for m in logged), logged
    assert not get_user_model().objects.filter(username="matth80@liu.se").exists()


def test_unsigned_assertion_is_refused(saml_sp, client, caplog):
    acs, answer = saml_sp.response_for(start_sign_in(client), "matth80", sign_assertion=False)
    with caplog.at_level(logging.WARNING, logger="samla.sso"):
        response = post_answer(client, acs, answer)
    _refused(client, caplog, response, "unsigned assertion")


def test_expired_answer_is_refused(saml_sp, client, caplog):
    acs, answer = saml_sp.response_for(start_sign_in(client), "matth80", minutes_ago=20)
    with caplog.at_level(logging.WARNING, logger="samla.sso"):
        response = post_answer(client, acs, answer)
    _refused(client, caplog, response, "expired")
    assert "came too late" in response.content.decode()


def test_answer_for_another_audience_is_refused(saml_sp, client, caplog):
    request = start_sign_in(client)
    acs, answer = saml_sp.response_for(request, "matth80", audience="https://other-repository.example.org/sp")
    with caplog.at_level(logging.WARNING, logger="samla.sso"):
        response = post_answer(client, acs, answer)
    _refused(client, caplog, response, "for another audience")


@pytest.mark.parametrize(
    ("signed", "changed"),
    [
        ("matth80@liu.se", "admin@liu.se"),  # the stable key: someone else's account
        ("staff@liu.se", "faculty@liu.se"),  # an affiliation that role rules read
    ],
)
def test_attribute_changed_after_signing_is_refused(saml_sp, client, caplog, signed, changed):
    acs, answer = saml_sp.response_for(start_sign_in(client), "matth80")
    xml = base64.b64decode(answer).decode()
    assert xml.count(signed) == 1
    tampered = base64.b64encode(xml.replace(signed, changed).encode()).decode()
    with caplog.at_level(logging.WARNING, logger="samla.sso"):
        response = post_answer(client, acs, tampered)
    _refused(client, caplog, response, "signature does not verify")
    assert not get_user_model().objects.filter(username="admin@liu.se").exists()


def test_answer_replayed_in_another_browser_is_refused(saml_sp, client, caplog):
    """An answer seen on the wire, posted from another browser (which made no request), or posted
    there after that browser started a sign-in of its own."""
    acs, answer = saml_sp.response_for(start_sign_in(client), "matth80")
    other = Client()
    with caplog.at_level(logging.WARNING, logger="samla.sso"):
        response = post_answer(other, acs, answer)
    _refused(other, caplog, response, "answers no sign-in request of this browser session")
    start_sign_in(other)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="samla.sso"):
        response = post_answer(other, acs, answer)
    _refused(other, caplog, response, "answers no sign-in request of this browser session")


def test_answer_signed_by_another_key_is_refused(saml_sp, client, caplog, tmp_path):
    """An impostor with the trusted IdP's name but a key of its own."""
    impostor = TestIdentityProvider(tmp_path, int(saml_sp.base.rsplit(":", 1)[1]), USERS, "Impostor")
    assert impostor.entity_id == saml_sp.entity_id
    impostor.trust_sp(client.get("/saml2/metadata/").content.decode())
    acs, answer = impostor.response_for(start_sign_in(client), "matth80")
    with caplog.at_level(logging.WARNING, logger="samla.sso"):
        response = post_answer(client, acs, answer)
    _refused(client, caplog, response, "signature does not verify")


@pytest.mark.parametrize(
    ("garbage", "status"), [("bm90IFhNTA==", 403), ("%%% not base64 %%%", 400), ("", 400)]
)
def test_answer_that_is_not_saml_is_refused(saml_sp, client, caplog, garbage, status):
    start_sign_in(client)
    with caplog.at_level(logging.WARNING, logger="samla.sso"):
        response = client.post("/saml2/acs/", {"SAMLResponse": garbage})
    _refused(client, caplog, response, "", status)

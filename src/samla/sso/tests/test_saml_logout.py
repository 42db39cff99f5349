"""Signing out of a SAML session ends the IdP's session too (single logout): the SP sends the real test
IdP, served over HTTP, a signed LogoutRequest, the IdP ends its session and answers, and the SP's session
is gone. The IdP's pages are walked with a real HTTP client, the SP's with Django's."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest
import requests
from tests.idp.saml_idp import serving_idp

from .conftest import orcid_answer

pytestmark = pytest.mark.django_db


def _sign_in_through_the_idp(client, idp_browser: requests.Session) -> None:
    to_idp = client.get("/saml2/login/?next=/record/")["Location"]
    form = idp_browser.get(to_idp, timeout=10).text
    fields = dict(re.findall(r'name="(SAMLRequest|RelayState)" value="([^"]*)"', form))
    answer = idp_browser.post(
        to_idp.split("/idp/")[0] + "/idp/login",
        data={**{k: html.unescape(v) for k, v in fields.items()}, "username": "matth80"},
        timeout=10,
    ).text
    posted = {
        k: html.unescape(v)
        for k, v in re.findall(r'name="(SAMLResponse|RelayState)" value="([^"]*)"', answer)
    }
    response = client.post("/saml2/acs/", posted)
    assert response.status_code == 302 and response["Location"] == "/record/"


@pytest.fixture
def idp_served(saml_sp):
    port = int(saml_sp.base.rsplit(":", 1)[1])
    with serving_idp(saml_sp, port):
        yield saml_sp
    saml_sp.sessions.clear()
    saml_sp.logged_out.clear()


def test_sign_out_sends_a_signed_logout_request_and_ends_both_sessions(idp_served, client, settings):
    settings.LOGOUT_REDIRECT_URL = "/"
    idp_browser = requests.Session()
    _sign_in_through_the_idp(client, idp_browser)
    assert idp_browser.get(idp_served.base + "/idp/whoami", timeout=10).text == "matth80"

    assert client.get("/saml2/logout/").status_code == 405  # a link elsewhere cannot sign anyone out
    to_idp = client.post("/sso/logout/")["Location"]
    assert to_idp.startswith(idp_served.base + "/idp/slo?SAMLRequest=") and "&Signature=" in to_idp
    back = idp_browser.get(to_idp, allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text
    answer = urlsplit(back.headers["Location"])
    done = client.get(f"{answer.path}?{answer.query}")

    assert done.status_code == 302 and done["Location"] == "/"
    assert idp_served.logged_out == ["matth80"]
    assert idp_browser.get(idp_served.base + "/idp/whoami", timeout=10).text == "nobody"
    assert "_auth_user_id" not in client.session


def test_sign_out_of_an_orcid_session_ends_it_here(orcid_sp, client, settings):
    settings.LOGOUT_REDIRECT_URL = "/"
    client.get(orcid_answer(client, "0000-0001-9504-2008"))
    assert "_auth_user_id" in client.session
    response = client.post("/sso/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert "_auth_user_id" not in client.session

"""Single sign-on in a real browser (headless Chromium through Playwright) against real identity providers
the test starts: pysaml2's IdP (tests/idp, a WSGI app on its own HTTP server) and node-oidc-provider
(tests/oidc) answering as ORCID. Samla is served by gunicorn on the demo corpus's database. A person signs
in through each, lands on their profile linked to their authority record, and signs out; signing out of
the SAML session ends the IdP's session too (single logout).
"""

from __future__ import annotations

import json
import socket
import urllib.request

import pytest

from tests.idp.saml_idp import TestIdentityProvider, serving_idp
from tests.oidc import CLIENT_ID, CLIENT_SECRET, serving_openid_provider

from .conftest import serving
from .test_search_browser import browser  # noqa: F401 (the shared Chromium fixture)

pytestmark = pytest.mark.e2e
MATHILDA = {
    "eduPersonPrincipalName": ["matth80@liu.se"],
    "mail": ["mathilda.bjork@liu.se"],
    "givenName": ["Mathilda"],
    "sn": ["Björk"],
    "displayName": ["Mathilda Björk"],
    "eduPersonOrcid": ["https://orcid.org/0000-0002-1607-187X"],
    "eduPersonScopedAffiliation": ["staff@liu.se"],
    "schacHomeOrganization": ["liu.se"],
}
FENG = "0000-0001-9504-2008"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def sso(live_url, server_database, tmp_path_factory):
    """Samla with SAML and ORCID sign-in configured, the IdP and the OpenID provider; (Samla's URL, IdP)."""
    idp_port, op_port = _free_port(), _free_port()
    folder = tmp_path_factory.mktemp("idp")
    idp = TestIdentityProvider(folder, idp_port, {"matth80": MATHILDA}, "Linköpings universitet")
    env = {
        **server_database,
        "SAMLA_SAML_IDP_METADATA": f"{idp.base}/idp/metadata",  # signed, as a federation publishes it
        "SAMLA_SAML_IDP_METADATA_CERT": str(idp.cert_file),
        "SAMLA_SAML_LOCAL_ID_SCOPES": "liu.se=liu",
        "SAMLA_HOME_ORGANISATIONS": json.dumps({"liu.se": "liu:linkopings-universitet"}),
        "SAMLA_ORCID_ISSUER": f"http://127.0.0.1:{op_port}",
        "SAMLA_ORCID_CLIENT_ID": CLIENT_ID,
        "SAMLA_ORCID_CLIENT_SECRET": CLIENT_SECRET,
    }
    with serving_idp(idp, idp_port), serving(env, public=True) as url:
        idp.trust_sp(urllib.request.urlopen(url + "/saml2/metadata/", timeout=30).read().decode())
        accounts = {FENG: {"given_name": "Feng", "family_name": "Chen"}}
        with serving_openid_provider(op_port, url + "/sso/orcid/callback/", accounts):
            yield url, idp


def _signed_out(page, url: str) -> bool:
    page.goto(url + "/accounts/profile/")
    return "/accounts/login/" in page.url


def test_sign_in_with_your_university_and_sign_out_of_both(browser, sso):  # noqa: F811
    url, idp = sso
    page = browser.new_page()
    page.goto(url + "/accounts/login/")
    page.get_by_role("button", name="Sign in with your university").click()
    page.wait_for_url(idp.base + "/idp/sso*")
    page.fill("#username", "matth80")
    page.click("#idp-sign-in")
    page.wait_for_url(url + "/accounts/profile/")

    profile = page.locator("main").inner_text()
    assert "matth80@liu.se" in profile
    assert "Björk, Mathilda" in profile  # the authority record the ORCID iD and local id name
    page.goto(idp.base + "/idp/whoami")
    assert page.locator("body").inner_text() == "matth80"

    page.goto(url + "/accounts/profile/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(url + "/")
    assert idp.logged_out == ["matth80"]  # the IdP got our signed LogoutRequest
    page.goto(idp.base + "/idp/whoami")
    assert page.locator("body").inner_text() == "nobody"
    assert _signed_out(page, url)
    page.close()


def test_sign_in_with_orcid_and_sign_out(browser, sso):  # noqa: F811
    url, _idp = sso
    page = browser.new_page()
    page.goto(url + "/accounts/login/")
    page.get_by_role("link", name="Sign in with ORCID").click()
    page.fill("input[name=login]", FENG)
    page.fill("input[name=password]", "any password")
    page.click("button[type=submit]")
    page.get_by_role("button", name="Continue").click()  # consent
    page.wait_for_url(url + "/accounts/profile/")

    profile = page.locator("main").inner_text()
    assert "Chen, Feng" in profile
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(url + "/")
    assert _signed_out(page, url)
    page.close()

"""A real SAML identity provider (pysaml2's IdP, tests/idp) for the SP under test, driven in-process
through Django's test client: the SP sends its AuthnRequest, the IdP answers it, the SP judges."""

from __future__ import annotations

import socket
from urllib.parse import parse_qs, urlsplit

import pytest
from tests.idp.saml_idp import TestIdentityProvider
from tests.oidc import CLIENT_ID, CLIENT_SECRET, authorize, serving_openid_provider

from samla.sso.keys import write_key_pair

SP_BASE = "http://testserver"
# People of the demo corpus (Mathilda Björk holds ORCID 0000-0002-1607-187X and local id liu:matth80;
# Paul Davidsson the local id bth:pdv) as their universities' IdPs describe them, and Mallory, whose IdP
# says Mathilda's ORCID iD is hers.
MATHILDA_ORCID = "0000-0002-1607-187X"
USERS = {
    "matth80": {
        "eduPersonPrincipalName": ["matth80@liu.se"],
        "mail": ["mathilda.bjork@liu.se"],
        "displayName": ["Mathilda Björk"],
        "givenName": ["Mathilda"],
        "sn": ["Björk"],
        "eduPersonOrcid": [f"https://orcid.org/{MATHILDA_ORCID}"],
        "eduPersonScopedAffiliation": ["staff@liu.se", "member@liu.se"],
        "schacHomeOrganization": ["liu.se"],
    },
    "pdv": {
        "eduPersonPrincipalName": ["pdv@bth.se"],
        "mail": ["paul.davidsson@bth.se"],
        "displayName": ["Paul Davidsson"],
        "eduPersonAffiliation": ["faculty"],
        "schacHomeOrganization": ["bth.se"],
    },
    "mallory": {
        "eduPersonPrincipalName": ["mallory@his.se"],
        "mail": ["mallory@his.se"],
        "givenName": ["Mallory"],
        "sn": ["Malice"],
        "eduPersonOrcid": [MATHILDA_ORCID],
        "eduPersonScopedAffiliation": ["student@his.se"],
        "schacHomeOrganization": ["his.se"],
    },
    "robek28": {
        "eduPersonPrincipalName": ["robek28@liu.se"],
        "givenName": ["Robert"],
        "sn": ["Eklund"],
        "eduPersonScopedAffiliation": ["faculty@liu.se"],
        "schacHomeOrganization": ["liu.se"],
    },
    "nameless": {"mail": ["nobody@his.se"]},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def saml_idp(tmp_path_factory) -> TestIdentityProvider:
    return TestIdentityProvider(tmp_path_factory.mktemp("idp"), free_port(), USERS, "Högskolan i Skövde")


@pytest.fixture(scope="session")
def sp_keys(tmp_path_factory) -> tuple:
    folder = tmp_path_factory.mktemp("sp")
    key, cert = folder / "sp-key.pem", folder / "sp-cert.pem"
    write_key_pair(key, cert, "testserver")
    return key, cert


@pytest.fixture
def saml_sp(settings, saml_idp, sp_keys, client):
    """Samla as an SP that trusts `saml_idp`, and the IdP trusting it back."""
    settings.BASE_URL = SP_BASE
    settings.SAML_ENTITY_ID = f"{SP_BASE}/saml2/metadata/"
    settings.SAML_IDP_METADATA = [str(saml_idp.metadata_file)]
    settings.SAML_KEY_FILE, settings.SAML_CERT_FILE = sp_keys
    settings.SAML_LOCAL_ID_SCOPES = {"liu.se": "liu", "bth.se": "bth"}
    saml_idp.trust_sp(client.get("/saml2/metadata/").content.decode())
    return saml_idp


def start_sign_in(client, next_url: str = "") -> str:
    """The SAMLRequest the SP sends the browser off with."""
    response = client.get("/saml2/login/" + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302, response.content
    return parse_qs(urlsplit(response["Location"]).query)["SAMLRequest"][0]


def sign_in(client, idp, username: str, next_url: str = "/"):
    """The whole SAML sign-in of `username`, as the browser carries it; the SP's last answer."""
    acs, answer = idp.response_for(start_sign_in(client, next_url), username)
    return post_answer(client, acs, answer, next_url)


def post_answer(client, acs: str, saml_response: str, relay_state: str = "/"):
    return client.post(urlsplit(acs).path, {"SAMLResponse": saml_response, "RelayState": relay_state})


# ORCID iDs the test OpenID provider knows: Mathilda Björk, Feng Chen and Robert Eklund of the demo
# corpus, and ORCID's own example researcher, whom no authority record names.
ORCID_ACCOUNTS = {
    MATHILDA_ORCID: {"given_name": "Mathilda", "family_name": "Björk"},
    "0000-0001-9504-2008": {"given_name": "Feng", "family_name": "Chen"},
    "0000-0003-3734-0757": {"given_name": "Robert", "family_name": "Eklund"},
    "0000-0002-1825-0097": {"given_name": "Josiah", "family_name": "Carberry"},
}
ORCID_CALLBACK = f"{SP_BASE}/sso/orcid/callback/"


@pytest.fixture(scope="session")
def openid_provider() -> str:
    with serving_openid_provider(free_port(), ORCID_CALLBACK, ORCID_ACCOUNTS) as issuer:
        yield issuer


@pytest.fixture
def orcid_sp(settings, openid_provider) -> str:
    """Samla as an ORCID client of the test provider; its issuer."""
    settings.BASE_URL = SP_BASE
    settings.ORCID_ISSUER = openid_provider
    settings.ORCID_CLIENT_ID = CLIENT_ID
    settings.ORCID_CLIENT_SECRET = CLIENT_SECRET
    return openid_provider


def orcid_answer(client, login: str, next_url: str = "") -> str:
    """Start Sign in with ORCID in `client`, sign in at the provider; the callback path and query."""
    response = client.get("/sso/orcid/login/" + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302, response.content
    return authorize(response["Location"], login, ORCID_CALLBACK).removeprefix(SP_BASE)

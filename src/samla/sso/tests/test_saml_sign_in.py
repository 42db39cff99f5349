"""Signing in through the real test IdP (pysaml2's): the user is made from the attributes, linked to their
authority record by ORCID or local user id, given the roles the rules give; a second user claiming the
same ORCID iD is refused and the curators are told. The SP metadata and key pair a federation registers."""

from __future__ import annotations

import logging
import stat

import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.test import Client, RequestFactory
from lxml import etree
from tests.idp.saml_idp import TestIdentityProvider

from samla.accounts.models import Account, IdentityConflict, RoleGrant
from samla.people.models import Person

from .conftest import MATHILDA_ORCID, USERS, free_port, post_answer, sign_in, start_sign_in

pytestmark = pytest.mark.django_db
MD = "{urn:oasis:names:tc:SAML:2.0:metadata}"


@pytest.fixture
def role_rules(settings):
    rule = {"affiliations": ["staff", "faculty"], "role": "depositor", "organisation": "home"}
    settings.ROLE_RULES = [rule]
    settings.HOME_ORGANISATIONS = {
        "liu.se": "liu:linkopings-universitet",
        "bth.se": "bth:blekinge-tekniska-hogskola",
    }


def test_sign_in_makes_the_user_links_the_person_by_orcid_and_grants_roles(saml_sp, client, role_rules):
    response = sign_in(client, saml_sp, "matth80", "/record/")

    assert response.status_code == 302 and response["Location"] == "/record/"
    user = get_user_model().objects.get(username="matth80@liu.se")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert (user.first_name, user.last_name, user.email) == ("Mathilda", "Björk", "mathilda.bjork@liu.se")
    assert not user.has_usable_password()
    account = Account.objects.get(user=user)
    assert account.person == Person.objects.get(orcid=MATHILDA_ORCID)
    assert (account.orcid, account.local_id) == (MATHILDA_ORCID, "liu:matth80")
    grants = RoleGrant.objects.filter(user=user).values_list("role", "organisation__identifier", "source")
    assert list(grants) == [("depositor", "liu:linkopings-universitet", "rule")]


def test_sign_in_links_by_the_local_user_id_and_unscoped_affiliation(saml_sp, client, role_rules):
    sign_in(client, saml_sp, "pdv")

    user = get_user_model().objects.get(username="pdv@bth.se")
    assert Account.objects.get(user=user).person == Person.objects.get(local_id="bth:pdv")
    assert (user.first_name, user.last_name) == ("Paul", "Davidsson")  # from displayName
    assert RoleGrant.objects.filter(user=user, role="depositor").exists()


def test_signing_in_again_keeps_the_user_and_follows_the_attributes(saml_sp, client, role_rules):
    sign_in(client, saml_sp, "matth80")
    client.logout()
    saml_sp.users["matth80"] = {
        **USERS["matth80"],
        "mail": ["m.bjork@liu.se"],
        "eduPersonScopedAffiliation": ["member@liu.se"],
    }
    try:
        sign_in(client, saml_sp, "matth80")
    finally:
        saml_sp.users["matth80"] = USERS["matth80"]
    user = get_user_model().objects.get(username="matth80@liu.se")
    assert user.email == "m.bjork@liu.se"
    assert not RoleGrant.objects.filter(user=user).exists()  # no longer staff: the rule's grant goes
    assert get_user_model().objects.filter(username__endswith="@liu.se").count() == 1


def test_same_answer_posted_again_in_the_same_browser_is_refused(saml_sp, client, caplog):
    acs, answer = saml_sp.response_for(start_sign_in(client), "matth80")
    assert post_answer(client, acs, answer).status_code == 302
    client.logout()
    with caplog.at_level(logging.WARNING, logger="samla.sso"):
        response = post_answer(client, acs, answer)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert "answers no sign-in request of this browser session" in caplog.text


def test_orcid_claimed_by_another_user_is_refused_and_the_curators_told(saml_sp, client, caplog):
    sign_in(Client(), saml_sp, "matth80")
    with caplog.at_level(logging.WARNING, logger="samla.sso"):
        response = sign_in(client, saml_sp, "mallory")

    assert response.status_code == 403
    assert "belongs to another user" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert "SAML sign-in refused: sign-in refused:" in caplog.text
    conflict = IdentityConflict.objects.get(username="mallory@his.se")
    assert (conflict.claim, conflict.value) == ("orcid", MATHILDA_ORCID)
    assert conflict.other_user.username == "matth80@liu.se"
    assert Account.objects.get(user__username="matth80@liu.se").person.orcid == MATHILDA_ORCID


def test_answer_without_a_principal_name_is_refused(saml_sp, client, caplog):
    with caplog.at_level(logging.WARNING, logger="samla.sso"):
        response = sign_in(client, saml_sp, "nameless")
    assert response.status_code == 403
    assert "did not say who you are" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_metadata_names_the_endpoints_and_the_certificate(saml_sp, client, sp_keys):
    response = client.get("/saml2/metadata/")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
    root = etree.fromstring(response.content)
    assert root.get("entityID") == "http://testserver/saml2/metadata/"
    sp = root.find(f"{MD}SPSSODescriptor")
    assert sp.get("WantAssertionsSigned") == "true"
    acs = sp.find(f"{MD}AssertionConsumerService")
    assert acs.get("Location") == "http://testserver/saml2/acs/"
    assert {e.get("Location") for e in sp.findall(f"{MD}SingleLogoutService")} == {
        "http://testserver/saml2/ls/",
        "http://testserver/saml2/ls/post/",
    }
    pem = sp_keys[1].read_text()
    body = "".join(pem.strip().splitlines()[1:-1])
    certificates = {
        "".join(c.text.split()) for c in root.iter("{http://www.w3.org/2000/09/xmldsig#}X509Certificate")
    }
    assert certificates == {body}
    assert {k.get("use") for k in sp.findall(f"{MD}KeyDescriptor")} == {"signing", "encryption"}


def test_key_pair_is_made_once_into_the_data_directory(saml_sp, client, settings, tmp_path):
    settings.SAML_KEY_FILE = tmp_path / "saml" / "sp-key.pem"
    settings.SAML_CERT_FILE = tmp_path / "saml" / "sp-cert.pem"
    first = client.get("/saml2/metadata/").content
    assert stat.S_IMODE(settings.SAML_KEY_FILE.stat().st_mode) == 0o600
    key = settings.SAML_KEY_FILE.read_bytes()
    settings.SAML_METADATA_REFRESH_SECONDS = 0  # build the configuration again: the pair stays
    assert client.get("/saml2/metadata/").content == first
    assert settings.SAML_KEY_FILE.read_bytes() == key


def _options(path: str = "/accounts/login/?next=/record/") -> str:
    request = RequestFactory().get(path)
    return Template("{% load sso %}{% sso_sign_in_options %}").render(Context({"request": request}))


def test_sign_in_options_offer_the_university_and_orcid(saml_sp, settings):
    settings.ORCID_CLIENT_ID = "a-client"
    html = _options()
    assert "Sign in with your university" in html and "<select" not in html
    assert 'name="next" value="/record/"' in html
    assert 'href="/sso/orcid/login/?next=/record/"' in html


def test_several_identity_providers_give_a_choice(saml_sp, settings, client, tmp_path):
    other = TestIdentityProvider(tmp_path, free_port(), USERS, "Blekinge Tekniska Högskola")
    settings.SAML_IDP_METADATA = [str(saml_sp.metadata_file), str(other.metadata_file)]
    html = _options()
    assert "Sign in with your university" in html
    assert f'<option value="{other.entity_id}">Blekinge Tekniska Högskola</option>' in html
    assert f'<option value="{saml_sp.entity_id}">Högskolan i Skövde</option>' in html
    page = client.get("/saml2/login/?next=/record/")
    assert page.status_code == 200
    assert "Choose your university" in page.content.decode()
    assert "Blekinge Tekniska Högskola" in page.content.decode()
    chosen = client.get("/saml2/login/", {"idp": other.entity_id, "next": "/record/"})
    assert chosen.status_code == 302 and chosen["Location"].startswith(other.base + "/idp/sso?SAMLRequest=")


def test_without_identity_providers_there_is_no_university_sign_in(settings, client):
    settings.SAML_IDP_METADATA = []
    settings.ORCID_CLIENT_ID = ""
    assert "Sign in with" not in _options()
    assert client.get("/saml2/login/").status_code == 404
    assert client.get("/sso/orcid/login/").status_code == 404

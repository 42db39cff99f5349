"""Sign in with ORCID through the real test OpenID provider (node-oidc-provider): the ORCID iD is the
key, the person holding it is linked, an institution's user who signs in with their ORCID is the same
user; an ORCID iD whose authority record another user holds is refused, and the curators told."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from samla.accounts.models import Account, IdentityConflict
from samla.people.models import Person

from .conftest import MATHILDA_ORCID, orcid_answer, sign_in

pytestmark = pytest.mark.django_db
FENG, ROBERT, JOSIAH = "0000-0001-9504-2008", "0000-0003-3734-0757", "0000-0002-1825-0097"


def test_sign_in_with_orcid_links_the_person_holding_the_id(orcid_sp, client):
    response = client.get(orcid_answer(client, FENG, "/record/"))

    assert response.status_code == 302 and response["Location"] == "/record/"
    user = get_user_model().objects.get(username=f"{FENG}@orcid.org")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert (user.first_name, user.last_name) == ("Feng", "Chen")
    assert Account.objects.get(user=user).person == Person.objects.get(orcid=FENG)


def test_orcid_nobody_holds_yet_signs_in_unlinked(orcid_sp, client):
    client.get(orcid_answer(client, JOSIAH))
    account = Account.objects.get(user__username=f"{JOSIAH}@orcid.org")
    assert (account.orcid, account.person) == (JOSIAH, None)
    assert "_auth_user_id" in client.session


def test_university_user_signing_in_with_their_orcid_is_the_same_user(orcid_sp, saml_sp, client):
    sign_in(Client(), saml_sp, "matth80")
    client.get(orcid_answer(client, MATHILDA_ORCID))
    user = get_user_model().objects.get(username="matth80@liu.se")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert not get_user_model().objects.filter(username=f"{MATHILDA_ORCID}@orcid.org").exists()


def test_orcid_of_a_person_linked_to_another_user_is_refused(orcid_sp, saml_sp, client):
    """Robert Eklund's record is linked to robek28@liu.se by local user id; someone signing in with the
    ORCID iD the record holds is not taken for him."""
    sign_in(Client(), saml_sp, "robek28")
    response = client.get(orcid_answer(client, ROBERT))

    assert response.status_code == 409
    assert "already linked to another user" in response.content.decode()
    assert "_auth_user_id" not in client.session
    conflict = IdentityConflict.objects.get(username=f"{ROBERT}@orcid.org")
    assert conflict.other_user.username == "robek28@liu.se"

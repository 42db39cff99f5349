"""The accounts pages: sign-in for everyone, throttled, with the session rotated; profile and tokens;
password reset by e-mail; the administrators' roles page. In English and Swedish."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from samla.accounts.models import ApiToken, RoleChange, RoleGrant
from samla.accounts.services import grant_role
from samla.core.access import Actor
from samla.jobs.tests.conftest import run_worker

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


@pytest.fixture
def anna(db) -> User:
    return User.objects.create_user("anna", email="anna@example.org", password=PASSWORD, first_name="Anna")


def _sign_in(client: Client, username: str = "anna", password: str = PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def test_login_page_speaks_english_and_swedish(client):
    english = client.get("/accounts/login/")
    swedish = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="sv")

    assert english.status_code == swedish.status_code == 200
    assert "<h1>Sign in</h1>" in english.text
    assert "<h1>Logga in</h1>" in swedish.text


def test_non_staff_user_signs_in_and_lands_on_the_profile(client, anna):
    client.get("/accounts/login/")
    before = client.session.session_key

    answer = _sign_in(client)

    assert answer.status_code == 302 and answer["Location"] == "/accounts/profile/"
    assert client.session["_auth_user_id"] == str(anna.pk)
    assert client.session.session_key != before
    profile = client.get("/accounts/profile/")
    assert "anna" in profile.text and "Anna" in profile.text


def test_sign_in_goes_back_to_the_page_it_came_from_on_this_site_only(client, anna):
    here = client.post(
        "/accounts/login/", {"username": "anna", "password": PASSWORD, "next": "/record/diva2:1897829"}
    )
    assert here["Location"] == "/record/diva2:1897829"
    client.logout()
    away = client.post(
        "/accounts/login/", {"username": "anna", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert away["Location"] == "/accounts/profile/"


def test_wrong_password_says_so_without_a_session(client, anna):
    answer = _sign_in(client, password="wrong")

    assert answer.status_code == 200
    assert "correct username and password" in answer.text
    assert "_auth_user_id" not in client.session


def test_header_shows_sign_in_then_the_users_name(client, anna):
    assert 'href="/accounts/login/?next=/"' in client.get("/").text
    _sign_in(client)

    home = client.get("/").text
    assert 'class="account-name" href="/accounts/profile/">Anna' in home
    assert 'action="/accounts/logout/"' in home


def test_sign_out_is_a_post_and_ends_the_session(client, anna):
    _sign_in(client)

    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/")["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_sign_in_without_csrf_token_is_refused(anna):
    client = Client(enforce_csrf_checks=True)

    assert _sign_in(client).status_code == 403


@pytest.mark.parametrize("username", ["anna", "nobody-at-all"])
def test_sign_in_locked_after_failures_says_the_same_whether_the_account_exists(client, anna, username):
    for _ in range(5):
        _sign_in(client, username=username, password="wrong")

    locked = _sign_in(client, username=username, password=PASSWORD if username == "anna" else "x")

    assert locked.status_code == 429
    assert "Too many failed attempts to sign in" in locked.text
    assert "_auth_user_id" not in client.session


def test_sign_in_locked_per_address_for_every_account(client, anna):
    for n in range(5):
        _sign_in(client, username=f"guess{n}", password="wrong")

    assert _sign_in(client).status_code == 429
    other_address = _sign_in(Client(), REMOTE_ADDR="192.0.2.7")
    assert other_address.status_code == 302


def test_sign_in_locked_per_account_from_every_address(client, anna):
    for n in range(5):
        _sign_in(client, password="wrong", REMOTE_ADDR=f"192.0.2.{n + 1}")

    assert _sign_in(client, REMOTE_ADDR="198.51.100.1").status_code == 429


def test_a_run_of_wrong_passwords_is_throttled_and_others_still_served(client, anna):
    """A password-guessing run is answered 429 from the fifth wrong guess on, while a reader elsewhere still
    gets the record page and signs in."""
    answers = [
        _sign_in(client, username=f"guess{n % 7}", password=f"wrong{n}").status_code for n in range(1000)
    ]

    assert answers[:4] == [200] * 4
    assert set(answers[4:]) == {429}
    assert Client().get("/record/diva2:1897829", REMOTE_ADDR="192.0.2.9").status_code == 200
    assert _sign_in(Client(), REMOTE_ADDR="192.0.2.9").status_code == 302


def test_profile_asks_an_anonymous_reader_to_sign_in(client):
    answer = client.get("/accounts/profile/")

    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/?next=")


def test_profile_lists_roles_per_organisation(client, anna):
    grant_role(Actor.system("tests"), user=anna, role="curator", organisation_id=1)
    client.force_login(anna)

    text = client.get("/accounts/profile/").text

    assert 'Curator (<a href="/organisation/1">Jönköping University</a>)' in text


def test_token_made_on_the_profile_is_shown_once_and_revoked_there(client, anna):
    client.force_login(anna)

    made = client.post("/accounts/profile/tokens/", {"name": "my script", "scope": "write"})

    secret = re.search(r'<code id="new-token">([^<]+)</code>', made.text).group(1)
    assert made["Cache-Control"] == "no-store"
    assert secret not in client.get("/accounts/profile/").text
    assert client.get("/api/records/diva2:1897829", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    token = ApiToken.objects.get(user=anna)
    client.post(f"/accounts/profile/tokens/{token.pk}/revoke/")
    assert client.get("/api/records/diva2:1897829", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_token_form_without_a_name_is_refused_on_the_page(client, anna):
    client.force_login(anna)

    answer = client.post("/accounts/profile/tokens/", {"name": "", "scope": "read"})

    assert answer.status_code == 400
    assert not ApiToken.objects.exists()


def test_revoking_another_users_token_is_not_found(client, anna):
    other = User.objects.create_user("bo", password=PASSWORD)
    client.force_login(other)
    client.post("/accounts/profile/tokens/", {"name": "bo's", "scope": "read"})
    token = ApiToken.objects.get(user=other)
    client.force_login(anna)

    assert client.post(f"/accounts/profile/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=token.pk).active


def test_password_reset_by_email_sets_a_new_password(client, anna):
    client.post("/accounts/password/reset/", {"email": "anna@example.org"})
    assert not mail.outbox  # the jobs worker sends it, not the request
    run_worker()

    (message,) = mail.outbox
    assert message.to == ["anna@example.org"]
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    new = "a much longer passphrase"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done["Location"] == "/accounts/password/reset/done/"
    assert _sign_in(Client(), password=new).status_code == 302


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, anna):
    known = client.post("/accounts/password/reset/", {"email": "anna@example.org"}, follow=True)
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.org"}, follow=True)
    run_worker()

    assert len(mail.outbox) == 1
    assert known.text == unknown.text


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "This password is too short"), ("sv", "Det här lösenordet är för kort")],
)
def test_password_validators_speak_both_languages(client, anna, language, message):
    client.force_login(anna)

    answer = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "short1", "new_password2": "short1"},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert message in answer.text


def test_roles_page_is_for_administrators(client, anna, curator):
    client.force_login(User.objects.get(pk=curator.user_id))

    assert client.get("/accounts/roles/").status_code == 403


def test_roles_page_grants_and_revokes_with_the_log(client, anna, admin_actor):
    client.force_login(User.objects.get(pk=admin_actor.user_id))

    granted = client.post(
        "/accounts/roles/grant/", {"username": "anna", "role": "curator", "organisation": "1"}
    )

    assert granted["Location"] == "/accounts/roles/"
    grant = RoleGrant.objects.get(user=anna)
    page = client.get("/accounts/roles/").text
    assert "Jönköping University" in page and "admin:admin" in page
    client.post(f"/accounts/roles/{grant.pk}/revoke/")
    assert not RoleGrant.objects.filter(user=anna).exists()
    assert [c.action for c in RoleChange.objects.filter(username="anna")] == ["revoke", "grant"]


@pytest.mark.parametrize(
    ("form", "says"),
    [
        ({"username": "nobody", "role": "curator"}, "No user is named nobody"),
        (
            {"username": "anna", "role": "curator", "organisation": "999999"},
            "No organisation has the id 999999",
        ),
        ({"username": "anna", "role": "boss"}, "Select a valid choice"),
    ],
)
def test_roles_page_bad_grant_says_why(client, anna, admin_actor, form, says):
    client.force_login(User.objects.get(pk=admin_actor.user_id))

    answer = client.post("/accounts/roles/grant/", form)

    assert answer.status_code == 400
    assert says in answer.text


def test_conflicts_page_is_for_curators(client, anna, curator):
    client.force_login(anna)
    assert client.get("/accounts/conflicts/").status_code == 403
    client.force_login(User.objects.get(pk=curator.user_id))
    assert client.get("/accounts/conflicts/").status_code == 200

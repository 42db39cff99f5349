"""`samla user …` and `samla token …`: the first administrator and users and tokens for scripts."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import User

from samla.accounts.models import RoleChange
from samla.cli import main
from samla.core.access import Actor

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough passphrase"


def _samla(*args: str, stdin: str | None = None):
    return CliRunner().invoke(main, list(args), input=stdin)


def test_user_create_with_password_stdin_then_grant_admin_makes_the_first_administrator(client):
    made = _samla(
        "user", "create", "chief", "--email", "chief@example.org", "--password-stdin", stdin=PASSWORD + "\n"
    )
    granted = _samla("user", "grant", "chief", "admin")

    assert (made.exit_code, granted.exit_code) == (0, 0), made.output + granted.output
    assert granted.output == "chief: admin (everywhere)\n"
    chief = User.objects.get(username="chief")
    assert Actor.for_user(chief).role == "admin"
    assert RoleChange.objects.get(username="chief").actor == "system:user grant"
    signed_in = client.post("/accounts/login/", {"username": "chief", "password": PASSWORD})
    assert signed_in.status_code == 302


def test_user_create_without_password_cannot_sign_in_until_reset():
    assert _samla("user", "create", "quiet", "--email", "quiet@example.org").exit_code == 0

    assert not User.objects.get(username="quiet").has_usable_password()


@pytest.mark.parametrize(
    ("args", "stdin", "says"),
    [
        (["--email", "not-an-address"], None, "valid email"),
        (["--email", "a@example.org", "--password-stdin"], "short\n", "too short"),
        (["--email", "a@example.org", "--password-stdin"], "", "holds no password"),
    ],
)
def test_user_create_bad_input_exits_non_zero_naming_it(args, stdin, says):
    answer = _samla("user", "create", "someone", *args, stdin=stdin)

    assert answer.exit_code in (1, 2)
    assert says in answer.output
    assert not User.objects.filter(username="someone").exists()


def test_user_create_twice_exits_1():
    _samla("user", "create", "twice", "--email", "t@example.org")

    answer = _samla("user", "create", "twice", "--email", "t@example.org")

    assert answer.exit_code == 1 and "exists already" in answer.output


def test_user_grant_for_an_organisation_and_list():
    _samla("user", "create", "cora", "--email", "cora@example.org")

    granted = _samla("user", "grant", "cora", "curator", "--organisation", "1")
    listed = _samla("user", "list")

    assert granted.output == "cora: curator (organisation 1 and below)\n"
    assert "cora\tcora@example.org\tcurator@1\n" in listed.output


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["nobody", "curator"], 1, "No user is named nobody"),
        (["cora", "boss"], 2, "Invalid value for 'ROLE'"),
        (["cora", "curator", "--organisation", "999999"], 1, "No organisation has the id 999999"),
    ],
)
def test_user_grant_bad_input_exits_non_zero(args, code, says):
    _samla("user", "create", "cora", "--email", "cora@example.org")

    answer = _samla("user", "grant", *args)

    assert answer.exit_code == code
    assert says in answer.output


def test_token_create_prints_the_token_alone_on_its_last_line(client):
    _samla("user", "create", "bot", "--email", "bot@example.org")

    answer = _samla("token", "create", "bot", "--name", "ci", "--scope", "read")

    assert answer.exit_code == 0
    secret = answer.output.splitlines()[-1]
    assert secret.startswith("samla_") and " " not in secret
    assert client.get("/api/records/diva2:1897829", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200

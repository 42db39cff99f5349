"""`samla user …` and `samla token …`: the first administrator, and users and tokens for scripts. Thin
commands over `accounts.services`, acting as the system."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from samla.core.access import GRANTABLE_ROLES, SCOPES, Actor
from samla.core.errors import SamlaError


def _run(command: str, call: Callable[[Actor], Any]) -> Any:
    """Call a service as `Actor.system(command)`; a SamlaError is printed and exits 1."""
    try:
        return call(Actor.system(command))
    except SamlaError as error:
        click.echo(f"{command}: {error.message}", err=True)
        raise SystemExit(1) from error


@click.group("user")
def user() -> None:
    """Local user accounts and their roles."""


@user.command("create")
@click.argument("username")
@click.option("--email", required=True, help="The user's e-mail address (for password reset).")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input (its first line). Without it the user sets one by "
    "password reset.",
)
def create_user_command(username: str, email: str, password_stdin: bool) -> None:
    """Create a local user USERNAME who signs in at /accounts/login/.

    The password must pass the password validators (length, likeness to the username, common
    passwords). For the first administrator: `samla user create admin --email … --password-stdin` and
    `samla user grant admin admin`.
    """
    from samla.accounts.services import create_user

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    if password_stdin and not password:
        raise click.UsageError("--password-stdin: standard input holds no password.")
    made = _run(
        "user create", lambda actor: create_user(actor, username=username, email=email, password=password)
    )
    click.echo(f"created user {made.get_username()} (id {made.pk})")


@user.command("grant")
@click.argument("username")
@click.argument("role", type=click.Choice(GRANTABLE_ROLES), metavar="ROLE")
@click.option(
    "--organisation",
    type=click.IntRange(min=1),
    help="The organisation's id, as the REST API shows it; the role then holds there and in every unit "
    "below it. Without it the role holds everywhere.",
)
def grant_command(username: str, role: str, organisation: int | None) -> None:
    """Grant ROLE (depositor, curator or admin) to USERNAME; the grant is logged."""
    from samla.accounts.services import get_user_for, grant_role

    def grant(actor: Actor):
        return grant_role(actor, user=get_user_for(actor, username), role=role, organisation_id=organisation)

    made = _run("user grant", grant)
    where = f"organisation {made.organisation_id} and below" if made.organisation_id else "everywhere"
    click.echo(f"{username}: {role} ({where})")


@user.command("list")
def list_command() -> None:
    """List users with their roles: one line each, tab-separated (username, e-mail, roles)."""
    from samla.accounts.services import list_users

    for account in _run("user list", list_users):
        roles = ["admin (superuser)"] if account.is_superuser else []
        for grant in account.role_grants.all():
            roles.append(f"{grant.role}@{grant.organisation_id}" if grant.organisation_id else grant.role)
        click.echo("\t".join([account.get_username(), account.email, ", ".join(roles) or "reader"]))


@click.group("token")
def token() -> None:
    """Personal API tokens."""


@token.command("create")
@click.argument("username")
@click.option("--name", required=True, help="What the token is for.")
@click.option("--scope", required=True, type=click.Choice(SCOPES), help="What the token may do.")
def create_token_command(username: str, name: str, scope: str) -> None:
    """Create an API token for USERNAME and print it, alone on the last line (it is not shown again).

    Send it as `Authorization: Bearer <token>`. The user revokes it on their profile page.
    """
    from samla.accounts.services import create_token, get_user_for

    def create(actor: Actor):
        return create_token(actor, user=get_user_for(actor, username), name=name, scope=scope)

    made, secret = _run("token create", create)
    click.echo(f"token {made.name!r} ({scope}) for {username}; it is shown once:")
    click.echo(secret)

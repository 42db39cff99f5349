"""Roles per organisation: granted for an organisation and everything below it, audited, given by rules
from sign-in attributes; the actor a user acts as carries them."""

from __future__ import annotations

import importlib

import pytest
from django.core.exceptions import ImproperlyConfigured

from samla.accounts.models import RoleChange, RoleGrant
from samla.accounts.services import (
    apply_role_rules,
    grant_role,
    list_grants,
    list_role_changes,
    revoke_role,
)
from samla.core.access import Actor
from samla.core.errors import InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


def test_grant_role_for_an_organisation_covers_the_units_below_it(tree, make_user):
    user = make_user("anna")
    grant_role(SYSTEM, user=user, role="curator", organisation_id=tree.school.pk)

    actor = Actor.for_user(user)

    assert actor.role == "reader"
    assert actor.at_least_for("curator", [tree.unit.pk])
    assert actor.at_least_for("depositor", [tree.school.pk])
    assert not actor.at_least_for("curator", [tree.top.pk])
    assert not actor.at_least_for("curator", [tree.other.pk])


def test_grant_role_everywhere_is_the_actors_role(make_user):
    user = make_user("anna")
    grant_role(SYSTEM, user=user, role="curator")

    assert Actor.for_user(user).role == "curator"


def test_actor_for_user_loads_grants_in_one_query(tree, make_user, django_assert_num_queries):
    user = make_user("anna")
    grant_role(SYSTEM, user=user, role="curator", organisation_id=tree.top.pk)
    grant_role(SYSTEM, user=user, role="depositor")
    user.__dict__.pop("_samla_actor", None)

    with django_assert_num_queries(1):
        actor = Actor.for_user(user)
        assert Actor.for_user(user) is actor

    assert actor.role == "depositor"
    assert actor.organisations_where("curator") == {tree.top.pk, tree.school.pk, tree.unit.pk}


def test_grant_and_revoke_are_audited(tree, make_user, admin_actor):
    user = make_user("anna")
    grant = grant_role(admin_actor, user=user, role="depositor", organisation_id=tree.unit.pk)
    revoke_role(admin_actor, grant_id=grant.pk)

    changes = list_role_changes(admin_actor).items

    assert [(c.action, c.actor, c.username, c.role, c.organisation_name) for c in changes] == [
        ("revoke", "admin:admin", "anna", "depositor", "Enheten T1a"),
        ("grant", "admin:admin", "anna", "depositor", "Enheten T1a"),
    ]


def test_grant_role_held_already_writes_no_audit_line(make_user):
    user = make_user("anna")
    grant_role(SYSTEM, user=user, role="curator")
    grant_role(SYSTEM, user=user, role="curator")

    assert RoleChange.objects.filter(username="anna").count() == 1


def test_grant_role_needs_an_administrator(make_user, curator):
    with pytest.raises(PermissionDenied):
        grant_role(curator, user=make_user("anna"), role="curator")


def test_list_grants_shows_a_user_their_own_and_nobody_else_s(make_user):
    anna, bo = make_user("anna"), make_user("bo")
    grant_role(Actor.system("tests"), user=anna, role="depositor")

    assert [g.role for g in list_grants(Actor.for_user(anna), user=anna)] == ["depositor"]
    with pytest.raises(PermissionDenied):
        list_grants(Actor.for_user(bo), user=anna)


def test_grant_role_with_an_organisation_scoped_admin_is_refused(tree, make_user):
    """Managing roles is for administrators everywhere: one of an organisation could grant themself
    anything."""
    scoped = make_user("scoped")
    grant_role(SYSTEM, user=scoped, role="admin", organisation_id=tree.top.pk)

    with pytest.raises(PermissionDenied):
        grant_role(Actor.for_user(scoped), user=make_user("anna"), role="depositor")


@pytest.mark.parametrize(
    ("role", "organisation", "field"),
    [("reader", None, "role"), ("boss", None, "role"), ("curator", 10**9, "organisation")],
)
def test_grant_role_bad_input_names_the_field(make_user, role, organisation, field):
    with pytest.raises(InvalidInput) as refused:
        grant_role(SYSTEM, user=make_user("anna"), role=role, organisation_id=organisation)

    assert field in refused.value.fields


def test_revoke_role_of_no_grant_is_not_found(admin_actor):
    from samla.core.errors import NotFound

    with pytest.raises(NotFound):
        revoke_role(admin_actor, grant_id=10**9)


def test_apply_role_rules_staff_at_home_become_depositors_there(tree, make_user, settings):
    settings.HOME_ORGANISATIONS = {"t.example.se": "t:top"}
    user = make_user("anna")

    grants = apply_role_rules(
        user, home_organisation="T.example.se", affiliations=["member", "Staff@t.example.se"]
    )

    assert [(g.role, g.organisation, g.source) for g in grants] == [("depositor", tree.top, "rule")]
    assert Actor.for_user(user).at_least_for("depositor", [tree.unit.pk])


def test_apply_role_rules_students_get_nothing(tree, make_user, settings):
    settings.HOME_ORGANISATIONS = {"t.example.se": "t:top"}

    assert (
        apply_role_rules(make_user("anna"), home_organisation="t.example.se", affiliations=["student"]) == []
    )


def test_apply_role_rules_takes_back_what_rules_no_longer_give_and_keeps_manual_grants(
    tree, make_user, settings
):
    settings.HOME_ORGANISATIONS = {"t.example.se": "t:top"}
    user = make_user("anna")
    apply_role_rules(user, home_organisation="t.example.se", affiliations=["staff"])
    grant_role(SYSTEM, user=user, role="curator", organisation_id=tree.unit.pk)

    apply_role_rules(user, home_organisation="t.example.se", affiliations=["alum"])

    assert [(g.role, g.organisation) for g in RoleGrant.objects.filter(user=user)] == [("curator", tree.unit)]
    assert RoleChange.objects.filter(username="anna", action="revoke", actor="system:role-rules").count() == 1


def test_apply_role_rules_matches_the_home_organisation_by_identifier_or_ror(tree, make_user, settings):
    tree.other.ror = "05f0yaq80"
    tree.other.save(update_fields=["ror"])
    settings.ROLE_RULES = [{"affiliations": ["faculty"], "role": "curator"}]

    by_ror = apply_role_rules(
        make_user("anna"), home_organisation="https://ror.org/05f0yaq80", affiliations=["faculty"]
    )
    by_identifier = apply_role_rules(make_user("bo"), home_organisation="t:school", affiliations=["faculty"])

    assert [g.organisation for g in by_ror + by_identifier] == [tree.other, tree.school]


def test_apply_role_rules_of_an_unknown_home_organisation_grants_nothing_there(make_user):
    assert (
        apply_role_rules(make_user("anna"), home_organisation="nowhere.example", affiliations=["staff"]) == []
    )


def test_apply_role_rules_everywhere_and_for_a_named_organisation(tree, make_user, settings):
    settings.ROLE_RULES = [
        {"affiliations": ["faculty"], "role": "depositor", "organisation": None},
        {"role": "curator", "organisation": "u:top", "home_organisations": ["u.example.se"]},
    ]

    grants = apply_role_rules(make_user("anna"), home_organisation="u.example.se", affiliations=["faculty"])

    assert sorted((g.role, g.organisation_id) for g in grants) == [
        ("curator", tree.other.pk),
        ("depositor", None),
    ]


@pytest.mark.parametrize(
    "rules", [[{"role": "reader"}], [{"role": "curator", "when": "always"}], ["curator"]]
)
def test_apply_role_rules_with_a_bad_rule_names_it(make_user, settings, rules):
    settings.ROLE_RULES = rules

    with pytest.raises(ImproperlyConfigured, match="SAMLA_ROLE_RULES rule 1"):
        apply_role_rules(make_user("anna"), home_organisation="", affiliations=[])


def test_migration_turns_group_members_into_grants_everywhere(make_user):
    from django.apps import apps
    from django.contrib.auth.models import Group

    migration = importlib.import_module("samla.accounts.migrations.0002_groups_to_grants")
    user = make_user("anna")
    Group.objects.create(name="curators").user_set.add(user)

    migration.forwards(apps, None)

    assert Actor.for_user(user).role == "curator"
    assert not Group.objects.filter(name="curators").exists()
    assert RoleChange.objects.get(username="anna").actor == "system:migration"

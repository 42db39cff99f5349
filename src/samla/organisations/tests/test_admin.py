"""The curators' organisation admin: the hierarchy, and changes through the organisation services."""

from __future__ import annotations

import pytest
from django.test import Client

from samla.core.access import Actor
from samla.core.errors import InvalidInput
from samla.core.tests.forms import form_data
from samla.core.tests.users import make_user
from samla.organisations.models import Organisation
from samla.organisations.services import update_organisation

CHANGELIST = "/admin/organisations/organisation/"
UNIVERSITY = "ju:jonkoping-university"
SCHOOL = "ju:school-of-health-and-welfare"
ACADEMY = "ju:jonkoping-academy"


@pytest.fixture
def curator_client(client: Client, db) -> Client:
    client.force_login(make_user("curator", staff=True))
    return client


def by_identifier(identifier: str) -> Organisation:
    return Organisation.objects.get(identifier=identifier)


def listed(response) -> set[str]:
    return {o.identifier for o in response.context["cl"].result_list}


@pytest.mark.parametrize("query", ["Hälsohögskolan", "health and welfare", SCHOOL])
def test_organisation_changelist_search_finds_school(curator_client, query):
    response = curator_client.get(CHANGELIST, {"q": query})

    assert response.status_code == 200
    assert SCHOOL in listed(response)


def test_organisation_changelist_kind_filter_lists_only_that_kind(curator_client):
    response = curator_client.get(CHANGELIST, {"kind__exact": "university"})

    assert {o.kind for o in response.context["cl"].result_list} == {"university"}
    assert UNIVERSITY in listed(response)


def test_organisation_change_page_lists_sub_units(curator_client):
    university = by_identifier(UNIVERSITY)

    response = curator_client.get(f"{CHANGELIST}{university.pk}/change/")

    assert response.status_code == 200
    sub_units = {form.original.identifier for form in response.context["inline_admin_formsets"][0]}
    assert sub_units == set(university.children.values_list("identifier", flat=True))
    assert SCHOOL in sub_units


def change(client: Client, organisation: Organisation, **values: str):
    """Submit the organisation's change form as the page shows it, with `values` changed."""
    url = f"{CHANGELIST}{organisation.pk}/change/"
    return client.post(url, {**form_data(client.get(url).content, "organisation_form"), **values})


def test_organisation_change_valid_form_saves_through_service(curator_client):
    academy = by_identifier(ACADEMY)

    response = change(curator_client, academy, name_sv=" Jönköping Academy ", ror="05s754026")

    assert response.status_code == 302
    academy.refresh_from_db()
    assert (academy.name_sv, academy.ror) == ("Jönköping Academy", "05s754026")


def test_organisation_change_parent_moves_unit(curator_client):
    academy, university = by_identifier(ACADEMY), by_identifier(UNIVERSITY)

    change(curator_client, academy, parent=str(university.pk))

    academy.refresh_from_db()
    assert academy.parent == university


def test_organisation_change_parent_below_itself_shows_error_and_saves_nothing(curator_client):
    university, academy = by_identifier(UNIVERSITY), by_identifier(ACADEMY)

    response = change(curator_client, university, parent=str(academy.pk))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["parent"] == [
        "An organisation cannot be placed below itself or one of its own units."
    ]
    university.refresh_from_db()
    assert university.parent is None


def test_organisation_change_identifier_of_another_shows_error(curator_client):
    response = change(curator_client, by_identifier(ACADEMY), identifier=SCHOOL)

    assert response.context["adminform"].form.errors["identifier"] == [
        f"Organisation {SCHOOL} exists already."
    ]


def test_organisation_add_form_creates_unit_through_service(curator_client):
    school = by_identifier(SCHOOL)
    data = form_data(curator_client.get(f"{CHANGELIST}add/").content, "organisation_form")
    data.update(name_en="Department of Nursing", kind="department", parent=str(school.pk), identifier="")

    response = curator_client.post(f"{CHANGELIST}add/", data)

    assert response.status_code == 302
    created = Organisation.objects.get(name_en="Department of Nursing")
    assert (created.parent, created.identifier, created.kind) == (school, None, "department")


def test_organisation_delete_page_curator_returns_403(curator_client):
    assert curator_client.get(f"{CHANGELIST}{by_identifier(ACADEMY).pk}/delete/").status_code == 403


# update_organisation is only called from the admin for now; this pins its own check.


def test_update_organisation_parent_is_itself_raises_invalid_input(db):
    school = by_identifier(SCHOOL)

    with pytest.raises(InvalidInput) as raised:
        update_organisation(Actor.system("tests"), organisation_id=school.pk, parent=school)

    assert raised.value.fields == {"parent": "cycle"}

"""The curators' person admin: search, and adding or correcting people through the person services."""

from __future__ import annotations

import pytest
from django.test import Client

from samla.core.access import Actor
from samla.core.errors import NotFound, PermissionDenied
from samla.core.tests.forms import form_data
from samla.core.tests.users import make_user
from samla.people.models import Person
from samla.people.services import create_person, update_person

SEED_ORCID = "0000-0003-4364-9814"
CHANGELIST = "/admin/people/person/"


@pytest.fixture
def curator_client(client: Client, db) -> Client:
    client.force_login(make_user("curator", staff=True))
    return client


@pytest.fixture
def seed_person(db) -> Person:
    return Person.objects.get(orcid=SEED_ORCID)


def listed(response) -> list[str]:
    return [person.orcid for person in response.context["cl"].result_list]


@pytest.mark.parametrize("query", ["Masterson", "daniel", SEED_ORCID])
def test_person_changelist_search_finds_seed_author(curator_client, query):
    response = curator_client.get(CHANGELIST, {"q": query})

    assert response.status_code == 200
    assert SEED_ORCID in listed(response)


def test_person_changelist_search_by_local_id_finds_person(curator_client):
    create_person(Actor.system("tests"), family_name="Lind", given_name="Anna", local_id="liu:annli12")

    response = curator_client.get(CHANGELIST, {"q": "liu:annli12"})

    assert [p.local_id for p in response.context["cl"].result_list] == ["liu:annli12"]


def test_person_change_page_shows_name_variants(curator_client, seed_person):
    seed_person.name_variants.create(family_name="Masterson", given_name="D.")

    response = curator_client.get(f"{CHANGELIST}{seed_person.pk}/change/")

    assert response.status_code == 200
    assert "D." in response.content.decode()


def change(client: Client, person: Person, **values: str):
    """Submit the person's change form as the page shows it, with `values` changed."""
    url = f"{CHANGELIST}{person.pk}/change/"
    data = {**form_data(client.get(url).content, "person_form"), **values}
    return client.post(url, data)


def test_person_change_valid_form_saves_through_service(curator_client, seed_person):
    response = change(curator_client, seed_person, given_name="  Dan ", birth_year="1980")

    assert response.status_code == 302
    seed_person.refresh_from_db()
    assert (seed_person.given_name, seed_person.birth_year) == ("Dan", 1980)


def test_person_change_orcid_url_is_stored_normalised(curator_client, seed_person):
    change(curator_client, seed_person, orcid="https://orcid.org/0000-0002-1825-0097")

    seed_person.refresh_from_db()
    assert seed_person.orcid == "0000-0002-1825-0097"


def test_person_change_bad_orcid_check_digit_shows_error_and_saves_nothing(curator_client, seed_person):
    response = change(curator_client, seed_person, orcid="0000-0003-4364-9815", given_name="Dan")

    assert response.status_code == 200
    assert "orcid" in response.context["adminform"].form.errors
    seed_person.refresh_from_db()
    assert (seed_person.orcid, seed_person.given_name) == (SEED_ORCID, "Daniel")


def test_person_change_orcid_of_another_person_shows_error(curator_client, seed_person):
    create_person(Actor.system("tests"), family_name="Carberry", orcid="0000-0002-1825-0097")

    response = change(curator_client, seed_person, orcid="0000-0002-1825-0097")

    assert response.context["adminform"].form.errors["orcid"] == [
        "Another person has orcid 0000-0002-1825-0097."
    ]


def test_person_add_form_creates_person_through_service(curator_client):
    data = {**form_data(curator_client.get(f"{CHANGELIST}add/").content, "person_form")}
    data.update(family_name="Carberry", given_name="Josiah", orcid="0000000218250097")

    response = curator_client.post(f"{CHANGELIST}add/", data)

    person = Person.objects.get(family_name="Carberry")
    assert response.status_code == 302
    assert response["Location"] == CHANGELIST
    assert (person.orcid, person.local_id) == ("0000-0002-1825-0097", None)


def test_person_change_post_staff_reader_returns_403(client: Client, seed_person):
    client.force_login(make_user("reader", staff=True))

    response = client.post(f"{CHANGELIST}{seed_person.pk}/change/", {"family_name": "Changed"})

    assert response.status_code == 403
    seed_person.refresh_from_db()
    assert seed_person.family_name == "Masterson"


def test_person_delete_page_curator_returns_403(curator_client, seed_person):
    assert curator_client.get(f"{CHANGELIST}{seed_person.pk}/delete/").status_code == 403


# update_person is only called from the admin for now; these pin its own checks.


def test_update_person_reader_raises_permission_denied(seed_person):
    with pytest.raises(PermissionDenied):
        update_person(Actor("reader", user_id=1), person_id=seed_person.pk, given_name="Dan")


def test_update_person_unknown_id_raises_not_found(db):
    with pytest.raises(NotFound):
        update_person(Actor.system("tests"), person_id=999_999, given_name="Dan")


def test_update_person_unchanged_fields_writes_nothing(seed_person, django_assert_max_num_queries):
    with django_assert_max_num_queries(10) as captured:
        update_person(
            Actor.system("tests"), person_id=seed_person.pk, orcid=SEED_ORCID, family_name="Masterson"
        )

    assert not [query for query in captured.captured_queries if query["sql"].startswith("UPDATE")]

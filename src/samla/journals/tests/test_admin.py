"""The curators' journal admin: search by title or ISSN, and changes through the journal services."""

from __future__ import annotations

import pytest
from django.test import Client

from samla.core.access import Actor
from samla.core.errors import PermissionDenied
from samla.core.tests.forms import form_data
from samla.core.tests.users import make_user
from samla.journals.models import Journal
from samla.journals.services import create_journal

CHANGELIST = "/admin/journals/journal/"
SEED_EISSN = "1472-6963"


@pytest.fixture
def curator_client(client: Client, db) -> Client:
    client.force_login(make_user("curator", staff=True))
    return client


@pytest.fixture
def seed_journal(db) -> Journal:
    return Journal.objects.get(eissn=SEED_EISSN)


@pytest.mark.parametrize("query", ["Health Services", SEED_EISSN])
def test_journal_changelist_search_finds_seed_journal(curator_client, query):
    response = curator_client.get(CHANGELIST, {"q": query})

    assert response.status_code == 200
    assert SEED_EISSN in {j.eissn for j in response.context["cl"].result_list}


def test_journal_change_page_curator_returns_200(curator_client, seed_journal):
    response = curator_client.get(f"{CHANGELIST}{seed_journal.pk}/change/")

    assert response.status_code == 200
    assert "BMC Health Services Research" in response.content.decode()


def submit(client: Client, url: str, **values: str):
    """Submit the journal form at `url` as the page shows it, with `values` changed."""
    return client.post(url, {**form_data(client.get(url).content, "journal_form"), **values})


def test_journal_change_issn_is_stored_normalised(curator_client, seed_journal):
    response = submit(curator_client, f"{CHANGELIST}{seed_journal.pk}/change/", issn="14726955")

    assert response.status_code == 302
    seed_journal.refresh_from_db()
    assert (seed_journal.issn, seed_journal.eissn) == ("1472-6955", SEED_EISSN)


def test_journal_change_bad_issn_check_digit_shows_error_and_saves_nothing(curator_client, seed_journal):
    response = submit(curator_client, f"{CHANGELIST}{seed_journal.pk}/change/", issn="1472-6954")

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["issn"]
    seed_journal.refresh_from_db()
    assert seed_journal.issn is None


def test_journal_add_form_creates_journal(curator_client):
    response = submit(curator_client, f"{CHANGELIST}add/", title="Nature", issn="0028-0836", eissn="")

    assert response.status_code == 302
    journal = Journal.objects.get(title="Nature")
    assert (journal.issn, journal.eissn, journal.kind) == ("0028-0836", None, "journal")


def test_journal_add_form_issn_of_another_journal_shows_error(curator_client):
    response = submit(curator_client, f"{CHANGELIST}add/", title="BMC HSR (copy)", issn=SEED_EISSN)

    assert response.context["adminform"].form.errors["issn"] == [f"Another journal has ISSN {SEED_EISSN}."]
    assert not Journal.objects.filter(title="BMC HSR (copy)").exists()


def test_journal_delete_page_curator_returns_403(curator_client, seed_journal):
    assert curator_client.get(f"{CHANGELIST}{seed_journal.pk}/delete/").status_code == 403


# create_journal is only called from the admin for now; this pins its permission check.


def test_create_journal_depositor_raises_permission_denied(db):
    with pytest.raises(PermissionDenied):
        create_journal(Actor("depositor", user_id=1), title="Nature")

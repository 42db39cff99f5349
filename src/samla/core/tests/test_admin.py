"""Who may use /admin/: staff curators and superusers, by Samla role rather than Django model permissions."""

from __future__ import annotations

import pytest
from django.test import Client

from samla.core.tests.users import make_user

CHANGELISTS = [
    "/admin/records/record/",
    "/admin/people/person/",
    "/admin/organisations/organisation/",
    "/admin/journals/journal/",
    "/admin/vocabularies/subjectcategory/",
]


@pytest.mark.parametrize("url", CHANGELISTS)
def test_admin_changelist_staff_curator_returns_200(client: Client, db, url):
    client.force_login(make_user("curator", staff=True))

    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", CHANGELISTS)
def test_admin_changelist_superuser_returns_200(client: Client, db, url):
    client.force_login(make_user("admin"))

    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", CHANGELISTS)
def test_admin_changelist_anonymous_redirects_to_login(client: Client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={url}"


def test_admin_changelist_curator_without_staff_flag_redirects_to_login(client: Client, db):
    client.force_login(make_user("curator"))

    response = client.get(CHANGELISTS[0])

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("role", ["reader", "depositor"])
def test_admin_changelist_staff_below_curator_returns_403(client: Client, db, role):
    client.force_login(make_user(role, staff=True))

    assert client.get(CHANGELISTS[0]).status_code == 403


def test_admin_index_staff_curator_lists_samla_models_not_users(client: Client, db):
    client.force_login(make_user("curator", staff=True))

    response = client.get("/admin/")

    listed = {model["admin_url"] for app in response.context["app_list"] for model in app["models"]}
    assert set(CHANGELISTS) <= listed
    assert not [url for url in listed if url.startswith("/admin/auth/")]


def test_admin_subject_category_change_page_is_read_only(client: Client, db):
    client.force_login(make_user("curator", staff=True))

    response = client.get("/admin/vocabularies/subjectcategory/50202/change/")

    assert response.status_code == 200
    assert b'name="_save"' not in response.content

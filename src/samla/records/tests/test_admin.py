"""The curators' record admin: finding records, the read-only record page, and approval via the service."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client

from samla.core.access import Actor
from samla.core.tests.users import make_user
from samla.records.models import Record, Revision
from samla.records.schemas import RecordIn
from samla.records.services import create_record

SEED_ID = "diva2:1897829"
CHANGELIST = "/admin/records/record/"


@pytest.fixture
def curator_client(client: Client, db) -> Client:
    client.force_login(make_user("curator", staff=True))
    return client


def new_record(title: str, **fields) -> Record:
    """An unapproved published record in the seed journal, stored through the service."""
    data = RecordIn.model_validate(
        {
            "title": title,
            "output_type": "publication/journal-article",
            "issued": "2025",
            "journal": {"title": "BMC Health Services Research", "eissn": "1472-6963"},
            "contributors": [{"family_name": "Sarre", "given_name": "Sophie"}],
            **fields,
        }
    )
    return create_record(Actor.system("tests"), data=data)


def listed(response) -> set[str]:
    return {record.local_id for record in response.context["cl"].result_list}


def test_record_changelist_curator_lists_records(curator_client):
    response = curator_client.get(CHANGELIST)

    assert response.status_code == 200
    assert SEED_ID in listed(response)
    assert "Mark bibliographically approved" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "complexity of leadership",
        SEED_ID,
        "10.1186/s12913-024-10549-4",
        "urn:nbn:se:his:diva-24521",
        "Masterson",
    ],
    ids=["title", "local-id", "doi", "urn", "author"],
)
def test_record_changelist_search_finds_seed_record(curator_client, query):
    response = curator_client.get(CHANGELIST, {"q": query})

    assert response.status_code == 200
    assert SEED_ID in listed(response)


def test_record_changelist_search_unknown_term_finds_nothing(curator_client):
    response = curator_client.get(CHANGELIST, {"q": "no-such-record-anywhere"})

    assert listed(response) == set()


@pytest.mark.parametrize(
    "params",
    [
        {"output_type__exact": "publication/review-article"},
        {"content_type__exact": "refereed"},
        {"publication_status__exact": "published"},
        {"state__exact": "published"},
        {"approved__exact": "1"},
        {"year": "2024"},
        {"language": "eng"},
    ],
)
def test_record_changelist_filter_keeps_seed_record(curator_client, params):
    response = curator_client.get(CHANGELIST, params)

    assert response.status_code == 200
    assert SEED_ID in listed(response)


def test_record_changelist_filter_unapproved_excludes_seed_record(curator_client):
    pending = new_record("Awaiting review")

    response = curator_client.get(CHANGELIST, {"approved__exact": "0"})

    assert listed(response) == set(Record.objects.filter(approved=False).values_list("local_id", flat=True))
    assert pending.local_id in listed(response)
    assert SEED_ID not in listed(response)


def test_record_changelist_many_records_query_count_is_bounded(curator_client, django_assert_max_num_queries):
    for number in range(30):
        new_record(
            f"Record number {number}", identifiers=[{"scheme": "doi", "value": f"10.5555/samla.{number}"}]
        )

    with django_assert_max_num_queries(12):
        response = curator_client.get(CHANGELIST, {"q": "Record number"})

    assert len(listed(response)) == 30


def test_record_change_page_shows_record_read_only_with_revisions(curator_client):
    record = Record.objects.get(local_id=SEED_ID)

    response = curator_client.get(f"{CHANGELIST}{record.pk}/change/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "The complexity of leadership in coproduction practices" in content
    assert 'name="_save"' not in content
    assert 'name="title"' not in content
    revisions = response.context["inline_admin_formsets"][-1]
    assert [form.original.summary for form in revisions] == list(
        record.revisions.values_list("summary", flat=True)
    )


def test_record_change_post_curator_returns_403_and_changes_nothing(curator_client):
    record = Record.objects.get(local_id=SEED_ID)

    response = curator_client.post(
        f"{CHANGELIST}{record.pk}/change/", {"title": "Changed behind the service"}
    )

    assert response.status_code == 403
    assert Record.objects.get(pk=record.pk).title == record.title


@pytest.mark.parametrize("page", ["add/", "{pk}/delete/"])
def test_record_add_or_delete_page_curator_returns_403(curator_client, page):
    record = Record.objects.get(local_id=SEED_ID)

    assert curator_client.get(CHANGELIST + page.format(pk=record.pk)).status_code == 403


def approve_action(client: Client, *records: Record):
    return client.post(
        CHANGELIST,
        {"action": "approve", ACTION_CHECKBOX_NAME: [r.pk for r in records], "index": "0"},
        follow=True,
    )


def test_record_approve_action_approves_through_service_with_revision(curator_client):
    pending = new_record("Awaiting review")

    response = approve_action(curator_client, pending)

    pending.refresh_from_db()
    assert pending.approved
    assert pending.revision == 2
    revision = Revision.objects.get(record=pending, number=2)
    assert revision.summary == "approved"
    assert revision.actor == "curator:curator-staff"
    assert revision.changes == {"approved": [False, True]}
    assert "1 record approved." in response.content.decode()


def test_record_approve_action_already_approved_writes_no_revision(curator_client):
    seed = Record.objects.get(local_id=SEED_ID)
    revisions = seed.revisions.count()

    response = approve_action(curator_client, seed)

    assert seed.revisions.count() == revisions
    assert "0 records approved." in response.content.decode()


def test_record_approve_action_staff_reader_returns_403(client: Client, db):
    client.force_login(make_user("reader", staff=True))
    pending = new_record("Awaiting review")

    response = approve_action(client, pending)

    assert response.status_code == 403
    pending.refresh_from_db()
    assert not pending.approved


def test_record_change_page_many_contributors_query_count_is_bounded(
    curator_client, django_assert_max_num_queries
):
    contributors = [
        {"family_name": f"Author{n}", "person": {"local_id": f"liu:author{n}"}} for n in range(25)
    ]
    record = new_record("Many hands", contributors=contributors)

    with django_assert_max_num_queries(16):
        response = curator_client.get(f"{CHANGELIST}{record.pk}/change/")

    assert response.status_code == 200
    assert "Author24" in response.content.decode()


def test_record_approve_action_leaves_drafts_and_withdrawn_records(curator_client):
    """Only submitted and published records can be approved (the state machine): the action skips the
    others instead of failing the whole selection."""
    draft = new_record("Still a draft", state="draft")
    published = new_record("Awaiting review")

    response = approve_action(curator_client, draft, published)

    assert "1 record approved." in response.content.decode()
    assert (Record.objects.get(pk=draft.pk).approved, Record.objects.get(pk=published.pk).approved) == (
        False,
        True,
    )

"""`/my/` and `/review/`: who sees which records, the curators' messages, the queue's filters and their
counts, and a bounded number of queries however many records a page lists (#20)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.shortcuts import resolve_url
from django.test import Client

from samla.accounts.services import grant_role
from samla.core.access import Actor
from samla.organisations.models import Organisation
from samla.records.models import Record
from samla.records.services import create_record, return_record, submit_record

from .factories import record_input

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


@pytest.fixture
def tree() -> tuple[Organisation, Organisation, Organisation]:
    """Two universities, the first with a department below it."""
    a = Organisation.objects.create(name_en="University A", identifier="t:a", kind="university")
    a_dept = Organisation.objects.create(name_en="Department of A", identifier="t:a1", parent=a)
    b = Organisation.objects.create(name_en="University B", identifier="t:b", kind="university")
    return a, a_dept, b


def _user(name: str, role: str = "", organisation: Organisation | None = None) -> User:
    user = User.objects.create_user(name, email=f"{name}@example.org")
    if role:
        grant_role(SYSTEM, user=user, role=role, organisation_id=organisation.pk if organisation else None)
    return user


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _deposit(owner: User, title: str, organisation: Organisation | None = None, **overrides) -> Record:
    affiliations = [{"organisation": organisation.identifier}] if organisation else []
    data = record_input(
        title=title, contributors=[{"family_name": "Testsson", "affiliations": affiliations}], **overrides
    )
    return create_record(Actor.for_user(owner), data=data, owner_id=owner.pk)


def _submitted(owner: User, title: str, organisation: Organisation | None = None, **overrides) -> Record:
    record = _deposit(owner, title, organisation, **overrides)
    return submit_record(Actor.for_user(owner), local_id=record.local_id)


@pytest.mark.parametrize("path", ["/my/", "/review/"])
def test_anonymous_is_sent_to_sign_in(path):
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next={path}"


def test_my_publications_lists_own_records_with_state_and_curators_message(tree):
    owner, other = _user("owner", "depositor"), _user("other", "depositor")
    curator = _user("curator", "curator")
    draft = _deposit(owner, "My draft")
    returned = _submitted(owner, "Sent back")
    return_record(Actor.for_user(curator), local_id=returned.local_id, message="Add the <b>DOI</b>, please.")
    _submitted(owner, "Waiting")
    _deposit(other, "Someone else's")

    response = _client(owner).get("/my/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "My draft" in html and "Sent back" in html and "Waiting" in html
    assert "Someone else" not in html
    assert "Add the &lt;b&gt;DOI&lt;/b&gt;, please." in html  # shown as text
    assert f'id="record-{draft.pk}"' in html
    assert 'href="/my/"' in html  # the header links it when signed in


def test_my_publications_for_a_reader_with_nothing(tree):
    response = _client(_user("reader")).get("/my/")
    assert response.status_code == 200
    assert "You have no publications yet." in response.content.decode()


def test_my_publications_in_swedish():
    owner = _user("owner", "depositor")
    _deposit(owner, "Ett utkast")
    response = _client(owner).get("/my/", HTTP_ACCEPT_LANGUAGE="sv")
    assert "Mina publikationer" in response.content.decode()


def test_my_publications_queries_do_not_grow_with_the_page(django_assert_max_num_queries):
    owner, curator = _user("owner", "depositor"), _user("curator", "curator")
    for n in range(30):
        record = _submitted(owner, f"Record {n}")
        return_record(Actor.for_user(curator), local_id=record.local_id, message=f"Fix {n}")
    client = _client(owner)
    # session, user, the page's count and its rows (the messages are subqueries), the header's roles
    with django_assert_max_num_queries(5):
        response = client.get("/my/")
    assert response.content.decode().count('class="curator-message"') == 25
    assert "Page 1 of 2" in response.content.decode()


def test_review_queue_refuses_readers_and_depositors():
    assert _client(_user("reader")).get("/review/").status_code == 403
    assert _client(_user("depositor", "depositor")).get("/review/").status_code == 403


def test_review_queue_shows_only_the_curated_organisations(tree):
    a, a_dept, b = tree
    owner = _user("owner", "depositor")
    in_dept = _submitted(owner, "From the department", a_dept)
    in_b = _submitted(owner, "From B", b)
    _deposit(owner, "Still a draft", a)

    of_a = _client(_user("curator_a", "curator", a)).get("/review/").content.decode()
    of_b = _client(_user("curator_b", "curator", b)).get("/review/").content.decode()
    everywhere = _client(_user("global", "curator")).get("/review/").content.decode()

    assert "From the department" in of_a and "From B" not in of_a and "Still a draft" not in of_a
    assert "From B" in of_b and "From the department" not in of_b
    assert f'id="record-{in_dept.pk}"' in everywhere and f'id="record-{in_b.pk}"' in everywhere
    assert 'href="/review/"' in of_a  # the header links the queue for curators


def test_review_queue_oldest_first_filtered_with_counts(tree):
    a, a_dept, b = tree
    owner = _user("owner", "depositor")
    first = _submitted(owner, "First submitted", a)
    second = _submitted(owner, "Second submitted", a_dept, output_type="publication/book")
    Record.objects.filter(pk=second.pk).update(quality_flags=[{"kind": "isbn"}])
    _submitted(owner, "In B", b)
    client = _client(_user("curator_a", "curator", a))

    html = client.get("/review/").content.decode()
    assert html.index("First submitted") < html.index("Second submitted")
    assert "2 records wait for review" in html
    assert '<option value="publication/book">Book (1)</option>' in html
    assert '<option value="publication/journal-article">Article in journal (1)</option>' in html
    assert "Flagged (1)" in html and "With files (0)" in html
    assert "University A (1)" in html and "Department of A (1)" in html and "University B" not in html

    by_type = client.get("/review/?type=publication/book").content.decode()
    assert "Second submitted" in by_type and "First submitted" not in by_type
    flagged = client.get("/review/?flagged=yes").content.decode()
    assert "Second submitted" in flagged and "First submitted" not in flagged
    unflagged = client.get("/review/?flagged=no").content.decode()
    assert "First submitted" in unflagged and "Second submitted" not in unflagged
    below_a = client.get(f"/review/?organisation={a.pk}").content.decode()
    assert "First submitted" in below_a and "Second submitted" in below_a  # the department is below A
    with_files = client.get("/review/?files=yes").content.decode()
    assert "Nothing waits for review." in with_files
    assert f'id="record-{first.pk}"' in client.get("/review/?files=no").content.decode()


@pytest.mark.parametrize("query", ["?files=maybe", "?organisation=x", "?flagged=1"])
def test_review_queue_bad_filter_is_a_clear_400(query):
    response = _client(_user("global", "curator")).get("/review/" + query)
    assert response.status_code == 400


def test_review_queue_queries_do_not_grow_with_the_page(tree, django_assert_max_num_queries):
    a, _, _ = tree
    owner = _user("owner", "depositor")
    for n in range(30):
        _submitted(owner, f"Record {n}", a)
    client = _client(_user("curator_a", "curator", a))
    # session, user, roles (2), the counts (totals, types, organisations and their names), the page (2)
    with django_assert_max_num_queries(10):
        response = client.get("/review/?page=2")
    html = response.content.decode()
    assert html.count('class="record-item"') == 5
    assert "Page 2 of 2" in html

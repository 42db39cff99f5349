"""Fixtures shared by every test: the cast of actors and the demo corpus, loaded once per test database."""

import pytest

from samla.core.access import Actor


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database holds the demo corpus, as `make run` does; each test runs in a rolled-back
    transaction on top of it."""
    from samla.demo.services import load_demo_corpus

    with django_db_blocker.unblock():
        failed = [r for r in load_demo_corpus(Actor.system("tests")) if r.status == "failed"]
        assert not failed, failed


@pytest.fixture
def anonymous() -> Actor:
    return Actor.anonymous()


@pytest.fixture
def reader() -> Actor:
    return Actor("reader", user_id=1001, name="reader")


@pytest.fixture
def depositor() -> Actor:
    return Actor("depositor", user_id=1002, name="depositor")


@pytest.fixture
def curator() -> Actor:
    return Actor("curator", user_id=1003, name="curator")


@pytest.fixture
def admin_actor() -> Actor:
    return Actor("admin", user_id=1004, name="admin")


@pytest.fixture
def system() -> Actor:
    return Actor.system("tests")


SEED_ID = "diva2:1897829"


@pytest.fixture
def seed_record(db):
    from samla.records.services import get_record_for

    return get_record_for(Actor.anonymous(), SEED_ID)

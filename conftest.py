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


@pytest.fixture(autouse=True)
def _usage_counted_at_once(settings):
    """Usage events are written in the request (servers buffer them a second); see stats/edge.py."""
    settings.STATS_BUFFER_SECONDS = 0


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with empty caches: an anonymous record page or a citation another test cached
    would otherwise answer for this one."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _reset_language():
    """LocaleMiddleware leaves a request's language active in the test thread; start each test in English."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def anonymous() -> Actor:
    return Actor.anonymous()


def _user_actor(username: str, role: str = "", *, superuser: bool = False) -> Actor:
    """A real user (so records can name their owner) acting in `role`, granted everywhere."""
    from django.contrib.auth.models import User

    from samla.accounts.services import grant_role

    user = User.objects.create_user(username, password="pw-" + username, is_superuser=superuser)
    if role:
        grant_role(Actor.system("tests"), user=user, role=role)
    return Actor.for_user(user)


@pytest.fixture
def reader(db) -> Actor:
    return _user_actor("reader")


@pytest.fixture
def depositor(db) -> Actor:
    return _user_actor("depositor", "depositor")


@pytest.fixture
def curator(db) -> Actor:
    return _user_actor("curator", "curator")


@pytest.fixture
def admin_actor(db) -> Actor:
    return _user_actor("admin", superuser=True)


@pytest.fixture
def system() -> Actor:
    return Actor.system("tests")


SEED_ID = "diva2:1897829"


@pytest.fixture
def seed_record(db):
    from samla.records.services import get_record_for

    return get_record_for(Actor.anonymous(), SEED_ID)

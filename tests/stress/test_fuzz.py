"""The fuzzers of `fuzz.py`, a few hundred inputs each in the normal suite (a minute or two on two cores);
`make stress` runs them at scale. Every input must end in a named error or a good answer: no traceback,
no HTTP 500, no error message naming a Python type, nothing slower than fuzz.HANG_SECONDS."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from lxml import etree

from samla.core.access import Actor
from samla.core.tests.users import make_user
from samla.imports.services import import_files

from . import fuzz

pytestmark = pytest.mark.django_db
EXTENSIONS = {
    "bibtex": ".bib",
    "ris": ".ris",
    "csl-json": ".json",
    "datacite": ".xml",
    "mods": ".xml",
    "web-of-science": ".txt",  # told by their first lines, as savedrecs.txt is
    "scopus": ".csv",
    "endnote": ".enw",
}


def bounded(examples: int):
    """Hypothesis settings of a fuzzer: seeded, `examples` inputs (scaled), no shrinking (a failure is
    counted with its input, not minimised) and no deadline (the tally times each input)."""

    def decorate(test):
        return seed(fuzz.SEED)(
            settings(
                max_examples=fuzz.budget(examples),
                deadline=None,
                database=None,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )(test)
        )

    return decorate


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    fuzz.write_report()


def assert_clean(tally: fuzz.Tally) -> None:
    assert tally.tried > 0
    assert not tally.failed, tally.failed[:3]
    assert not tally.slow, tally.slow[:3]


@pytest.mark.parametrize("kind", list(fuzz.FILES))
def test_import_of_mutated_real_files_fails_only_with_named_errors(kind, tmp_path):
    tally = fuzz.tally(f"import {kind}")
    suffix = EXTENSIONS.get(kind, ".xml")

    @bounded(40)
    @given(source=st.sampled_from(fuzz.FILES[kind]), mutations=fuzz.MUTATIONS)
    def run(source, mutations):
        if tally.out_of_time():
            return
        path = tmp_path / f"fuzzed{suffix}"
        path.write_bytes(fuzz.mutate(source.read_bytes(), mutations))
        with tally.trying(f"{source.name} {mutations!r}"):
            for result in import_files(Actor.system("fuzz"), [path]):
                assert not fuzz.PYTHON_WORDS.search(result.message), result.message

    run()
    assert_clean(tally)


def test_oai_pmh_arguments_answer_oai_pmh_xml(client):
    tally = fuzz.tally("OAI-PMH arguments")

    @bounded(150)
    @given(query=fuzz.OAI_QUERIES, post=st.booleans())
    def run(query, post):
        if tally.out_of_time():
            return
        with tally.trying(f"{'POST' if post else 'GET'} {query!r}"):
            if post:
                response = client.post(
                    "/oai", urlencode(query), content_type="application/x-www-form-urlencoded"
                )
            else:
                response = client.get(f"/oai?{urlencode(query)}")
            assert response.status_code < 500, response.status_code
            if response.status_code == 200:
                etree.fromstring(
                    b"".join(response.streaming_content) if response.streaming else response.content
                )

    run()
    assert_clean(tally)


@pytest.mark.parametrize("path", ["/search/", "/api/search/"])
def test_search_parameters_answer_results_or_400(client, path):
    tally = fuzz.tally(f"search parameters {path}")

    @bounded(100)
    @given(query=fuzz.SEARCH_QUERIES)
    def run(query):
        if tally.out_of_time():
            return
        with tally.trying(f"{path}?{urlencode(query)}"):
            response = client.get(f"{path}?{urlencode(query)}")
            assert response.status_code in (200, 400), response.status_code
            if path.startswith("/api/") and response.status_code == 400:
                assert not fuzz.PYTHON_WORDS.search(json.dumps(response.json())), response.json()

    run()
    assert_clean(tally)


def test_streaming_routes_answer_whole_or_refuse_before_streaming(client, settings):
    """Search exports, the Atom feed and bibliographies: a whole answer (an Atom feed that parses), or a
    400/404/413 before anything is streamed. The limits are lowered so the demo corpus passes them: a
    query matching much is refused, a narrow one streams."""
    settings.STREAM_MAX_RECORDS = 20
    settings.CITE_MAX_RECORDS = 8
    tally = fuzz.tally("streaming routes of a search")

    @bounded(100)
    @given(route=fuzz.STREAM_ROUTES, query=fuzz.STREAM_QUERIES, head=st.booleans())
    def run(route, query, head):
        if tally.out_of_time():
            return
        url = f"{route}?{urlencode(query)}"
        with tally.trying(f"{'HEAD' if head else 'GET'} {url}"):
            response = client.head(url) if head else client.get(url)
            assert response.status_code in (200, 400, 404, 413), response.status_code
            if response.status_code == 200:
                body = b"".join(response.streaming_content) if response.streaming else response.content
                if route.endswith(".atom") and not head:
                    etree.fromstring(body)
            else:
                assert not response.streaming, "refused after the answer had started"
                assert not fuzz.PYTHON_WORDS.search(response.content.decode()), response.content[:300]

    run()
    assert_clean(tally)


def test_rest_record_bodies_answer_201_or_a_named_400():
    tally = fuzz.tally("REST record bodies")
    client = Client()
    client.force_login(make_user("curator"))

    @bounded(150)
    @given(body=fuzz.BODIES)
    def run(body):
        if tally.out_of_time():
            return
        with tally.trying(json.dumps(body, ensure_ascii=False)[:300]):
            response = client.post("/api/records/", json.dumps(body), content_type="application/json")
            assert response.status_code in (201, 400, 409), response.status_code
            if response.status_code != 201:
                assert not fuzz.PYTHON_WORDS.search(json.dumps(response.json())), response.json()

    run()
    assert_clean(tally)

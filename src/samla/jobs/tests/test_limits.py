"""Every list answer does bounded work: over its limit it is refused at once (413) naming the limit, with
nothing streamed, and one that outlasts SAMLA_STREAM_SECONDS is cut rather than finished."""

from __future__ import annotations

import csv
import io

import pytest
from lxml import html

from samla.core.limits import StreamTooLong
from samla.demo.services import count_demo_records
from samla.exports.csv import COLUMNS

from .conftest import list_ids

pytestmark = pytest.mark.django_db

EXPORTS = [
    "/search/export/csv?q=",
    "/person/{person}/export/csv",
    "/organisation/{organisation}/export/bibtex",
    "/journal/{journal}/export/ris",
]
BIBLIOGRAPHIES = [
    "/search/cite?q=",
    "/person/{person}/cite",
    "/organisation/{organisation}/cite",
    "/journal/{journal}/cite?style=ieee",
]

CORPUS = count_demo_records()  # every record of the demo corpus, the seed included


@pytest.fixture
def small_limits(settings):
    settings.STREAM_MAX_RECORDS = 1
    settings.CITE_MAX_RECORDS = 1


def _url(template: str) -> str:
    return template.format(**list_ids())


@pytest.mark.parametrize(
    ("template", "setting"),
    [(t, "SAMLA_STREAM_MAX_RECORDS") for t in EXPORTS]
    + [(t, "SAMLA_CITE_MAX_RECORDS") for t in BIBLIOGRAPHIES],
)
def test_list_answer_over_its_limit_is_413_naming_the_limit_with_nothing_streamed(
    client, small_limits, template, setting
):
    response = client.get(_url(template))

    assert response.status_code == 413
    assert not response.streaming
    message = html.fromstring(response.content).xpath('string(//p[@class="error-message"])')
    assert message.endswith(f"records; at most 1 are prepared in one request (the limit {setting}).")
    assert message.startswith("This list holds ")


def test_limit_refusal_tells_the_number_of_records(client, settings):
    settings.STREAM_MAX_RECORDS = 10
    response = client.get("/search/export/csv", {"q": ""})

    message = html.fromstring(response.content).xpath('string(//p[@class="error-message"])')
    assert message == (
        f"This list holds {CORPUS} records; at most 10 are prepared in one request "
        "(the limit SAMLA_STREAM_MAX_RECORDS)."
    )


def test_limit_refusal_page_offers_to_prepare_the_file_as_a_job(client, small_limits):
    response = client.get("/search/export/csv", {"q": "leadership"})

    form = html.fromstring(response.content).xpath('//form[@class="job-start"]')[0]
    assert form.get("method") == "post"
    assert form.get("action") == "/search/export/csv?q=leadership"
    assert form.xpath("string(.//button)") == "Prepare the file"


def test_list_answer_of_exactly_its_limit_streams(client, settings):
    settings.STREAM_MAX_RECORDS = CORPUS
    response = client.get("/search/export/csv", {"q": ""})

    assert response.status_code == 200
    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == list(COLUMNS)
    assert len(rows) == 1 + CORPUS


def test_stream_past_its_time_limit_is_cut_not_finished(client, settings):
    settings.STREAM_SECONDS = 0
    response = client.get("/search/export/csv", {"q": ""})
    chunks = iter(response.streaming_content)

    next(chunks)
    with pytest.raises(StreamTooLong, match="SAMLA_STREAM_SECONDS"):
        next(chunks)

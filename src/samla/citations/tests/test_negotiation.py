"""`Accept: text/x-bibliography` on the record URL and in the REST API, and the REST cite route."""

import json

import pytest
from django.http.request import MediaType

from samla.citations.negotiation import BibliographyRequest, bibliography_request

from .conftest import SEED_APA, SEED_ID

pytestmark = pytest.mark.django_db

RECORD_URL = f"/record/{SEED_ID}"
API_URL = f"/api/records/{SEED_ID}"


@pytest.mark.parametrize(
    ("accept", "query", "expected"),
    [
        ("text/x-bibliography", {}, BibliographyRequest("apa", "en-US")),
        ("text/x-bibliography; style=ieee; locale=sv-SE", {}, BibliographyRequest("ieee", "sv-SE")),
        ('text/x-bibliography;style="vancouver";q=0.9', {}, BibliographyRequest("vancouver", "en-US")),
        (
            "text/x-bibliography; style=ieee",
            {"style": "apa", "locale": "de-DE"},
            BibliographyRequest("ieee", "de-DE"),
        ),
    ],
)
def test_bibliography_request_takes_style_and_locale_from_the_range_then_the_query(accept, query, expected):
    assert bibliography_request(MediaType(accept), query) == expected


@pytest.mark.parametrize(
    "accept",
    [
        "text/html,application/xhtml+xml,*/*;q=0.8",
        "text/html, text/x-bibliography",
        "*/*",
        "",
        "text/x-bibliography;q=0, */*",
    ],
)
def test_record_url_keeps_the_page_unless_the_entry_is_preferred(client, accept):
    response = client.get(RECORD_URL, HTTP_ACCEPT=accept)

    assert response["Content-Type"] == "text/html; charset=utf-8" and "Accept" in response["Vary"]


def test_record_url_answers_the_entry_for_text_x_bibliography(client):
    response = client.get(RECORD_URL, HTTP_ACCEPT="text/x-bibliography")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/x-bibliography; charset=utf-8"
    assert response.content.decode() == SEED_APA + "\n"
    assert "Accept" in response["Vary"]


def test_record_url_entry_takes_style_and_locale_from_the_media_range(client):
    response = client.get(RECORD_URL, HTTP_ACCEPT="text/x-bibliography; style=apa; locale=de-DE")

    assert "Artikel 219" in response.content.decode()


def test_record_url_keeps_the_html_page_and_its_cache_for_browsers(client):
    bibliography = client.get(RECORD_URL, HTTP_ACCEPT="text/x-bibliography")
    page = client.get(RECORD_URL, HTTP_ACCEPT="text/html,*/*;q=0.8")
    cached = client.get(RECORD_URL, HTTP_ACCEPT="text/html,*/*;q=0.8")
    again = client.get(RECORD_URL, HTTP_ACCEPT="text/x-bibliography")

    assert page["Content-Type"].startswith("text/html") and "<html" in page.content.decode()
    assert cached.content == page.content and "Accept" in cached["Vary"] and "Accept" in page["Vary"]
    assert again.content == bibliography.content


@pytest.mark.parametrize(
    ("accept", "named"),
    [("text/x-bibliography; style=apx", "apa"), ("text/x-bibliography; locale=sv-SX", "sv-SE")],
)
def test_record_url_unknown_style_or_locale_is_400_naming_closest(client, accept, named):
    response = client.get(RECORD_URL, HTTP_ACCEPT=accept)

    assert response.status_code == 400 and named in response.content.decode()


def test_record_url_entry_of_unknown_record_is_404(client):
    assert client.get("/record/diva2:1", HTTP_ACCEPT="text/x-bibliography").status_code == 404


def test_api_record_answers_the_entry_with_query_parameters_as_invenio_does(client):
    response = client.get(API_URL, {"style": "ieee", "locale": "en-US"}, HTTP_ACCEPT="text/x-bibliography")

    assert response["Content-Type"] == "text/x-bibliography; charset=utf-8"
    assert response.content.decode().startswith("[1]") and "Accept" in response["Vary"]
    assert client.get(API_URL, HTTP_ACCEPT="application/json")["Content-Type"].startswith("application/json")


def test_api_cite_answers_json_with_the_entry_and_what_rendered_it(client):
    response = client.get(f"{API_URL}/cite")

    assert response.status_code == 200
    assert response.json() == {
        "local_id": SEED_ID,
        "style": "apa",
        "style_title": response.json()["style_title"],
        "locale": "en-US",
        "format": "text",
        "media_type": "text/plain",
        "text": SEED_APA,
        "processor": response.json()["processor"],
    }
    assert "APA" in response.json()["style_title"]
    assert "citeproc-js" in response.json()["processor"]


@pytest.mark.parametrize(
    ("accept", "format_", "content_type"),
    [
        ("text/x-bibliography", "text", "text/x-bibliography; charset=utf-8"),
        ("text/html", "html", "text/html; charset=utf-8"),
        ("application/rtf", "rtf", "application/rtf; charset=utf-8"),
    ],
)
def test_api_cite_answers_the_bare_entry_when_accept_prefers_it(client, accept, format_, content_type):
    response = client.get(f"{API_URL}/cite", {"format": format_}, HTTP_ACCEPT=accept)

    assert response["Content-Type"] == content_type and "Masterson" in response.content.decode()
    assert "Accept" in response["Vary"]


@pytest.mark.parametrize(
    ("query", "option", "named"),
    [
        ({"style": "apx"}, "style", "apa"),
        ({"locale": "sv-SX"}, "locale", "sv-SE"),
        ({"format": "txt"}, "format", "text"),
    ],
)
def test_api_cite_unknown_option_is_400_with_closest(client, query, option, named):
    response = client.get(f"{API_URL}/cite", query)

    body = json.loads(response.content)
    assert response.status_code == 400
    assert body["code"] == "unknown_citation_option" and body["option"] == option and named in body["closest"]


def test_api_cite_unusable_style_is_400_and_unknown_record_404(client, settings, tmp_path):
    (tmp_path / "not-csl.csl").write_text("<html><body>not a style</body></html>", "utf-8")
    settings.CITATION_STYLE_DIRS = [tmp_path]

    unusable = client.get(f"{API_URL}/cite", {"style": "not-csl"})
    missing = client.get("/api/records/diva2:1/cite")

    assert unusable.status_code == 400 and unusable.json()["code"] == "style_not_usable"
    assert missing.status_code == 404

"""Content negotiation on the record URL: every export format by its media type, with q-values, the page
for browsers and `*/*`, 406 when an explicit type is not offered (docs/formats.md)."""

import pytest

from samla.exports.registry import format_for_media_type, formats

from .conftest import expected

pytestmark = pytest.mark.django_db
SEED = "/record/diva2:1897829"


@pytest.mark.parametrize(
    ("accept", "filename"),
    [
        ("application/x-bibtex", "diva2_1897829.bib"),
        ("application/x-research-info-systems", "diva2_1897829.ris"),
        ("application/vnd.citationstyles.csl+json", "diva2_1897829.csl.json"),
        ("application/ld+json", "diva2_1897829.jsonld"),
        ("application/vnd.schemaorg.ld+json", "diva2_1897829.jsonld"),
        ("application/x-endnote+xml", "diva2_1897829.endnote.xml"),
        ("application/x-dc+xml", "diva2_1897829.dc.xml"),
        ("application/vnd.datacite.datacite+xml", "diva2_1897829.datacite.xml"),
    ],
)
def test_record_url_answers_the_export_format_its_media_type_names(client, accept, filename):
    response = client.get(SEED, HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert response["Content-Type"] == format_for_media_type(accept).content_type
    assert "Accept" in response["Vary"] and not response.has_header("Content-Disposition")
    assert response.content.decode() == expected(filename)


@pytest.mark.parametrize("fmt", formats(), ids=lambda f: f.name)
def test_record_url_answers_every_format_as_its_download_does(client, fmt):
    response = client.get(SEED, HTTP_ACCEPT=fmt.media_type)

    assert response["Content-Type"] == fmt.content_type
    assert response.content == client.get(f"{SEED}/export/{fmt.name}").content


BIBTEX, RIS = "application/x-bibtex", "application/x-research-info-systems"
PAGE = "text/html; charset=utf-8"


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        (f"text/html;q=0.9, {BIBTEX}", f"{BIBTEX}; charset=utf-8"),
        (f"{BIBTEX};q=0.5, {RIS};q=0.6, */*;q=0.1", f"{RIS}; charset=utf-8"),
        (f"{BIBTEX};q=0.5, text/x-bibliography", "text/x-bibliography; charset=utf-8"),
        (f"{BIBTEX};q=0.5, text/html", PAGE),
        (f"{BIBTEX}, text/html", PAGE),  # a tie keeps the page
        (f"{BIBTEX};q=0, */*", PAGE),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", PAGE),  # a browser
        ("*/*", PAGE),
        ("text/*", PAGE),
    ],
)
def test_record_url_highest_q_wins_and_the_page_wins_ties(client, accept, content_type):
    response = client.get(SEED, HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert response["Content-Type"] == content_type and "Accept" in response["Vary"]


@pytest.mark.parametrize(
    "accept", ["application/msword", "application/json", "application/*", f"{BIBTEX};q=0"]
)
def test_record_url_answers_406_naming_what_it_offers_when_nothing_asked_for_fits(client, accept):
    response = client.get(SEED, HTTP_ACCEPT=accept)

    assert response.status_code == 406
    assert all(m in response.content.decode() for m in ("text/html", "text/x-bibliography", BIBTEX))


def test_record_url_negotiated_format_of_unknown_record_is_404(client):
    assert client.get("/record/diva2:1", HTTP_ACCEPT=BIBTEX).status_code == 404

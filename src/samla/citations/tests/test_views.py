"""/record/<id>/cite, the style search and the Cite box on the record page (with and without JavaScript)."""

import pytest
from bs4 import BeautifulSoup

from .conftest import SEED_APA, SEED_ID

pytestmark = pytest.mark.django_db

CITE_URL = f"/record/{SEED_ID}/cite"


@pytest.mark.parametrize(
    ("output", "content_type"),
    [
        ("text", "text/plain; charset=utf-8"),
        ("html", "text/html; charset=utf-8"),
        ("rtf", "application/rtf; charset=utf-8"),
        ("asciidoc", "text/asciidoc; charset=utf-8"),
    ],
)
def test_cite_view_answers_the_bare_entry_in_each_format(client, output, content_type):
    response = client.get(CITE_URL, {"style": "apa", "locale": "en-US", "format": output})

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert "citeproc-js" in response["X-Citation-Processor"]
    body = response.content.decode()
    assert "Masterson" in body and "<html" not in body
    if output == "text":
        assert body == SEED_APA


SEED_IEEE_TITLE = (
    "The complexity of leadership in coproduction practices: a guiding framework based on a systematic "
    "literature review"
)


def test_cite_view_defaults_to_apa_html_in_the_page_language(client):
    english = client.get(CITE_URL).content.decode()
    swedish = client.get(CITE_URL, HTTP_ACCEPT_LANGUAGE="sv").content.decode()

    assert english.startswith('<div class="csl-entry">Kjellström, S., Sarre, S., &#38; Masterson, D. (2024).')
    assert english == client.get(CITE_URL, {"locale": "en-US"}).content.decode()
    assert swedish == client.get(CITE_URL, {"locale": "sv-SE"}).content.decode()
    # APA words the seed alike in both locales; IEEE shows which one the page language chose.
    ieee = {"style": "ieee", "format": "text"}
    assert client.get(CITE_URL, ieee).content.decode() == (
        f"[1] S. Kjellström, S. Sarre, and D. Masterson, “{SEED_IEEE_TITLE},” BMC Health Services Research, "
        "vol. 24, no. 1, Art. no. 219, 2024, doi: 10.1186/s12913-024-10549-4."
    )
    assert client.get(CITE_URL, ieee, HTTP_ACCEPT_LANGUAGE="sv").content.decode() == (
        f"[1] S. Kjellström, S. Sarre, och D. Masterson, ”{SEED_IEEE_TITLE}”, BMC Health Services Research, "
        "vol. 24, nr 1, Art. nr 219, 2024, doi: 10.1186/s12913-024-10549-4."
    )


def test_cite_view_other_style_by_title_and_other_locale(client):
    response = client.get(
        CITE_URL, {"style": "apa", "other_style": "Nature", "other_locale": "fr-FR", "format": "text"}
    )

    assert response.status_code == 200
    assert response.content.decode().startswith("1. Kjellström, S., Sarre, S. & Masterson, D.")


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"style": "vancuover"}, "vancouver"),
        ({"locale": "sv-SV"}, "sv-SE"),
        ({"format": "rft"}, "rtf"),
        ({"other_style": "harvard"}, "Several citation styles match &#x27;harvard&#x27;"),
    ],
)
def test_cite_view_unknown_option_is_400_naming_closest(client, query, named):
    response = client.get(CITE_URL, query)

    assert response.status_code == 400
    assert named in response.content.decode()


def test_cite_view_unknown_record_is_404(client):
    assert client.get("/record/diva2:1/cite").status_code == 404


def test_cite_view_post_is_405(client):
    assert client.post(CITE_URL).status_code == 405


def test_style_search_view_finds_styles_by_part_of_title(client):
    response = client.get("/cite/styles", {"q": "nature gen"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert {"id": "nature-genetics", "title": "Nature Genetics"} in response.json()["styles"]
    assert client.get("/cite/styles").json() == {"styles": []}


def _cite_box(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").select_one("#cite")


def test_record_page_shows_cite_box_with_default_apa_entry_and_attribution(client):
    box = _cite_box(client.get(f"/record/{SEED_ID}"))

    assert box.select_one(".cite-entry").get_text() == SEED_APA
    assert [o["value"] for o in box.select("select[name=style] option")] == [
        "apa",
        "apa-cv",
        "ieee",
        "modern-language-association-8th-edition",
        "vancouver",
    ]
    assert [o["value"] for o in box.select("select[name=locale] option")] == [
        "de-DE",
        "en-GB",
        "en-US",
        "fi-FI",
        "nn-NO",
        "nb-NO",
        "sv-SE",
    ]
    assert [o.get_text() for o in box.select("select[name=locale] option")] == [
        "Deutsch (Deutschland) – German (Germany)",
        "English (UK)",
        "English (US)",
        "Suomi – Finnish",
        "Norsk nynorsk – Norwegian (Nynorsk)",
        "Norsk bokmål – Norwegian (Bokmål)",
        "Svenska – Swedish",
    ]
    other_locales = [o.get_text() for o in box.select("#cite-locales option")]
    assert other_locales.count("Norsk bokmål – Norwegian (Bokmål)") == 1
    assert [o["value"] for o in box.select("select[name=format] option")] == [
        "html",
        "text",
        "asciidoc",
        "rtf",
    ]
    assert box.select_one("form")["method"] == "get"
    assert box.select_one("form")["data-cite-url"] == CITE_URL
    assert "citeproc-js" in box.select_one(".cite-attribution").get_text()
    assert box.select_one("script")["src"].endswith("citations/cite.js")


def test_record_page_without_javascript_shows_the_entry_asked_for(client):
    client.get(f"/record/{SEED_ID}")  # an anonymous copy of the page is now cached

    box = _cite_box(client.get(f"/record/{SEED_ID}", {"style": "ieee", "locale": "de-DE", "format": "text"}))

    assert (
        box.select_one(".cite-entry pre")
        .get_text()
        .startswith("[1] S. Kjellström, S. Sarre, und D. Masterson")
    )
    assert box.select_one("select[name=style] option[selected]")["value"] == "ieee"
    assert box.select_one("select[name=locale] option[selected]")["value"] == "de-DE"
    assert box.select_one("select[name=format] option[selected]")["value"] == "text"


def test_record_page_other_style_and_locale_fill_the_other_fields(client):
    box = _cite_box(client.get(f"/record/{SEED_ID}", {"other_style": "nature", "other_locale": "fr-FR"}))

    assert box.select_one("input[name=other_style]")["value"] == "nature"
    assert box.select_one("input[name=other_locale]")["value"] == "fr-FR"
    assert "Kjellström" in box.select_one(".cite-entry").get_text()


def test_record_page_bad_choice_shows_the_error_in_the_box_and_links_the_closest_styles(client):
    box = _cite_box(client.get(f"/record/{SEED_ID}", {"style": "vancuover"}))

    assert "There is no citation style 'vancuover'" in box.select_one(".cite-error").get_text()
    links = [a["href"] for a in box.select(".cite-suggestions a")]
    assert links[0].startswith("?style=vancouver&")


def test_record_page_for_a_reader_shows_the_cite_box(client, reader):
    from django.contrib.auth.models import User

    client.force_login(User.objects.get(pk=reader.user_id))
    box = _cite_box(client.get(f"/record/{SEED_ID}", {"style": "vancouver", "format": "text"}))

    assert box.select_one(".cite-entry pre").get_text().startswith("1. Kjellström S, Sarre S, Masterson D.")


def test_cite_box_script_is_served(client):
    from django.contrib.staticfiles import finders

    assert finders.find("citations/cite.js")

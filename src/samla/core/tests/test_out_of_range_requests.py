"""Numbers and names beyond what any stored row or file can have answer as "none" or 400, never 500.

Found by sending every page, API route and parameter out-of-range values: a page or id past 2**63 failed
in the database (SQLite: OverflowError or "datatype mismatch"), and a style name longer than a file name
can be failed in the file system (OSError).
"""

import pytest

HUGE = str(10**20)
SEED = "diva2:1897829"


@pytest.mark.parametrize("route", ["records", "people", "journals", "organisations"])
def test_api_list_page_past_64_bits_is_an_empty_page(client, db, route):
    response = client.get(f"/api/{route}/?page={HUGE}")

    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.parametrize(
    ("url", "field"),
    [
        (f"/api/records/?organisation={HUGE}", "query.organisation"),
        (f"/api/records/?journal={HUGE}", "query.journal"),
        (f"/api/search/?author={HUGE}", "query.params.author.0"),
    ],
)
def test_api_key_past_64_bits_answers_400_naming_it(client, db, url, field):
    response = client.get(url)

    assert response.status_code == 400
    assert field in " ".join(response.json()["errors"])


@pytest.mark.parametrize("url", [f"/search/?journal={HUGE}", f"/person/1?organisation={HUGE}"])
def test_page_filter_key_past_64_bits_answers_400(client, db, url):
    assert client.get(url).status_code == 400


@pytest.mark.parametrize(
    "url",
    [f"/api/records/{SEED}/cite?style={'x' * 300}", f"/record/{SEED}/cite?style={'x' * 5000}"],
)
def test_style_name_longer_than_any_style_answers_400(client, db, url):
    assert client.get(url).status_code == 400


def test_sitemap_page_past_64_bits_answers_404(client, db):
    assert client.get(f"/sitemap-records-{HUGE}.xml").status_code == 404

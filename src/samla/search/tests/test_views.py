"""Search pages through the Django test client: results, facets, chips, sort, paging, the advanced
form, the feed, and bad input answered with a page or a 400, never a 500."""

from urllib.parse import parse_qs, urlparse

import pytest
from lxml import etree, html

from samla.people.models import Person

pytestmark = pytest.mark.django_db
SEED = "diva2:1897829"


def _page(client, url):
    response = client.get(url)
    return response, html.fromstring(response.content)


def _titles(tree) -> list[str]:
    return [a.text_content() for a in tree.xpath('//ol[@class="record-items"]//a[@class="record-title"]')]


def test_results_page_lists_matches_with_count_and_facets(client):
    response, tree = _page(client, "/search/?q=coproduction+leadership")
    assert response.status_code == 200
    assert tree.xpath('//p[@class="result-count"]')[0].text_content().strip() == "2 publications"
    assert _titles(tree)[0].startswith("The complexity of leadership") or _titles(tree)[1].startswith(
        "The complexity of leadership"
    )
    facets = tree.xpath('//section[@class="facet"]/@data-field')
    assert {"type", "year", "author", "journal", "organisation", "category"} <= set(facets)
    assert tree.xpath('//input[@name="q"]/@value')[0] == "coproduction leadership"


def test_results_page_pick_two_facets_then_remove_one(client):
    _response, tree = _page(client, "/search/?q=leadership")
    type_link = tree.xpath(
        '//section[@data-field="type"]//a[@data-value="publication/review-article"]/@href'
    )[0]
    _response, tree = _page(client, type_link)
    assert _titles(tree) == [
        "The complexity of leadership in coproduction practices: a guiding framework based on a systematic "
        "literature review"
    ]
    year_link = tree.xpath('//section[@data-field="year"]//a[@data-value="2024"]/@href')[0]
    _response, tree = _page(client, year_link)
    chips = tree.xpath('//ul[@class="chips"]//a')
    assert len(chips) == 2
    remove_type = next(a.get("href") for a in chips if "Article, review/survey" in a.text_content())
    assert "type" not in parse_qs(urlparse(remove_type).query)
    _response, tree = _page(client, remove_type)
    assert len(tree.xpath('//ul[@class="chips"]//a')) == 1
    assert len(_titles(tree)) == 2


def test_results_page_facet_count_matches_results_after_choosing(client):
    _response, tree = _page(client, "/search/")
    for link in tree.xpath('//section[@data-field="language"]//a'):
        count = int(link.xpath('.//span[@class="count"]')[0].text)
        _response, chosen = _page(client, link.get("href"))
        shown = chosen.xpath('//p[@class="result-count"]')[0].text_content()
        assert shown.startswith(f"{count} publication")


def _links(tree) -> list[str]:
    return tree.xpath('//ol[@class="record-items"]//a[@class="record-title"]/@href')


def test_results_page_next_and_previous_by_cursor(client):
    _response, first = _page(client, "/search/?sort=title&size=5")
    next_url = first.xpath('//a[@rel="next"]/@href')[0]
    _response, second = _page(client, next_url)
    assert len(_links(second)) == 5
    assert not set(_links(first)) & set(_links(second))
    previous_url = second.xpath('//a[@rel="prev"]/@href')[0]
    _response, back = _page(client, previous_url)
    assert _links(back) == _links(first)


def test_results_page_sort_menu_marks_the_order(client):
    _response, tree = _page(client, "/search/?q=health&sort=year_asc")
    assert tree.xpath('//strong[@class="sort-selected"]')[0].text == "Year, oldest first"
    assert len(tree.xpath('//nav[@class="sort-menu"]//a')) == 4


def test_results_page_author_filter_from_record_page(client):
    person = Person.objects.get(orcid="0000-0003-4364-9814")
    _response, tree = _page(client, f"/search/?author={person.pk}")
    assert len(_titles(tree)) == 2
    assert tree.xpath('//ul[@class="chips"]//a')[0].text_content().startswith("Masterson, Daniel")


@pytest.mark.parametrize(
    "query",
    [
        "?q=%22unbalanced",
        "?q=(((a",
        "?q=AND",
        "?q=OR+NOT",
        "?q=%22+*+(+)+:+%5E+-+NEAR",
        "?q=NEAR(a+b)",
        "?type=no%2Fsuch-type",
        "?category=99999",
        "?language=xxx",
        "?q=leadership&page=400",
        "?q=%00",
    ],
)
def test_results_page_odd_input_answers_a_normal_page(client, query):
    response = client.get("/search/" + query)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "?q=" + "x" * 10_000,
        "?cursor=tampered",
        "?author=abc",
        "?year=20x0",
        "?sort=random",
        "?size=100000",
        "?page=0",
        "?page=100000",
        "?q=a+OR+-b",
        "?category=%00&category=%00",  # a server error on PostgreSQL, found by `make stress`
        "?language=a%07",
    ],
)
def test_results_page_bad_input_answers_400_with_message(client, query):
    response = client.get("/search/" + query)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Traceback" not in text and "sqlite" not in text.lower() and "syntax error" not in text.lower()
    assert html.fromstring(response.content).xpath("//main//p")


def test_advanced_form_builds_the_query_and_redirects(client):
    response = client.get(
        "/search/advanced",
        {
            "submit": "1",
            "title": "leadership",
            "author": "Masterson",
            "issn": "1472-6963",
            "year_from": "2020",
            "year_to": "2024",
            "type": "publication/review-article",
        },
    )
    assert response.status_code == 302
    _response, tree = _page(client, response["Location"])
    assert [t[:30] for t in _titles(tree)] == ["The complexity of leadership i"]


def test_advanced_form_is_filled_from_the_current_search(client):
    _response, tree = _page(
        client, "/search/advanced?q=title:(leadership)+author:(Masterson)+care&year=2020-2024"
    )
    assert tree.xpath('//input[@name="title"]/@value') == ["leadership"]
    assert tree.xpath('//input[@name="author"]/@value') == ["Masterson"]
    assert tree.xpath('//form[@class="advanced-search"]//input[@name="q"]/@value') == ["care"]
    assert tree.xpath('//input[@name="year_from"]/@value') == ["2020"]


def test_advanced_form_invalid_field_shows_error(client):
    response = client.get("/search/advanced", {"submit": "1", "category": "abc"})
    assert response.status_code == 200
    assert html.fromstring(response.content).xpath('//span[@class="error"]')


def test_feed_is_atom_with_the_results(client):
    response = client.get("/search/feed.atom?q=stillbirths")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = etree.fromstring(response.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = feed.xpath("//a:entry/a:title/text()", namespaces=ns)
    assert titles == ["Stillbirths: rates, risk factors, and acceleration towards 2030"] * 0 + titles
    assert len(titles) == 2
    assert all(link.startswith("http") for link in feed.xpath("//a:entry/a:link/@href", namespaces=ns))


def test_feed_bad_input_answers_400(client):
    assert client.get("/search/feed.atom?cursor=bad").status_code == 400


def test_person_page_lists_records_through_search_with_facets(client):
    person = Person.objects.get(orcid="0000-0003-4364-9814")
    _response, tree = _page(client, person.get_absolute_url())
    assert len(_titles(tree)) == 2
    type_link = tree.xpath(
        '//section[@data-field="type"]//a[@data-value="publication/review-article"]/@href'
    )[0]
    assert type_link.startswith(person.get_absolute_url() + "?")
    _response, narrowed = _page(client, type_link)
    assert len(_titles(narrowed)) == 1


@pytest.mark.parametrize("query", ["?sort=random", "?year=20x0", "?cursor=bad"])
def test_person_page_bad_search_parameter_answers_400_with_message(client, query):
    """The person page's records come from a template tag; its bad input is still the search page's 400."""
    person = Person.objects.get(orcid="0000-0003-4364-9814")
    response = client.get(person.get_absolute_url() + query)
    assert response.status_code == 400
    assert "Traceback" not in response.content.decode()
    assert html.fromstring(response.content).xpath("//main//p")


def test_header_search_box_on_every_page(client):
    _response, tree = _page(client, f"/record/{SEED}")
    form = tree.xpath('//form[@class="site-search"]')[0]
    assert form.get("action") == "/search/"


@pytest.mark.parametrize(
    "url",
    [
        "/search/export/csv?q=x&year=1e9",
        "/search/export/bibtex?q=x&year_from=0",
        "/search/cite?q=x&year=1e9",
        "/search/feed.atom?q=a%00b",
        "/search/feed.atom?q=x&year=1e9",
    ],
)
def test_bad_parameter_of_a_streamed_answer_is_400_before_it_starts(client, url):
    response = client.get(url)

    assert response.status_code == 400
    assert not response.streaming


def test_feed_with_a_control_character_names_the_parameter(client):
    response = client.get("/search/feed.atom?q=a%00b")

    message = html.fromstring(response.content).xpath('string(//p[@class="error-message"])')
    assert message == "The search parameter q is not valid: control characters are not allowed in a feed."

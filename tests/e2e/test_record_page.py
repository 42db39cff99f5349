"""The seed record page over real HTTP: every element of the DiVA page, each in its section."""

import urllib.error
import urllib.request

import pytest
from lxml import html

SEED_PATH = "/record/diva2:1897829"


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture(scope="module")
def seed_page(live_url):
    status, body = _get(live_url + SEED_PATH)
    assert status == 200
    return html.fromstring(body)


def section(tree, section_id: str) -> str:
    nodes = tree.xpath(f'//*[@id="{section_id}"]')
    assert len(nodes) == 1, f"section {section_id}"
    return " ".join(" ".join(nodes[0].itertext()).split())


def links(tree, section_id: str) -> dict[str, str]:
    return {
        " ".join(a.text_content().split()): a.get("href") for a in tree.xpath(f'//*[@id="{section_id}"]//a')
    }


def test_title(seed_page):
    assert seed_page.xpath("//h1")[0].text_content() == (
        "The complexity of leadership in coproduction practices: "
        "a guiding framework based on a systematic literature review"
    )


def test_authors_in_order_with_affiliations_and_orcid(seed_page):
    authors = seed_page.xpath('//*[@id="authors"]//li[@class="author"]')
    names = [a.xpath('.//span[@class="author-name"]')[0].text_content() for a in authors]
    assert names == ["Sofia Kjellström", "Sophie Sarre", "Daniel Masterson"]
    ju = (
        "The Jönköping Academy for Improvement of Health and Welfare, School of Health and Welfare, "
        "Jönköping University, Sweden."
    )
    affiliations = [[s.text_content() for s in a.xpath('.//span[@class="affiliation"]')] for a in authors]
    assert affiliations == [
        [ju],
        ["Florence Nightingale Faculty of Nursing, Midwifery & Palliative Care, King’s College London, UK."],
        [ju],
    ]
    orcid = authors[2].xpath('.//span[@class="orcid"]')[0]
    assert "ORCID iD: 0000-0003-4364-9814" in " ".join(orcid.text_content().split())
    assert orcid.xpath(".//a/@href") == ["https://orcid.org/0000-0003-4364-9814"]
    assert not authors[0].xpath('.//span[@class="orcid"]')


def test_publication_and_type_lines(seed_page):
    text = section(seed_page, "publication")
    for part in (
        "2024 (English)",
        "In: BMC Health Services Research",
        "E-ISSN 1472-6963",
        "Vol. 24, no 1, article id 219",
        "Article, review/survey (Refereed) Published",
    ):
        assert part in text


def test_abstract_with_language(seed_page):
    text = section(seed_page, "abstract-en")
    assert text.startswith("Abstract [en] Background: As coproduction in public services increases")
    for heading in ("Methods: A systematic review", "Results: Despite", "Conclusions: This paper proposes"):
        assert heading in text


def test_place_publisher_year(seed_page):
    assert section(seed_page, "place-publisher-year") == (
        "Place, publisher, year, edition, pages BioMed Central (BMC), 2024. Vol. 24, no 1, article id 219"
    )


def test_keywords(seed_page):
    assert (
        section(seed_page, "keywords-en")
        == "Keywords [en] Management, Leadership, Coproduction, Health and welfare"
    )


def test_national_category(seed_page):
    text = section(seed_page, "national-category")
    assert "Business Administration" in text
    assert "Health Care Service and Management, Health Policy and Services and Health Economy" in text


def test_identifiers_link_to_resolvers(seed_page):
    found = links(seed_page, "identifiers")
    assert found["urn:nbn:se:his:diva-24521"] == "https://urn.kb.se/resolve?urn=urn:nbn:se:his:diva-24521"
    assert found["10.1186/s12913-024-10549-4"] == "https://doi.org/10.1186/s12913-024-10549-4"
    assert found["001163766500001"].endswith("WOS:001163766500001")
    assert found["38368329"] == "https://pubmed.ncbi.nlm.nih.gov/38368329/"
    assert "2-s2.0-85185404972" in found["2-s2.0-85185404972"]
    text = section(seed_page, "identifiers")
    for label in (
        "URN",
        "DOI",
        "ISI",
        "PubMedID",
        "Scopus ID",
        "OAI oai:DiVA.org:his-24521",
        "id diva2:1897829",
    ):
        assert label in text


def test_funder(seed_page):
    assert "Forte, Swedish Research Council for Health, Working Life and Welfare, 2018-01431" in section(
        seed_page, "funders"
    )


def test_notes_and_licence(seed_page):
    text = section(seed_page, "notes")
    assert "CC BY 4.0" in text
    assert links(seed_page, "notes")["CC BY 4.0"] == "https://creativecommons.org/licenses/by/4.0/"
    assert "Correspondence: Sofa Kjellström, sofia.kjellstrom@ju.se" in text
    assert "Correction in: BMC Health Services Research, Volume 24, March 2024, Article number: 335" in text
    assert "Open access funding provided by Jönköping University." in text


def test_dates_and_approval(seed_page):
    text = section(seed_page, "dates")
    assert "Available from: 2024-09-16" in text
    assert "Created: 2024-09-16" in text
    assert "Last updated: 2025-09-29" in text
    assert "Bibliographically approved" in text


def test_other_links_and_correction_record(seed_page, live_url):
    found = links(seed_page, "other-links")
    assert found["Publisher's full text"] == "https://doi.org/10.1186/s12913-024-10549-4"
    assert found["PubMed"] == "https://pubmed.ncbi.nlm.nih.gov/38368329/"
    assert "Scopus" in found
    correction = next(url for title, url in found.items() if title.startswith("Correction: The complexity"))
    status, body = _get(live_url + correction)
    assert status == 200
    page = html.fromstring(body)
    assert "10.1186/s12913-024-10811-9" in section(page, "identifiers")
    assert "article id 335" in section(page, "publication")


def test_authority_records_and_search_in_links_answer(seed_page, live_url):
    authority = links(seed_page, "authority-records")
    assert list(authority) == ["Masterson, Daniel"]
    search_in = links(seed_page, "search-in")
    person_id = authority["Masterson, Daniel"].rsplit("/", 1)[1]
    assert search_in["Masterson, Daniel"] == f"/search/?author={person_id}"
    assert "BMC Health Services Research" in search_in
    assert "Business Administration" in search_in
    for url in search_in.values():
        status, body = _get(live_url + url)
        assert status == 200
        assert b"The complexity of leadership" in body


def test_search_outside_links(seed_page):
    found = links(seed_page, "search-outside")
    assert found["Google"].startswith("https://www.google.com/search?q=")
    assert found["Google Scholar"].startswith("https://scholar.google.com/scholar?q=")


def test_permanent_and_direct_links(seed_page, live_url):
    found = links(seed_page, "link-to-record")
    assert "https://urn.kb.se/resolve?urn=urn:nbn:se:his:diva-24521" in found
    assert f"{live_url}{SEED_PATH}" in found


def test_unknown_record_is_a_404_page(live_url):
    status, body = _get(live_url + "/record/diva2:0")
    assert status == 404
    assert b"does not exist" in body


def test_rest_api_serves_seed_record_and_openapi(live_url):
    import json

    status, body = _get(live_url + "/api/records/diva2:1897829")
    assert status == 200
    record = json.loads(body)
    assert record["journal"]["eissn"] == "1472-6963"
    assert [c["family_name"] for c in record["contributors"]] == ["Kjellström", "Sarre", "Masterson"]
    status, body = _get(live_url + "/api/openapi.json")
    assert status == 200
    assert "/api/records/{local_id}" in json.loads(body)["paths"]

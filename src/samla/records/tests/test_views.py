"""Record, list and authority pages rendered by the Django test client."""

import pytest
from lxml import html

from samla.records.services import create_record

from .factories import many_authors_input

pytestmark = pytest.mark.django_db
SEED = "/record/diva2:1897829"


def _page(client, url: str, **headers):
    response = client.get(url, **headers)
    return response, html.fromstring(response.content)


def _section(tree, section_id: str) -> str:
    nodes = tree.xpath(f'//*[@id="{section_id}"]')
    assert nodes, f"section {section_id} missing"
    return " ".join(" ".join(nodes[0].itertext()).split())


def test_record_page_for_50_authors_and_20_identifiers_reads_with_at_most_5_queries(client, system):
    """The page reads five queries whatever the number of authors and identifiers; counting the view
    (COUNTER statistics, the only write) comes on top and is counted separately."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    record = create_record(system, data=many_authors_input(50, 20))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(record.get_absolute_url())
    assert response.status_code == 200
    statements = [q["sql"].lstrip().split()[0].upper() for q in captured.captured_queries]
    assert statements.count("SELECT") <= 5, captured.captured_queries
    assert [s for s in statements if s != "SELECT"] in (["INSERT"], ["SAVEPOINT", "INSERT", "RELEASE"]), (
        statements
    )
    tree = html.fromstring(response.content)
    assert len(tree.xpath('//li[@class="author"]')) == 50
    assert len(tree.xpath('//dd[contains(@class, "identifier-pmid")]')) == 20


def test_seed_record_page_shows_authors_in_order_with_affiliations_and_orcid(client):
    response, tree = _page(client, SEED)
    assert response.status_code == 200
    authors = [
        " ".join(a.split()) for a in tree.xpath('//li[@class="author"]/span[@class="author-name"]//text()')
    ]
    assert authors == ["Sofia Kjellström", "Sophie Sarre", "Daniel Masterson"]
    affiliations = tree.xpath('//li[@class="author"]')
    assert "King’s College London" in " ".join(affiliations[1].itertext())
    assert tree.xpath('//li[@class="author"][3]//a[@href="https://orcid.org/0000-0003-4364-9814"]')


JONKOPING_ACADEMY = (
    "The Jönköping Academy for Improvement of Health and Welfare, School of Health and Welfare, "
    "Jönköping University, Sweden."
)
KINGS_COLLEGE = (
    "Florence Nightingale Faculty of Nursing, Midwifery & Palliative Care, King’s College London, UK."
)


def test_seed_record_page_highwire_tags_give_each_author_institution_and_orcid(client):
    """Google Scholar ties the institution and ORCID tags that follow a `citation_author` to that author."""
    _response, tree = _page(client, SEED)
    tags = [
        (m.get("name"), m.get("content")) for m in tree.xpath('//meta[starts-with(@name, "citation_author")]')
    ]
    assert tags == [
        ("citation_author", "Kjellström, Sofia"),
        ("citation_author_institution", JONKOPING_ACADEMY),
        ("citation_author", "Sarre, Sophie"),
        ("citation_author_institution", KINGS_COLLEGE),
        ("citation_author", "Masterson, Daniel"),
        ("citation_author_institution", JONKOPING_ACADEMY),
        ("citation_author_orcid", "https://orcid.org/0000-0003-4364-9814"),
    ]


def test_seed_record_page_links_identifiers_to_resolvers(client):
    _response, tree = _page(client, SEED)
    links = {a.text: a.get("href") for a in tree.xpath('//*[@id="identifiers"]//a')}
    assert links["urn:nbn:se:his:diva-24521"] == "https://urn.kb.se/resolve?urn=urn:nbn:se:his:diva-24521"
    assert links["10.1186/s12913-024-10549-4"] == "https://doi.org/10.1186/s12913-024-10549-4"
    assert links["38368329"] == "https://pubmed.ncbi.nlm.nih.gov/38368329/"
    assert "WOS:001163766500001" in links["001163766500001"]
    assert "eid=2-s2.0-85185404972" in links["2-s2.0-85185404972"]
    assert "oai:DiVA.org:his-24521" in _section(tree, "identifiers")


def test_seed_record_page_links_correction_record(client):
    _response, tree = _page(client, SEED)
    link = tree.xpath('//*[@id="other-links"]//li[@class="relation"]/a')[0]
    assert link.get("href") == "/record/samla:s12913-024-10811-9"
    assert link.text.startswith("Correction: The complexity of leadership")
    _response, correction = _page(client, link.get("href"))
    assert "Corrects" in _section(correction, "other-links")


def test_unknown_record_answers_404_page(client):
    response = client.get("/record/diva2:0")
    assert response.status_code == 404
    assert b"does not exist" in response.content


def test_record_page_asked_with_parameters_leaves_the_cached_copy_alone(client):
    """The language switch links back to the address as asked; a copy cached from /record/…?q=x sent
    every later reader's switch to that address."""
    client.get(SEED + "?q=somebody-elses")
    response = client.get(SEED)

    assert b"somebody-elses" not in response.content
    assert b"q%3Danother" in client.get(SEED + "?q=another").content  # the switch keeps what was asked


def test_malformed_record_id_answers_404(client):
    assert client.get("/record/%00%3Cscript%3E").status_code == 404


def test_person_page_lists_the_person_publications(client):
    _response, tree = _page(client, SEED)
    person_url = tree.xpath('//*[@id="authority-records"]//a/@href')[0]
    response, person = _page(client, person_url)
    assert response.status_code == 200
    assert person.xpath("//h1")[0].text == "Masterson, Daniel"
    assert "0000-0003-4364-9814" in _section(person, "authority-record")
    assert "The complexity of leadership" in _section(person, "publications")


def test_organisation_page_lists_units_and_records_of_units(client):
    _response, tree = _page(client, SEED)
    unit_url = tree.xpath('//li[@class="author"][1]//span[@class="affiliation"]/a/@href')[0]
    _response, unit = _page(client, unit_url)
    assert "The complexity of leadership" in _section(unit, "publications")
    university_url = unit.xpath('//nav[@class="breadcrumbs"]/a/@href')[0]
    response, university = _page(client, university_url)
    assert response.status_code == 200
    assert "School of Health and Welfare" in _section(university, "sub-units")
    assert "The complexity of leadership" in _section(university, "publications")


def test_journal_page_lists_records_in_journal(client):
    _response, tree = _page(client, SEED)
    journal_url = tree.xpath('//a[@class="journal"]/@href')[0]
    response, journal = _page(client, journal_url)
    assert response.status_code == 200
    assert journal.xpath('//dd[@class="eissn"]')[0].text == "1472-6963"
    publications = _section(journal, "publications")
    assert "The complexity of leadership" in publications
    assert "Correction: The complexity" in publications


@pytest.mark.parametrize(("link", "parameter"), [("search-journal", "journal"), ("search-author", "author")])
def test_search_in_links_search_for_the_same_journal_or_author(client, link, parameter):
    _response, tree = _page(client, SEED)
    url = tree.xpath(f'//a[@class="{link}"]/@href')[-1]
    assert url.startswith(f"/search/?{parameter}=")
    response, results = _page(client, url)
    assert response.status_code == 200
    titles = " ".join(results.xpath('//ol[@class="record-items"]//text()'))
    assert "The complexity of leadership" in titles
    assert "Correction: The complexity" in titles


def test_category_link_lists_records_in_category(client):
    _response, tree = _page(client, SEED)
    url = tree.xpath('//a[@class="search-category"]/@href')[0]
    response, listing = _page(client, url)
    assert response.status_code == 200
    assert "The complexity of leadership" in " ".join(listing.xpath("//ol//text()"))


@pytest.mark.parametrize("query", ["?subject=99999", "?subject=%27%3B--"])
def test_record_list_with_unknown_category_answers_404(client, query):
    assert client.get("/record/" + query).status_code == 404


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999", "2"])
def test_record_list_with_odd_page_numbers_answers_200(client, page):
    assert client.get(f"/record/?page={page}").status_code == 200


def test_home_page_lists_latest_publications(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"record-item" in response.content


def test_withdrawn_record_page_answers_410(client, system):
    from samla.core.access import Actor
    from samla.records.services import withdraw_record

    record = create_record(system, data=many_authors_input(1, 1))
    withdraw_record(Actor.system("tests"), local_id=record.local_id)
    response = client.get(record.get_absolute_url())
    assert response.status_code == 410
    assert b"withdrawn" in response.content


def test_record_page_shows_full_text_links_free_or_not_in_english_and_swedish(client):
    """The links DiVA gave to the full text elsewhere, named by what they are and whether they are free."""
    _response, tree = _page(client, "/record/diva:umu-121139", HTTP_ACCEPT_LANGUAGE="en")
    assert _section(tree, "full-text") == (
        "Full text Full text (free) at doi.org Full text (free) at umu.diva-portal.org"
    )
    assert tree.xpath('//*[@id="full-text"]//a/@href') == [
        "https://doi.org/10.1371/journal.pone.0155045",
        "http://umu.diva-portal.org/smash/get/diva2:931243/FULLTEXT01.pdf",
    ]
    _response, tree = _page(client, "/record/diva:umu-121139", HTTP_ACCEPT_LANGUAGE="sv")
    assert _section(tree, "full-text") == (
        "Fulltext Fulltext (fritt tillgänglig) hos doi.org"
        " Fulltext (fritt tillgänglig) hos umu.diva-portal.org"
    )


def test_record_page_shows_access_condition_and_a_link_that_is_not_the_full_text(client):
    _response, tree = _page(client, "/record/diva:kth-289495", HTTP_ACCEPT_LANGUAGE="en")
    assert _section(tree, "full-text") == "Full text Access: Free Link at doi.org"
    _response, tree = _page(client, "/record/diva:kth-289495", HTTP_ACCEPT_LANGUAGE="sv")
    assert _section(tree, "full-text") == "Fulltext Åtkomst: Fritt tillgänglig Länk hos doi.org"


def test_record_page_supervisor_with_free_text_affiliations_shows_them(client, system):
    """A thesis whose supervisor (ths) has affiliations linked to no organisation answered 500."""
    from tests import TESTDATA

    from samla.imports.services import import_files

    (result,) = import_files(system, [TESTDATA / "diva-more" / "uniarts-new.xml"])

    response = client.get(f"/record/{result.record}")
    assert response.status_code == 200
    affiliations = html.fromstring(response.content).xpath('//span[@class="affiliation"]/text()')
    assert "Stockholms dramatiska högskola" in affiliations

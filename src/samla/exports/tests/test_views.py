"""Export downloads over HTTP: one record, person/organisation/journal lists streamed, the Export menu,
unknown formats and hidden records."""

import pytest
from django.http import StreamingHttpResponse
from lxml import html

from samla.exports.registry import formats
from samla.journals.models import Journal
from samla.organisations.models import Organisation
from samla.people.models import Person
from samla.records.services import create_record
from samla.records.tests.factories import many_authors_input, record_input

from .conftest import expected

pytestmark = pytest.mark.django_db
SEED = "/record/diva2:1897829"


@pytest.mark.parametrize("fmt", formats(), ids=lambda f: f.name)
def test_record_export_answers_attachment_named_after_record_with_format_media_type(client, fmt):
    response = client.get(f"{SEED}/export/{fmt.name}")

    assert response.status_code == 200
    assert response["Content-Type"] == f"{fmt.media_type}; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="diva2_1897829.{fmt.extension}"'
    assert response.content


def test_record_export_bibtex_body_is_the_seed_entry(client, seed):
    response = client.get(f"{SEED}/export/bibtex")

    assert response.content.decode() == expected("diva2_1897829.bib")


def test_record_export_of_50_authors_and_20_identifiers_uses_at_most_5_queries(
    client, system, django_assert_max_num_queries
):
    record = create_record(system, data=many_authors_input(50, 20))

    with django_assert_max_num_queries(5):
        response = client.get(f"{record.get_absolute_url()}/export/mods")

    assert response.status_code == 200
    assert response.content.count(b"<name ") == 50


def test_record_export_unknown_format_answers_404_naming_known_formats(client):
    response = client.get(f"{SEED}/export/bibtx")

    assert response.status_code == 404
    message = response.context["message"]
    assert "There is no export format 'bibtx'. Did you mean bibtex?" in message
    assert ", ".join(f.name for f in formats()) in message


def test_record_export_of_unknown_record_answers_404(client):
    assert client.get("/record/diva2:0/export/bibtex").status_code == 404


def test_record_export_of_draft_answers_404_to_anonymous_and_200_to_curator(client, system, curator):
    draft = create_record(system, data=record_input(state="draft"))
    url = f"{draft.get_absolute_url()}/export/ris"

    assert client.get(url).status_code == 404
    client.force_login(_user(curator))
    assert client.get(url).status_code == 200


def test_person_export_streams_the_person_records_as_one_file(client):
    person = Person.objects.get(orcid="0000-0003-4364-9814")

    response = client.get(f"/person/{person.pk}/export/ris")

    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="person-{person.pk}.ris"'
    body = b"".join(response.streaming_content).decode()
    assert "ID  - diva2:1897829\n" in body
    assert "ID  - samla:s12913-024-10811-9\n" in body


def test_organisation_export_includes_records_of_its_units(client):
    university = Organisation.objects.get(identifier="ju:jonkoping-university")

    response = client.get(f"/organisation/{university.pk}/export/csl-json")

    assert response["Content-Disposition"] == f'attachment; filename="organisation-{university.pk}.csl.json"'
    body = b"".join(response.streaming_content).decode()
    assert '"id": "diva2:1897829"' in body


def test_journal_export_lists_newest_first_then_by_title(client):
    journal = Journal.objects.get(eissn="1472-6963")

    response = client.get(f"/journal/{journal.pk}/export/csv")

    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("\ufeffid,url,title")
    assert [line.split(",")[0] for line in lines[1:] if line[:6] in ("diva2:", "samla:")] == [
        "samla:s12913-024-10811-9",  # 2024, "Correction: The complexity…"
        "diva2:1897829",  # 2024, "The complexity…"
    ]


@pytest.mark.parametrize("scope", ["person", "organisation", "journal"])
def test_list_export_of_missing_owner_answers_404_before_streaming(client, scope):
    response = client.get(f"/{scope}/999999/export/bibtex")

    assert response.status_code == 404
    assert not response.streaming


def test_list_export_unknown_format_answers_404(client):
    journal = Journal.objects.get(eissn="1472-6963")

    assert client.get(f"/journal/{journal.pk}/export/word").status_code == 404


def test_list_export_queries_per_chunk_not_per_record(
    client, system, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr("samla.exports.services.CHUNK_SIZE", 5)
    journal = Journal.objects.get(eissn="1472-6963")
    for n in range(13):
        data = record_input(title=f"Paper {n}", journal={"title": journal.title, "eissn": "1472-6963"})
        create_record(system, data=data)

    # the journal, the id cursor, then at most 5 queries for each of the 3 chunks of 5 records
    with django_assert_max_num_queries(2 + 3 * 5):
        response = client.get(f"/journal/{journal.pk}/export/bibtex")
        body = b"".join(response.streaming_content)

    assert body.count(b"@article{") == 15


def test_record_page_export_menu_links_every_registered_format(client):
    tree = html.fromstring(client.get(SEED).content)

    links = tree.xpath('//details[@class="export-menu"]//a')

    assert [a.get("href") for a in links] == [f"{SEED}/export/{f.name}" for f in formats()]
    assert [a.text for a in links] == [str(f.label) for f in formats()]
    assert [a.get("type") for a in links] == [f.media_type for f in formats()]


def _user(actor):
    from django.contrib.auth.models import User

    return User.objects.get(pk=actor.user_id)


def test_list_export_menu_template_links_every_format_for_the_page_owner():
    from django.template.loader import render_to_string

    text = render_to_string("exports/_list_actions.html", {"url_name": "exports:person", "object_id": 7})

    hrefs = html.fromstring(text).xpath("//a/@href")
    assert hrefs == [f"/person/7/export/{f.name}" for f in formats()]


def test_head_links_template_offers_every_format_as_alternate(seed):
    from django.template.loader import render_to_string

    text = render_to_string("exports/_head_links.html", {"record": seed})

    links = html.fromstring(f"<head>{text}</head>").xpath("//link[@rel='alternate']")
    assert [(link.get("type"), link.get("href")) for link in links] == [
        (f.media_type, f"{SEED}/export/{f.name}") for f in formats()
    ]


def test_search_export_streams_every_result_of_the_search_not_only_a_page(client, system):
    for n in range(5):
        create_record(system, data=record_input(title=f"Qwxyz export probe {n}"))
    create_record(system, data=record_input(title="Qwxyz export probe draft", state="draft"))

    response = client.get("/search/export/ris", {"q": "qwxyz", "size": "2", "page": "2"})

    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="search.ris"'
    body = b"".join(response.streaming_content).decode()
    assert body.count("TY  - ") == 5
    assert "draft" not in body


def test_search_export_with_bad_parameters_answers_400_before_streaming(client):
    response = client.get("/search/export/bibtex", {"q": "x", "sort": "sideways"})

    assert response.status_code == 400
    assert not response.streaming


def test_search_results_offer_export_and_bibliography_of_the_whole_search(client):
    tree = html.fromstring(client.get("/search/", {"q": "leadership", "size": "5", "page": "2"}).content)

    hrefs = tree.xpath('//details[@class="export-menu"]//a/@href')
    assert hrefs == [f"/search/export/{f.name}?q=leadership&size=5" for f in formats()]
    (form,) = tree.xpath('//form[@class="list-cite-form"]')
    assert form.get("action") == "/search/cite"
    hidden = [(i.get("name"), i.get("value")) for i in form.xpath(".//input[@type='hidden']")]
    assert hidden == [("q", "leadership"), ("size", "5")]


def test_person_page_offers_a_bibliography_of_the_person_records(client):
    person = Person.objects.get(orcid="0000-0003-4364-9814")
    tree = html.fromstring(client.get(f"/person/{person.pk}").content)

    (form,) = tree.xpath('//form[@class="list-cite-form"]')
    assert form.get("action") == f"/person/{person.pk}/cite"
    assert form.xpath(".//select/@name") == ["style", "locale", "format"]
    response = client.get(form.get("action"), {"style": "apa", "locale": "en-US", "format": "text"})
    assert (
        "Kjellström, S., Sarre, S., & Masterson, D. (2024)" in b"".join(response.streaming_content).decode()
    )

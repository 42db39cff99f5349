"""The data-quality page and its CSV export: curators only, English and Swedish; flags on the record page."""

from __future__ import annotations

import csv
import io

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from lxml import html

from samla.oai.swepub import RULES
from samla.quality.views import CSV_COLUMNS

SWEPUB_CODES = {rule.code for rule in RULES}

TITLE = "Inkjet Printing of Graphene-based Microsupercapacitors for Miniaturized Energy Storage Applications"


@pytest.fixture
def curator_client(client, curator):
    client.force_login(User.objects.get(pk=curator.user_id))
    return client


def rows(tree, section: str) -> list[list[str]]:
    return [
        [" ".join(" ".join(cell.itertext()).split()) for cell in row.xpath("td")]
        for row in tree.xpath(f'//*[@id="{section}"]//tbody/tr')
    ]


def test_quality_page_for_curator_lists_counts_and_flags(flagged, curator_client):
    response = curator_client.get("/quality/")

    assert response.status_code == 200
    tree = html.fromstring(response.content)
    assert rows(tree, "quality-by-kind") == [["Invalid ORCID iD", "1", "1"], ["Invalid identifier", "1", "1"]]
    assert rows(tree, "quality-by-organisation") == [["KTH", "1", "1"], ["Umeå universitet", "1", "1"]]
    flags = rows(tree, "quality-flags")
    assert [row[:4] for row in flags] == [
        [
            "diva2:844675 En resa med tvång",
            "identifiers (isbn)",
            "Invalid identifier",
            "978-911-7601-301-4",
        ],
        [
            "diva2:9300001 Inkjet Printing of Graphene-based Microsupercapacitors for Miniaturized Energy …",
            "contributors[0].person.orcid",
            "Invalid ORCID iD",
            "0000-0001-9329-9089",
        ],
    ]


def test_quality_page_filtered_by_kind_shows_only_that_kind(flagged, curator_client):
    tree = html.fromstring(curator_client.get("/quality/?kind=invalid-orcid").content)

    assert [row[1] for row in rows(tree, "quality-flags")] == ["contributors[0].person.orcid"]
    assert tree.xpath('//a[@class="quality-csv"]/@href') == ["/quality/flags.csv?kind=invalid-orcid"]


def test_quality_page_in_swedish(flagged, curator_client):
    response = curator_client.get("/quality/", HTTP_ACCEPT_LANGUAGE="sv")

    tree = html.fromstring(response.content)
    assert tree.xpath("//h1/text()") == ["Datakvalitet"]
    assert sorted(row[0] for row in rows(tree, "quality-by-kind")) == [
        "Ogiltig identifikator",
        "Ogiltigt ORCID iD",
    ]


def test_quality_csv_has_every_flag_the_filters_select(flagged, curator_client):
    response = curator_client.get("/quality/flags.csv?q=orcid")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    table = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert table[0] == list(CSV_COLUMNS)
    assert CSV_COLUMNS[:3] == ("record", "title", "state")
    assert table[1:] == [
        [
            "diva2:9300001",
            TITLE,
            "published",
            "contributors[0].person.orcid",
            "invalid-orcid",
            "",
            "0000-0001-9329-9089",
            "",
            "'0000-0001-9329-9089' is not a valid ORCID iD (wrong form or check digit)",
            "KTH",
            "http://testserver/record/diva2:9300001",
        ]
    ]


@pytest.mark.parametrize("url", ["/quality/", "/quality/flags.csv"])
def test_quality_pages_for_reader_and_anonymous_answer_403(db, client, reader, url):
    assert client.get(url).status_code == 403
    client.force_login(User.objects.get(pk=reader.user_id))
    assert client.get(url).status_code == 403


def test_record_page_shows_flags_to_curators_only(flagged, client, curator):
    anonymous = html.fromstring(client.get("/record/diva2:9300001").content)
    client.force_login(User.objects.get(pk=curator.user_id))
    page = html.fromstring(client.get("/record/diva2:9300001").content)

    assert anonymous.xpath('//*[@id="quality-flags"]') == []
    assert page.xpath('//*[@id="quality-flags"]//li/code/text()') == ["contributors[0].person.orcid"]


def test_admin_index_and_staff_header_link_to_the_quality_page(db, client):
    client.force_login(User.objects.create_user("staff", is_staff=True, is_superuser=True))

    admin = html.fromstring(client.get("/admin/").content)
    home = html.fromstring(client.get("/").content)

    assert admin.xpath('//p[@class="quality-link"]/a/@href') == ["/quality/"]
    assert "/quality/" in home.xpath("//header//a/@href")


def test_flagged_identifier_is_shown_by_no_page_export_or_oai_format(flagged, client):
    from samla.exports.registry import formats

    bad_isbn = "978-911-7601-301-4"
    urls = ["/record/diva2:844675"] + [f"/record/diva2:844675/export/{fmt.name}" for fmt in formats()]
    urls += [
        f"/oai?verb=GetRecord&identifier=oai:{settings.OAI_REPOSITORY_ID}:diva2:844675&metadataPrefix={fmt.oai.prefix}"
        for fmt in formats()
        if fmt.oai
    ]

    answers = {url: client.get(url) for url in urls}

    assert {url: r.status_code for url, r in answers.items()} == dict.fromkeys(urls, 200)
    assert [url for url, r in answers.items() if bad_isbn.encode() in r.content] == []


def test_quality_page_shows_what_waits_swepub_gaps_and_proposed_changes(curator_client):
    response = curator_client.get("/quality/")

    tree = html.fromstring(response.content)
    link = tree.xpath('//*[@id="quality-waiting"]//a[@href="/record/proposals/"]')[0]
    assert " ".join(link.text_content().split()) == "0 proposed changes from sources"
    gaps = rows(tree, "quality-waiting")
    assert gaps and all(row[0].split()[0] in SWEPUB_CODES and int(row[1]) > 0 for row in gaps)

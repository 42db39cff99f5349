"""Issue #6: an embargoed or restricted file is never served, linked or listed as downloadable to someone
who may not have it, on any path: the record page (its Highwire tags and Signposting), the REST API, the
direct file URL, every export format (as a download, by REST negotiation and over OAI-PMH), the sitemap
and the search index."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from lxml import html

from samla.core.tests.users import make_user
from samla.exports.registry import formats
from samla.files.models import RecordFile
from samla.files.services import public_texts
from samla.oai.services import oai_identifier
from samla.pages import record as views

from .conftest import ENCRYPTED, FOUR_PAGES, MINIMAL, SEED_ID

TODAY = timezone.localdate()
EXPORTS = [f.name for f in formats()]
OAI_PREFIXES = [f.oai.prefix for f in formats() if f.oai]


@pytest.fixture
def closed_files(attach) -> dict[str, RecordFile]:
    """On the seed record: an open file, one embargoed until tomorrow, one restricted to curators."""
    return {
        "open": attach(MINIMAL, file_name="open.pdf"),
        "embargo": attach(
            FOUR_PAGES, file_name="embargoed.pdf", access="embargo", embargo_until=TODAY + dt.timedelta(1)
        ),
        "restricted": attach(
            ENCRYPTED, file_name="restricted.pdf", access="restricted", restricted_role="curator"
        ),
    }


def closed(closed_files: dict[str, RecordFile]) -> list[RecordFile]:
    return [closed_files["embargo"], closed_files["restricted"]]


def text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def test_record_page_shows_checksum_and_size_of_the_open_file_only(client: Client, closed_files):
    page = text(client.get(f"/record/{SEED_ID}"))

    for name, record_file in closed_files.items():
        shown = record_file.stored_file.sha512 in page
        assert shown == (name == "open"), name
    assert page.count('class="file-size"') == 1


def test_record_page_links_only_the_open_file_for_machines(client: Client, closed_files):
    response = client.get(f"/record/{SEED_ID}")

    page = text(response)
    open_url = settings.BASE_URL + closed_files["open"].get_absolute_url()
    assert f'<meta name="citation_pdf_url" content="{open_url}">' in page
    assert f'<{open_url}> ; rel="item"' in response["Link"]
    for record_file in closed(closed_files):
        url = settings.BASE_URL + record_file.get_absolute_url()
        assert url not in page  # neither citation_pdf_url nor a Signposting <link>
        assert url not in response["Link"]


@pytest.mark.parametrize("role", ["anonymous", "reader", "depositor"])
def test_closed_files_refused_on_direct_url_and_not_downloadable_in_api(client, closed_files, role):
    if role != "anonymous":
        client.force_login(make_user(role))

    files = client.get(f"/api/records/{SEED_ID}/files").json()

    listed = {
        f["file_name"]: (f["downloadable"], f["sha512"] is not None, f["size"] is not None) for f in files
    }
    assert listed == {
        "open.pdf": (True, True, True),
        "embargoed.pdf": (False, False, False),
        "restricted.pdf": (False, False, False),
    }
    assert client.get(closed_files["open"].get_absolute_url()).status_code == 200
    for record_file in closed(closed_files):
        assert client.get(record_file.get_absolute_url()).status_code == 403


def test_closed_files_served_to_a_curator(client, closed_files):
    client.force_login(make_user("curator"))

    files = client.get(f"/api/records/{SEED_ID}/files").json()

    listed = {f["file_name"]: (f["downloadable"], bool(f["sha512"]) and bool(f["size"])) for f in files}
    assert listed == {"open.pdf": (True, True), "embargoed.pdf": (True, True), "restricted.pdf": (True, True)}
    for record_file in closed(closed_files):
        assert client.get(record_file.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("name", EXPORTS)
def test_exports_carry_no_closed_file(client, closed_files, name):
    fmt = next(f for f in formats() if f.name == name)

    exported = text(client.get(f"/record/{SEED_ID}/export/{name}"))
    negotiated = text(client.get(f"/api/records/{SEED_ID}", HTTP_ACCEPT=fmt.media_type))

    for record_file in closed(closed_files):
        for body in (exported, negotiated):
            assert f"/file/{record_file.pk}/" not in body
            assert record_file.stored_file.sha512 not in body


@pytest.mark.parametrize("prefix", OAI_PREFIXES)
def test_oai_records_carry_no_closed_file(client, closed_files, prefix):
    identifier = oai_identifier(closed_files["open"].record)

    body = text(client.get("/oai", {"verb": "GetRecord", "identifier": identifier, "metadataPrefix": prefix}))

    assert "<GetRecord>" in body
    for record_file in closed(closed_files):
        assert f"/file/{record_file.pk}/" not in body


def test_sitemap_lists_the_open_file_only(client, closed_files):
    body = text(client.get("/sitemap-files-1.xml"))

    assert settings.BASE_URL + closed_files["open"].get_absolute_url() in body
    for record_file in closed(closed_files):
        assert f"/file/{record_file.pk}/" not in body


def test_search_index_reads_text_of_the_open_file_only(closed_files):
    seed = closed_files["open"].record

    indexed = public_texts([seed.pk])[seed.pk]

    assert indexed == closed_files["open"].stored_file.extracted_text.text


@pytest.fixture
def embargoes(attach) -> dict[str, RecordFile]:
    """On the seed record: a file whose embargo ended yesterday, and one embargoed until tomorrow."""
    return {
        "ended": attach(
            MINIMAL, file_name="ended.pdf", access="embargo", embargo_until=TODAY - dt.timedelta(1)
        ),
        "running": attach(
            FOUR_PAGES, file_name="running.pdf", access="embargo", embargo_until=TODAY + dt.timedelta(1)
        ),
    }


def machine_links(response) -> tuple[set[str], set[str]]:
    """The file URLs in the page's `citation_pdf_url` tags, and those its Link header gives as `item`."""
    tree = html.fromstring(response.content)
    pdf_urls = set(tree.xpath('//meta[@name="citation_pdf_url"]/@content'))
    items = {link.split(">")[0].lstrip(" <") for link in response["Link"].split(",") if 'rel="item"' in link}
    return pdf_urls, items


def test_record_page_links_a_file_whose_embargo_has_ended_but_not_a_running_one(client: Client, embargoes):
    response = client.get(f"/record/{SEED_ID}")

    ended = settings.BASE_URL + embargoes["ended"].get_absolute_url()
    assert machine_links(response) == ({ended}, {ended})
    assert settings.BASE_URL + embargoes["running"].get_absolute_url() not in text(response)


def test_record_page_copy_kept_no_later_than_the_end_of_a_running_embargo(
    client: Client, embargoes, settings, monkeypatch
):
    """The record's version does not change when an embargo ends, so the anonymous copy of its page
    must expire then: kept longer, it would go on hiding the file from machines."""
    settings.RECORD_PAGE_CACHE_SECONDS = 7 * 24 * 3600
    kept: list[int] = []
    monkeypatch.setattr(views, "cache", KeptFor(kept))

    client.get(f"/record/{SEED_ID}")

    midnight = timezone.make_aware(dt.datetime.combine(TODAY + dt.timedelta(1), dt.time.min))
    assert 0 < kept[0] <= (midnight - timezone.now()).total_seconds() + 1
    # The next day the page, rendered again, links the file too.
    monkeypatch.setattr(timezone, "now", lambda: midnight + dt.timedelta(seconds=1))
    cache.clear()  # the copy kept until midnight has expired
    response = client.get(f"/record/{SEED_ID}")
    assert len(machine_links(response)[0]) == 2
    assert kept[1] == settings.RECORD_PAGE_CACHE_SECONDS  # no embargo left to wait for


class KeptFor:
    """The page cache, noting how long each copy is kept."""

    def __init__(self, kept: list[int]) -> None:
        self.kept = kept

    def get(self, key):
        return cache.get(key)

    def set(self, key, value, timeout):
        self.kept.append(timeout)
        cache.set(key, value, timeout)

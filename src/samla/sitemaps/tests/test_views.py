"""/robots.txt and the sitemap: only published records and files anyone may download, in pages."""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.test import Client
from django.utils import timezone
from lxml import etree

from samla.core.tests.users import make_user
from samla.files.tests.conftest import ENCRYPTED, FOUR_PAGES, MINIMAL, NO_XREF, PDF_DIR, SEED_ID
from samla.records.models import Record
from samla.records.services import create_record, withdraw_record
from samla.records.tests.factories import record_input
from samla.sitemaps import services

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
TODAY = timezone.localdate()


def xml(response) -> etree._Element:
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return etree.fromstring(content)


def locs(root: etree._Element) -> list[str]:
    return root.xpath("//s:loc/text()", namespaces=NS)


def test_robots_txt_points_to_sitemap_and_keeps_crawlers_out_of_admin(client: Client, db):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "User-agent: *\nDisallow: /admin/\nDisallow: /api/\nDisallow: /search/\n\n"
        f"Sitemap: {settings.BASE_URL}/sitemap.xml\n"
    )


def test_sitemap_index_lists_one_page_per_section(client: Client, attach):
    attach(MINIMAL)

    root = xml(client.get("/sitemap.xml"))

    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    assert locs(root) == [
        f"{settings.BASE_URL}/sitemap-records-1.xml",
        f"{settings.BASE_URL}/sitemap-files-1.xml",
    ]


def test_sitemap_index_without_public_files_has_no_files_page(client: Client, attach):
    attach(MINIMAL, access="restricted", restricted_role="reader")

    assert locs(xml(client.get("/sitemap.xml"))) == [f"{settings.BASE_URL}/sitemap-records-1.xml"]
    assert client.get("/sitemap-files-1.xml").status_code == 404


def test_sitemap_records_lists_published_with_lastmod_not_drafts_or_withdrawn(client: Client, db, system):
    draft = create_record(system, data=record_input(state="draft"))
    withdrawn = create_record(system, data=record_input(title="To be withdrawn"))
    withdraw_record(system, local_id=withdrawn.local_id, reason="duplicate")
    seed = Record.objects.get(local_id=SEED_ID)

    root = xml(client.get("/sitemap-records-1.xml"))

    urls = dict(zip(locs(root), root.xpath("//s:lastmod/text()", namespaces=NS), strict=True))
    published = Record.objects.filter(state="published").count()
    assert len(urls) == published
    assert urls[f"{settings.BASE_URL}/record/{SEED_ID}"] == seed.datestamp.astimezone(dt.UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    assert f"{settings.BASE_URL}/record/{draft.local_id}" not in urls
    assert f"{settings.BASE_URL}/record/{withdrawn.local_id}" not in urls


def test_sitemap_files_lists_only_files_anyone_may_download(client: Client, attach, system):
    open_file = attach(MINIMAL)
    ended = attach(FOUR_PAGES, access="embargo", embargo_until=TODAY - dt.timedelta(days=3))
    attach(NO_XREF, access="embargo", embargo_until=TODAY + dt.timedelta(days=1))
    attach(ENCRYPTED, access="restricted", restricted_role="reader")
    attach(PDF_DIR / "pysample-021-crazyones-pdfa.pdf", access="archive")
    draft = create_record(system, data=record_input(state="draft"))
    attach(NO_XREF, local_id=draft.local_id)

    root = xml(client.get("/sitemap-files-1.xml"))

    lastmods = root.xpath("//s:lastmod/text()", namespaces=NS)
    assert locs(root) == [
        settings.BASE_URL + open_file.get_absolute_url(),
        settings.BASE_URL + ended.get_absolute_url(),
    ]
    assert lastmods == [TODAY.isoformat(), TODAY.isoformat()]


def test_sitemap_is_the_same_for_a_curator(client: Client, db, system):
    draft = create_record(system, data=record_input(state="draft"))
    client.force_login(make_user("curator"))

    root = xml(client.get("/sitemap-records-1.xml"))

    assert f"{settings.BASE_URL}/record/{draft.local_id}" not in locs(root)


def test_sitemap_pages_hold_at_most_page_size_urls_in_stable_order(db):
    published = Record.objects.filter(state="published").count()

    counts = services.page_counts(page_size=10)
    pages = [services.sitemap_page("records", n, page_size=10) for n in range(1, counts["records"] + 1)]

    assert counts == {"records": math.ceil(published / 10), "files": 0}
    assert all(len(page) <= 10 for page in pages)
    paths = [entry.path for page in pages for entry in page]
    assert len(paths) == len(set(paths)) == published
    assert services.sitemap_page("records", counts["records"] + 1, page_size=10) == []


def test_sitemap_page_unknown_section_or_number_404(client: Client, db):
    assert client.get("/sitemap-records-0.xml").status_code == 404
    assert client.get("/sitemap-records-99.xml").status_code == 404
    assert client.get("/sitemap-people-1.xml").status_code == 404


def test_sitemap_post_not_allowed(client: Client, db):
    assert client.post("/sitemap.xml").status_code == 405

"""The HTTP edge counts (record page, also from the cache; downloads, not 304), and the pages and API
show the counts."""

from __future__ import annotations

import datetime as dt

from lxml import html as lxml_html

from samla.core.access import Actor
from samla.stats.models import INVESTIGATION, REQUEST, UsageEvent
from samla.stats.services import Visit, record_investigation, record_request, top_records, usage_for_record

from .conftest import FIREFOX

BROWSER = {"HTTP_USER_AGENT": FIREFOX, "REMOTE_ADDR": "192.0.2.1"}


def test_record_page_view_creates_an_investigation_also_from_the_cache(client, items):
    url = items["A"].get_absolute_url()
    assert client.get(url, **BROWSER).status_code == 200
    assert client.get(url, **BROWSER).status_code == 200  # the anonymous page cache answers
    events = list(UsageEvent.objects.filter(record=items["A"]).order_by("pk").values_list("kind", "counted"))
    assert events == [(INVESTIGATION, True), (INVESTIGATION, False)]  # the second is a double click


def test_download_creates_a_request_and_304_does_not(client, items):
    record_file = items["file A"]
    response = client.get(record_file.get_absolute_url(), **BROWSER)
    assert response.status_code == 200
    b"".join(response.streaming_content)
    etag = response["ETag"]
    assert client.get(record_file.get_absolute_url(), HTTP_IF_NONE_MATCH=etag, **BROWSER).status_code == 304
    assert client.head(record_file.get_absolute_url(), **BROWSER).status_code == 200
    assert list(UsageEvent.objects.values_list("kind", "record_file_id", "partial")) == [
        (REQUEST, record_file.pk, False)
    ]


def test_range_download_is_counted_as_partial(client, items):
    record_file = items["file A"]
    response = client.get(record_file.get_absolute_url(), HTTP_RANGE="bytes=0-99", **BROWSER)
    assert response.status_code == 206
    assert list(UsageEvent.objects.values_list("kind", "partial", "counted")) == [(REQUEST, True, True)]


def test_robot_download_is_stored_but_not_counted(client, items):
    client.get(items["file A"].get_absolute_url(), HTTP_USER_AGENT="curl/8.5.0")
    assert list(UsageEvent.objects.values_list("counted", flat=True)) == [False]


def test_record_page_shows_totals_plot_and_file_downloads(client, items):
    at = dt.datetime.now(dt.UTC) - dt.timedelta(days=40)
    for i in range(3):
        visit = Visit(f"192.0.2.{i}", FIREFOX, at)
        record_investigation(Actor.anonymous(), visit=visit, record=items["A"])
        record_request(Actor.anonymous(), visit=visit, record_file=items["file A"])
    html = client.get(items["A"].get_absolute_url()).content.decode()  # no user agent: not counted
    assert "Total: 3 downloads" in html
    assert "Total: 6 hits" in html  # three views and three downloads (every request is an investigation)
    assert _file_downloads(html) == ["3"]
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert html.count('class="usage-downloads-bar"') >= 2  # last month and this one


def _file_downloads(page: str) -> list[str]:
    return [dd.text_content() for dd in lxml_html.fromstring(page).xpath('//dd[@class="file-downloads"]')]


def test_cached_record_page_shows_the_downloads_counted_since_it_was_cached(client, items):
    url = items["A"].get_absolute_url()
    first = client.get(url).content.decode()  # anonymous: the page is cached now
    assert "Total: 0 downloads" in first and _file_downloads(first) == ["0"]

    for i in range(2):
        record_request(Actor.anonymous(), visit=Visit(f"192.0.2.{i}", FIREFOX), record_file=items["file A"])
    again = client.get(url).content.decode()

    assert "Total: 2 downloads" in again
    assert _file_downloads(again) == ["2"]


def test_usage_for_record_reads_plot_and_file_counts_in_one_query(items, django_assert_num_queries):
    record_request(Actor.anonymous(), visit=Visit("192.0.2.1", FIREFOX), record_file=items["file A"])
    files = [items["file A"]]
    with django_assert_num_queries(1):
        usage = usage_for_record(Actor.anonymous(), items["A"], files=files)
    assert (usage.downloads, usage.hits, files[0].download_count) == (1, 1, 1)
    assert usage.plot.bars[-1].downloads == 1


def test_svg_plot_scales_bars_to_the_busiest_month(items):
    for i in range(4):
        record_investigation(Actor.anonymous(), visit=Visit(f"192.0.2.{i}", FIREFOX), record=items["A"])
    plot = usage_for_record(Actor.anonymous(), items["A"]).plot
    assert plot.top == 4
    assert plot.bars[-1].h_hits == plot.axis_y - 6  # full height
    assert plot.bars[-1].h_downloads == 0


def test_top_pages_list_the_most_downloaded(client, items):
    record_request(Actor.anonymous(), visit=Visit("192.0.2.1", FIREFOX), record_file=items["file B"])
    html = client.get("/stats/").content.decode()
    assert items["B"].full_title in html
    assert "1 download" in html
    organisation_id = (
        items["A"].contributions.filter(affiliations__organisation__isnull=False)
        .values_list("affiliations__organisation", flat=True).first()
    )  # fmt: skip
    assert client.get(f"/stats/organisation/{organisation_id}").status_code == 200
    assert client.get("/stats/organisation/999999").status_code == 404


def test_top_page_heading_in_swedish(client, db):
    tree = lxml_html.fromstring(client.get("/stats/", HTTP_ACCEPT_LANGUAGE="sv").content)
    assert tree.findtext(".//h1") == "Mest använda publikationer"
    assert tree.findtext(".//title").startswith("Mest använda publikationer")


def test_top_records_of_an_organisation_holds_only_its_records(items):
    record_request(Actor.anonymous(), visit=Visit("192.0.2.1", FIREFOX), record_file=items["file A"])
    record_request(Actor.anonymous(), visit=Visit("192.0.2.1", FIREFOX), record_file=items["file B"])
    organisation_id = (
        items["A"].contributions.filter(affiliations__organisation__isnull=False)
        .values_list("affiliations__organisation", flat=True).first()
    )  # fmt: skip
    local_ids = [t.record.local_id for t in top_records(Actor.anonymous(), organisation_id=organisation_id)]
    assert items["A"].local_id in local_ids
    both = [t.record.pk for t in top_records(Actor.anonymous())]
    assert both == sorted([items["A"].pk, items["B"].pk])  # one download each: the older record first


def test_api_record_usage(client, items):
    record_request(Actor.anonymous(), visit=Visit("192.0.2.1", FIREFOX), record_file=items["file A"])
    body = client.get(f"/api/stats/records/{items['A'].local_id}").json()
    assert body["total_item_requests"] == 1
    assert body["total_item_investigations"] == 1
    assert body["unique_item_requests"] == 1
    assert body["files"] == [{"id": items["file A"].pk, "file_name": "a.pdf", "downloads": 1}]
    assert body["months"][-1]["downloads"] == 1


def test_api_record_usage_of_a_missing_record_is_404(client, db):
    response = client.get("/api/stats/records/diva2:1")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_api_top(client, items):
    record_request(Actor.anonymous(), visit=Visit("192.0.2.1", FIREFOX), record_file=items["file B"])
    body = client.get("/api/stats/top?by=downloads&limit=5").json()
    assert body[0]["record"] == items["B"].local_id
    assert body[0]["downloads"] == 1


def test_buffered_events_are_written_together_in_order_on_flush(client, settings, db):
    from samla.stats import edge
    from samla.stats.models import UsageEvent

    settings.STATS_BUFFER_SECONDS = 3600  # the timer will not fire during the test
    before = UsageEvent.objects.count()
    for _ in range(2):
        assert (
            client.get("/record/diva2:1897829", HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64)").status_code
            == 200
        )
    assert UsageEvent.objects.count() == before
    edge.flush_usage()
    events = list(UsageEvent.objects.order_by("pk")[before:])
    assert len(events) == 2
    assert events[0].at < events[1].at
    assert [e.counted for e in events] == [True, False]  # the second view came within 30 s: a double click

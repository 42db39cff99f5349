"""Search in a real browser (headless Chromium through Playwright) against a real server: type a search
in the header box, pick two facets, remove one as a chip, open a record.

Uses the machine's Chromium (`/usr/bin/chromium`, from Debian's packages: the Makefile installs it);
Playwright never downloads a browser of its own. Skipped when either is missing.
"""

from __future__ import annotations

import shutil

import pytest

pytestmark = pytest.mark.e2e
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    from playwright import sync_api

    assert shutil.which(CHROMIUM), (
        "chromium is missing: `make test` installs it (scripts/ensure-debian-packages.sh)"
    )
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def _count(page) -> int:
    return int(page.locator("p.result-count").first.inner_text().split()[0])


def test_search_pick_two_facets_remove_one_open_record(browser, live_url):
    page = browser.new_page()
    page.goto(live_url + "/")
    page.fill("form.site-search input[name=q]", "leadership OR stillbirths")
    page.press("form.site-search input[name=q]", "Enter")
    page.wait_for_url("**/search/?q=*")
    everything = _count(page)
    assert everything >= 4

    journal_article = page.locator('section[data-field="type"] a[data-value="publication/journal-article"]')
    expected = int(journal_article.locator(".count").inner_text())
    journal_article.click()
    page.wait_for_load_state()
    articles = _count(page)
    assert articles == expected < everything

    year = page.locator('section[data-field="year"] a[data-value="2016"]')
    expected = int(year.locator(".count").inner_text())
    year.click()
    page.wait_for_load_state()
    assert _count(page) == expected < articles
    assert page.locator("ul.chips a.chip").count() == 2

    page.locator("ul.chips a.chip", has_text="2016").click()
    page.wait_for_load_state()
    assert page.locator("ul.chips a.chip").count() == 1
    assert _count(page) == articles

    first = page.locator("ol.record-items a.record-title").first
    title = first.inner_text()
    first.click()
    page.wait_for_load_state()
    assert "/record/" in page.url
    assert page.locator("h1.record-title").inner_text() == title
    page.close()

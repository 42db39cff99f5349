"""The pages on a phone, a tablet and a desktop (headless Chromium through Playwright, as in
test_search_browser.py): at 360, 768 and 1280 px wide no page scrolls sideways, and the header's navigation
and the record's permanent link stay in view. Each page is photographed; the screenshots are kept in the
test's temporary directory (printed with -s) to look at.
"""

from __future__ import annotations

import subprocess

import pytest

from tests import TESTDATA

from .conftest import BIN, ROOT
from .test_search_browser import browser  # noqa: F401 (the shared Chromium fixture)

pytestmark = pytest.mark.e2e
SEED = "/record/diva2:1897829"
WIDTHS = (360, 768, 1280)
PAGES = {
    "record": SEED,
    "search": "/search/?q=leadership",
    "records": "/record/",
    "people": "/person/",
    "organisations": "/organisation/",
    "journals": "/journal/",
    "stats": "/stats/",
    "home": "/",
}


@pytest.fixture(scope="module")
def seed_with_file(live_url, server_database) -> str:
    """The seed record with a PDF attached, so its page shows the file's SHA-512."""
    pdf = TESTDATA / "pdf" / "pysample-001-minimal-document.pdf"
    subprocess.run(
        [BIN / "samla", "attach", SEED.rsplit("/", 1)[1], str(pdf)],
        cwd=ROOT,
        env=server_database,
        check=True,
        capture_output=True,
    )
    return live_url


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory):
    folder = tmp_path_factory.mktemp("screenshots")
    print(f"\nscreenshots in {folder}")
    return folder


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_page_fits_the_width_without_sideways_scrolling(browser, seed_with_file, screenshots, name, width):  # noqa: F811
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(seed_with_file + PAGES[name])
    page.screenshot(path=screenshots / f"{name}-{width}.png", full_page=True)

    scroll_width, inner_width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, f"{name} at {width} px is {scroll_width} px wide"
    for link in page.locator(".site-nav a").all():
        box = link.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, f"{link.inner_text()} cut off"
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_record_page_permanent_link_and_checksum_stay_in_view(browser, seed_with_file, width):  # noqa: F811
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(seed_with_file + SEED)

    for selector in ("#link-to-record a", ".file-checksum code"):
        element = page.locator(selector).first
        element.scroll_into_view_if_needed()
        box = element.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, f"{selector} at {width} px: {box}"
    page.close()

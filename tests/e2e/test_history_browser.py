"""A record's history page in a real browser (headless Chromium through Playwright, against the shared
gunicorn server): a curator signed in reads who changed what, restores an earlier title with the page's
form (CSRF token and all), and the page fits a phone, a tablet and a desktop (360, 768, 1280 px) without
sideways scrolling, with a 3,000-author list and a long abstract among the changes; so does the record
page with the curator's review forms. Screenshots are kept
in the test's temporary directory (printed with -s) to look at.
"""

from __future__ import annotations

import subprocess

import pytest

from .conftest import BIN, ROOT
from .test_search_browser import browser  # noqa: F401 (the shared Chromium fixture)

pytestmark = pytest.mark.e2e
LOCAL_ID = "test:history"
WIDTHS = (360, 768, 1280)
PASSWORD = "history-curator-pw"

# Run by `manage.py shell` on the server's database: a record, then two curators' edits of it through
# the services (what the deposit form and the REST API call).
EDITS = f"""
from samla.core.access import Actor
from samla.records.schemas import RecordIn
from samla.records.services import create_record, record_to_input, update_record
system = Actor.system("e2e")
authors = [{{"family_name": f"Author{{n}}", "given_name": "Ann"}} for n in range(3000)]
record = create_record(system, data=RecordIn(local_id="{LOCAL_ID}", title="The first title",
    output_type="publication/journal-article", issued="2024"))
data = RecordIn.model_validate({{
    **record_to_input(record).model_dump(),
    "title": "A mistaken title " + "very " * 40 + "long",
    "contributors": authors,
    "abstracts": [{{"language": "eng", "text": "An abstract that goes on. " * 200}}],
}})
update_record(system, local_id="{LOCAL_ID}", data=data)
"""


@pytest.fixture(scope="module")
def history_url(live_url, server_database) -> str:
    run = {"cwd": ROOT, "env": server_database, "check": True, "capture_output": True}
    subprocess.run([BIN / "python", "manage.py", "shell", "-c", EDITS], **run)
    env = {**server_database, "DJANGO_SUPERUSER_PASSWORD": PASSWORD}
    subprocess.run(
        [
            BIN / "python",
            "manage.py",
            "createsuperuser",
            "--noinput",
            "--username",
            "hcurator",
            "--email",
            "h@x.org",
        ],
        **{**run, "env": env},
    )
    return f"{live_url}/record/{LOCAL_ID}/history"


@pytest.fixture
def signed_in(browser, live_url):  # noqa: F811
    """A page of a browser signed in as a curator (an administrator) through the login form."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(live_url + "/admin/login/?next=/")
    page.fill("#id_username", "hcurator")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_url + "/")
    yield page
    context.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory):
    folder = tmp_path_factory.mktemp("history-screenshots")
    print(f"\nscreenshots in {folder}")
    return folder


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    ("name", "selector"),
    [("history", 'tr[data-field="title"] button'), ("record", ".review-withdraw button")],
)
def test_page_fits_the_width_without_sideways_scrolling(
    signed_in, history_url, screenshots, name, selector, width
):
    """The history, and the record page with the curator's review forms."""
    page = signed_in
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(history_url if name == "history" else history_url.removesuffix("/history"))
    page.screenshot(path=screenshots / f"{name}-{width}.png", full_page=True)

    scroll_width, inner_width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, f"{name} at {width} px is {scroll_width} px wide"
    button = page.locator(selector).first
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, f"{selector} at {width} px: {box}"


def test_history_restore_button_puts_the_earlier_title_back(signed_in, history_url):
    page = signed_in
    page.goto(history_url)
    assert (
        page.locator('.revision[id="r2"] tr[data-field="title"] .new').inner_text().startswith("A mistaken")
    )

    page.locator('.revision[id="r2"] tr[data-field="title"] button').click()
    page.wait_for_url(history_url)

    newest = page.locator(".revision").first
    assert newest.get_attribute("id") == "r3"
    assert newest.locator(".revision-summary").inner_text() == "restored title of revision 2"
    assert newest.locator('tr[data-field="title"] .new').inner_text() == "The first title"
    assert page.locator(".history-of a").inner_text() == "The first title"

"""A depositor's record through review in a real browser (headless Chromium against the shared gunicorn
server): the depositor signs in with the local form, finds their draft on /my/, submits it with the
record page's form, and a curator of its organisation (and not one of another) sees it in /review/.
/my/ and /review/ fit a phone, a tablet and a desktop (360, 768, 1280 px) without sideways scrolling;
screenshots are kept in the test's temporary directory (printed with -s) (#20).
"""

from __future__ import annotations

import subprocess

import pytest

from .conftest import BIN, ROOT
from .test_search_browser import browser  # noqa: F401 (the shared Chromium fixture)

pytestmark = pytest.mark.e2e
LOCAL_ID = "test:deposit-review"
PASSWORD = "deposit-review-pw"
WIDTHS = (360, 768, 1280)

# Run by `manage.py shell` on the server's database: two universities, a depositor, a curator of each,
# and the depositor's draft affiliated with the first (what the deposit form's service call makes).
SETUP = f"""
from django.contrib.auth.models import User
from samla.accounts.services import grant_role
from samla.core.access import Actor
from samla.organisations.models import Organisation
from samla.records.schemas import RecordIn
from samla.records.services import create_record
system = Actor.system("e2e")
a = Organisation.objects.create(name_en="E2E University A", identifier="e2e:a", kind="university")
b = Organisation.objects.create(name_en="E2E University B", identifier="e2e:b", kind="university")
users = {{}}
for name, role, org in [("dep", "depositor", None), ("cur_a", "curator", a), ("cur_b", "curator", b)]:
    users[name] = User.objects.create_user(name, email=name + "@example.org", password="{PASSWORD}")
    grant_role(system, user=users[name], role=role, organisation_id=org.pk if org else None)
depositor = Actor.for_user(users["dep"])
create_record(depositor, owner_id=users["dep"].pk, data=RecordIn.model_validate({{
    "local_id": "{LOCAL_ID}", "title": "A deposited study of " + "very " * 30 + "long titles",
    "output_type": "publication/journal-article", "issued": "2025",
    "contributors": [{{"family_name": "Depositsson", "given_name": "Dee",
                       "affiliations": [{{"organisation": "e2e:a"}}]}}],
}}))
"""


@pytest.fixture(scope="module")
def deposited(live_url, server_database) -> str:
    run = {"cwd": ROOT, "env": server_database, "check": True, "capture_output": True}
    subprocess.run([BIN / "python", "manage.py", "shell", "-c", SETUP], **run)
    return live_url


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory):
    folder = tmp_path_factory.mktemp("deposit-review-screenshots")
    print(f"\nscreenshots in {folder}")
    return folder


def _sign_in(browser, url: str, username: str):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    page.goto(url + "/accounts/login/?next=/my/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click(".account-form button[type=submit]")
    page.wait_for_url(url + "/my/")
    return context, page


def _fits(page, name: str, width: int, screenshots) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.screenshot(path=screenshots / f"{name}-{width}.png", full_page=True)
    scroll_width, inner_width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, f"{name} at {width} px is {scroll_width} px wide"


def test_depositor_submits_and_only_the_organisations_curator_sees_it(browser, deposited, screenshots):  # noqa: F811
    url = deposited
    context, page = _sign_in(browser, url, "dep")
    item = page.locator(".my-records .record-item", has_text="A deposited study")
    assert "Draft" in item.inner_text()
    for width in WIDTHS:
        _fits(page, "my", width, screenshots)
    item.locator("a.record-title").click()
    page.locator(".review-submit button").click()
    page.wait_for_url(f"{url}/record/{LOCAL_ID}")
    assert page.locator(".record-state").inner_text() == "Submitted"
    page.goto(url + "/my/")
    assert "Submitted" in page.locator(".my-records .record-item", has_text="A deposited study").inner_text()
    context.close()

    context, page = _sign_in(browser, url, "cur_a")
    page.locator(".site-nav a", has_text="Review queue").click()
    page.wait_for_url(url + "/review/")
    assert page.locator(".review-queue .record-item", has_text="A deposited study").count() == 1
    for width in WIDTHS:
        _fits(page, "review", width, screenshots)
    context.close()

    context, page = _sign_in(browser, url, "cur_b")
    page.goto(url + "/review/")
    assert page.locator(".review-queue .record-item", has_text="A deposited study").count() == 0
    context.close()

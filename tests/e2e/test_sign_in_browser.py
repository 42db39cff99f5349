"""A local account in headless Chromium against a real server (gunicorn): `samla user create`, sign in,
land on the profile, make an API token there and use it on the REST API, sign out. At 360, 768 and 1280 px
wide, no accounts page scrolls sideways; each step is photographed (the folder is printed with -s)."""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request

import pytest

from .conftest import BIN, ROOT
from .test_search_browser import browser  # noqa: F401 (the shared Chromium fixture)

pytestmark = pytest.mark.e2e
WIDTHS = (360, 768, 1280)
PASSWORD = "a passphrase long enough"


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sign-in-screenshots")
    print(f"\nscreenshots in {folder}")
    return folder


def _samla(env: dict[str, str], *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [BIN / "samla", *args], cwd=ROOT, env=env, input=stdin, text=True, capture_output=True, check=True
    )
    return done.stdout


def _api(url: str, token: str, *, body: dict | None = None) -> int:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if body is not None else "GET")
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def _fits(page, width: int, name: str) -> None:
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll_width <= width, f"{name} at {width} px is {scroll_width} px wide"


@pytest.mark.parametrize("width", WIDTHS)
def test_sign_in_profile_token_sign_out(browser, live_url, server_database, screenshots, width):  # noqa: F811
    username = f"reader{width}"
    _samla(
        server_database,
        "user",
        "create",
        username,
        "--email",
        f"{username}@example.org",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    page = browser.new_page(viewport={"width": width, "height": 800})

    page.goto(live_url + "/record/diva2:1897829")
    page.locator(".account-nav a", has_text="Sign in").click()
    page.screenshot(path=screenshots / f"login-{width}.png", full_page=True)
    _fits(page, width, "login")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form.account-form button[type=submit]").click()

    page.wait_for_url("**/record/diva2:1897829")
    assert page.locator(".account-name").inner_text() == username
    page.locator(".account-name").click()
    page.wait_for_url("**/accounts/profile/")
    page.fill("#id_name", "my script")
    page.select_option("#id_scope", "write")
    page.locator("#tokens button", has_text="Create token").click()
    token = page.locator("#new-token").inner_text()
    page.screenshot(path=screenshots / f"profile-{width}.png", full_page=True)
    _fits(page, width, "profile")

    assert token.startswith("samla_")
    assert _api(live_url + "/api/records/diva2:1897829", token) == 200
    book = {"title": "A book", "output_type": "publication/book"}
    assert _api(live_url + "/api/records/", token, body=book) == 403  # a reader's token: may not deposit
    assert _api(live_url + "/api/records/diva2:1897829", token + "x") == 401

    page.locator(".sign-out button").click()
    page.wait_for_url(live_url + "/")
    assert page.locator(".account-nav a", has_text="Sign in").is_visible()
    page.screenshot(path=screenshots / f"signed-out-{width}.png", full_page=True)
    page.goto(live_url + "/accounts/profile/")
    assert "/accounts/login/" in page.url
    page.close()

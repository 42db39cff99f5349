"""Content negotiation of a bibliography entry on the record URL over the real server (gunicorn)."""

import urllib.request

SEED = "diva2:1897829"


def _get(url: str, accept: str) -> tuple[str, str, str]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.headers["Content-Type"], response.headers.get("Vary", ""), response.read().decode()


def test_record_url_answers_text_x_bibliography_and_keeps_the_page_for_browsers(live_url):
    url = f"{live_url}/record/{SEED}"

    page_type, page_vary, page = _get(url, "text/html,application/xhtml+xml,*/*;q=0.8")
    cite_type, cite_vary, entry = _get(url, "text/x-bibliography; style=apa; locale=sv-SE")
    page_again = _get(url, "text/html,*/*;q=0.8")[2]

    assert page_type.startswith("text/html") and "<html" in page and "Accept" in page_vary
    assert cite_type == "text/x-bibliography; charset=utf-8" and "Accept" in cite_vary
    assert entry.startswith("Kjellström, S., Sarre, S., & Masterson, D. (2024).") and "<" not in entry
    assert page_again == page

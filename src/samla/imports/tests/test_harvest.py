"""`samla harvest` over recorded OAI-PMH responses: paging by token, resuming, incremental runs, errors."""

import http.server
import threading
import urllib.parse
from pathlib import Path

import pytest
from tests import TESTDATA

from samla.imports.errors import UnreadableFile
from samla.imports.harvest import harvest
from samla.imports.models import HarvestState

OAI_PMH = TESTDATA / "oai-pmh"
ZENODO = OAI_PMH / "zenodo-invenio"
BASE = "https://zenodo.example/oai2d"
PAGES = ["ListRecords-oai_dc.xml", "ListRecords-oai_dc-page2.xml", "ListRecords-oai_dc-page3.xml"]


def token_of(name: str) -> str:
    text = (ZENODO / name).read_text(encoding="utf-8")
    start = text.find("<resumptionToken")
    if start < 0 or "</resumptionToken>" not in text[start:]:
        return ""
    return text[text.index(">", start) + 1 : text.index("</resumptionToken>", start)].strip()


class RecordedServer:
    """Answers ListRecords from the recorded Zenodo pages, following their tokens; logs each request."""

    def __init__(self, fail_on: int | None = None) -> None:
        self.requests: list[dict[str, str]] = []
        self.fail_on = fail_on
        self.by_token = {token_of(PAGES[i]): PAGES[i + 1] for i in range(len(PAGES) - 1)}

    def __call__(self, url: str) -> bytes:
        params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
        self.requests.append(params)
        if self.fail_on is not None and len(self.requests) == self.fail_on:
            raise UnreadableFile("HTTP 500 from the OAI-PMH server", path=url)
        name = self.by_token[params["resumptionToken"]] if "resumptionToken" in params else PAGES[0]
        return (ZENODO / name).read_bytes()


pytestmark = pytest.mark.django_db


def test_harvest_follows_tokens_and_imports_every_page(system):
    server = RecordedServer()
    results = list(harvest(system, BASE, prefix="oai_dc", fetch=server))
    assert len(results) == 9
    assert {r.status for r in results} <= {"created", "updated", "unchanged", "deleted"}
    assert [("resumptionToken" in r) for r in server.requests] == [False, True, True]
    state = HarvestState.objects.get(base_url=BASE, metadata_prefix="oai_dc")
    assert state.resumption_token == ""
    assert state.harvested_until.startswith("20")


def test_second_harvest_asks_only_for_changes_since_the_first(system):
    list(harvest(system, BASE, prefix="oai_dc", fetch=RecordedServer()))
    server = RecordedServer()
    results = list(harvest(system, BASE, prefix="oai_dc", fetch=server))
    state = HarvestState.objects.get(base_url=BASE)
    assert server.requests[0]["from"] == state.harvested_until[:10]
    assert {r.status for r in results} <= {"unchanged", "deleted"}


def test_interrupted_harvest_resumes_at_the_page_it_was_on(system):
    with pytest.raises(UnreadableFile):
        list(harvest(system, BASE, prefix="oai_dc", fetch=RecordedServer(fail_on=3)))
    state = HarvestState.objects.get(base_url=BASE)
    assert state.resumption_token == token_of(PAGES[1])
    server = RecordedServer()
    results = list(harvest(system, BASE, prefix="oai_dc", fetch=server))
    assert server.requests == [{"verb": "ListRecords", "resumptionToken": token_of(PAGES[1])}]
    assert len(results) == 3


def test_harvest_with_set_and_from_sends_them(system):
    server = RecordedServer()
    list(harvest(system, BASE, prefix="oai_dc", set_spec="user-x", start="2024-01-01", fetch=server))
    assert server.requests[0] == {
        "verb": "ListRecords",
        "metadataPrefix": "oai_dc",
        "set": "user-x",
        "from": "2024-01-01",
    }


def test_harvest_error_response_is_reported_not_imported(system):
    error = (ZENODO / "error-ListRecords-badResumptionToken.xml").read_bytes()
    with pytest.raises(UnreadableFile) as raised:
        list(harvest(system, BASE, prefix="oai_dc", fetch=lambda url: error))
    assert "badResumptionToken" in str(raised.value)


def test_harvest_html_answer_is_unreadable(system):
    page = (OAI_PMH / "broken" / "Identify-returns-html.html").read_bytes()
    with pytest.raises(UnreadableFile):
        list(harvest(system, BASE, prefix="oai_dc", fetch=lambda url: page))


def test_harvest_of_a_non_http_url_is_refused(system):
    from samla.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        list(harvest(system, "file:///etc/passwd", prefix="oai_dc"))


class RecordedResponses(http.server.BaseHTTPRequestHandler):
    """A real HTTP server answering ListRecords from recorded DiVA, DSpace and Zenodo responses."""

    pages: dict[str, Path] = {}

    def do_GET(self) -> None:
        params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
        name = params.get("resumptionToken") or params.get("set") or ""
        path = self.pages.get(name)
        body = path.read_bytes() if path else b"not found"
        self.send_response(200 if path else 404)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def recorded_server():
    RecordedResponses.pages = {
        "diva": OAI_PMH / "diva-swepub" / "dedup.xml",
        "dspace": OAI_PMH / "dspace-erasmus" / "ListRecords.xml",
        "zenodo": ZENODO / PAGES[0],
        token_of(PAGES[0]): ZENODO / PAGES[1],
        token_of(PAGES[1]): ZENODO / PAGES[2],
    }
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RecordedResponses)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/oai"
    httpd.shutdown()


@pytest.mark.parametrize(
    ("set_spec", "prefix", "records"),
    [("diva", "swepub_mods", 26), ("dspace", "oai_dc", 16), ("zenodo", "oai_dc", 9)],
)
def test_harvest_over_http_imports_real_responses(system, recorded_server, set_spec, prefix, records):
    results = list(harvest(system, recorded_server, prefix=prefix, set_spec=set_spec))
    assert len(results) == records
    assert not [r for r in results if r.status == "failed" and "gup.ub.gu.se" not in r.message], [
        str(r) for r in results if r.status == "failed"
    ]


def test_harvest_of_a_missing_page_reports_the_http_status(system, recorded_server):
    with pytest.raises(UnreadableFile) as raised:
        list(harvest(system, recorded_server, prefix="oai_dc", set_spec="nothing-here"))
    assert "HTTP 404" in str(raised.value)

"""Harvesting another repository over OAI-PMH into this one: `samla harvest`.

Pages are fetched one at a time and imported through the same path as files (`import_sources`), so a
harvested record is validated, matched and stored exactly like an imported one. After each page the
resumption token is saved: an interrupted harvest resumes at the page it was on, and a finished one
remembers when it started, so the next run asks only for what changed since (`from`).
"""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator

from samla.core.access import Actor
from samla.core.errors import InvalidInput

from .errors import UnreadableFile
from .models import HarvestState
from .oai_pmh import ListPage, read_list_page
from .services import ImportResult, import_run, import_sources

USER_AGENT = "Samla-harvester/1 (+https://github.com/samla)"
TIMEOUT_SECONDS = 60
RETRIES = 3

Fetch = Callable[[str], bytes]


def fetch_url(url: str) -> bytes:
    """GET `url`, waiting as the server asks on 503 Retry-After (the OAI-PMH flow-control convention)."""
    for attempt in range(RETRIES + 1):
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            if error.code == 503 and attempt < RETRIES:
                time.sleep(min(int(error.headers.get("Retry-After", "5") or 5), 120))
                continue
            raise UnreadableFile(f"HTTP {error.code} from the OAI-PMH server", path=url) from None
        except (urllib.error.URLError, TimeoutError) as error:
            if attempt < RETRIES:
                time.sleep(2**attempt)
                continue
            raise UnreadableFile(f"cannot reach the OAI-PMH server ({error})", path=url) from None
    raise AssertionError("unreachable")


def harvest(
    actor: Actor,
    base_url: str,
    *,
    prefix: str,
    set_spec: str = "",
    start: str = "",
    full: bool = False,
    fetch: Fetch = fetch_url,
    progress: Callable[[int], None] | None = None,
    dry_run: bool = False,
) -> Iterator[ImportResult]:
    """Harvest ListRecords from `base_url` and import every record; yields one result a record.

    Without `start` the harvest continues where the last one stopped (its resumption token) or asks for
    what changed since the last complete harvest; `full` ignores both. `dry_run` writes nothing (not
    even where the harvest stands) and yields what would happen.
    """
    if not base_url.startswith(("http://", "https://")):
        raise InvalidInput(f"{base_url!r} is not an http(s) URL.", fields={"base_url": "not a URL"})
    with import_run(actor, "harvest", f"{base_url} {prefix} {set_spec}".strip(), dry_run=dry_run) as run:
        state, _created = HarvestState.objects.get_or_create(
            base_url=base_url, metadata_prefix=prefix, set_spec=set_spec
        )
        url = _first_url(state, base_url, prefix=prefix, set_spec=set_spec, start=start, full=full)
        organisations: dict[tuple, int] = {}
        while url:
            page = _read(url, fetch)
            if not state.resumption_token:
                state.started = page.response_date
            yield from import_sources(actor, page.records, organisations, run, progress=progress)
            state.resumption_token = page.resumption_token
            if not page.resumption_token:
                state.harvested_until, state.started = state.started, ""
            state.save()
            url = _next_url(base_url, page.resumption_token) if page.resumption_token else ""


def _first_url(
    state: HarvestState, base_url: str, *, prefix: str, set_spec: str, start: str, full: bool
) -> str:
    if state.resumption_token and not (start or full):
        return _next_url(base_url, state.resumption_token)
    params = {"verb": "ListRecords", "metadataPrefix": prefix}
    if set_spec:
        params["set"] = set_spec
    since = start or ("" if full else state.harvested_until[:10])
    if since:
        params["from"] = since
    state.resumption_token = ""
    return f"{base_url}?{urllib.parse.urlencode(params)}"


def _next_url(base_url: str, token: str) -> str:
    return f"{base_url}?{urllib.parse.urlencode({'verb': 'ListRecords', 'resumptionToken': token})}"


def _read(url: str, fetch: Fetch) -> ListPage:
    return read_list_page(url, fetch(url))

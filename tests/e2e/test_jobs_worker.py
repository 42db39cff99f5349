"""A bibliography over the request limit goes through a background job on a real server and a real worker
(`samla jobs worker`), and survives the worker being killed under it (kill -9): the next worker runs it
again and the download is the whole bibliography.

The server and workers share the database of the e2e server (`live_url`), with limits low enough for the
demo corpus to pass them."""

from __future__ import annotations

import http.cookiejar
import re
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager

import pytest

from .conftest import BIN, ROOT, serving

LIMITS = {"SAMLA_STREAM_MAX_RECORDS": "5", "SAMLA_CITE_MAX_RECORDS": "5", "SAMLA_JOB_STALE_SECONDS": "2"}


@contextmanager
def _process(args: list, env: dict):
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


@pytest.fixture
def limited_url(live_url, server_database):
    """A second server on the e2e database, with low limits (and the e2e server's public address, which
    exports and bibliographies print)."""
    env = {**server_database, **LIMITS, "SAMLA_BASE_URL": live_url}
    with serving(env) as url:
        yield url, env


def _state(opener, job_url: str) -> tuple[str, str]:
    with opener.open(job_url, timeout=60) as response:
        page = response.read().decode()
    state = re.search(r'class="job" data-state="(\w+)"', page).group(1)
    return state, page


def _wait_for(opener, job_url: str, states: set[str], seconds: float) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state, _page = _state(opener, job_url)
        if state in states:
            return state
        time.sleep(0.02)
    raise AssertionError(f"the job did not reach {states} within {seconds} s")


def test_bibliography_job_survives_its_worker_killed_and_downloads_whole(limited_url, live_url):
    url, env = limited_url
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(f"{url}/search/cite?q=", timeout=60)
    assert refused.value.code == 413
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', refused.value.read().decode()).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode()
    with opener.open(f"{url}/search/cite?q=", data=data, timeout=60) as started:
        job_url = started.url
    assert re.fullmatch(rf"{url}/jobs/[0-9a-f-]{{36}}", job_url)
    assert _state(opener, job_url)[0] == "queued"

    with _process([BIN / "samla", "jobs", "worker", "--interval", "0.1"], env) as first:
        _wait_for(opener, job_url, {"running"}, seconds=60)
        first.send_signal(signal.SIGKILL)  # the worker dies under the job
    time.sleep(3)  # past SAMLA_JOB_STALE_SECONDS: the job is seen as lost
    with _process([BIN / "samla", "jobs", "worker", "--interval", "0.1"], env):
        assert _wait_for(opener, job_url, {"done", "failed"}, seconds=120) == "done"

    with opener.open(job_url + "/download", timeout=60) as response:
        body = response.read().decode()
    with urllib.request.urlopen(f"{live_url}/search/cite?q=", timeout=60) as response:
        streamed = response.read().decode()  # the e2e server's limits let it stream
    assert body == streamed
    assert body.count('<div class="csl-entry">') == _published_records(env)


def _published_records(env: dict) -> int:
    """The records a reader's bibliography of everything lists: the demo corpus and what other tests on the
    shared e2e database published meanwhile."""
    script = (
        "from samla.records.models import Record; print(Record.objects.filter(state='published').count())"
    )
    out = subprocess.run(
        [BIN / "python", "manage.py", "shell", "-v", "0", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout)

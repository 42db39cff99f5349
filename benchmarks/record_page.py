"""Record page throughput and latency under ab, against the same server sending a static file.

Targets: the record page reaches at least 25 % of the static-file request rate (issue #2), also for a
signed-in reader, whose page is not the anonymous cached copy and whose roles are asked (issue #19).
"""

from __future__ import annotations

import http.cookiejar
import re
import subprocess
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from benchmarks.harness import BIN, ROOT, ab, instance_env, manage, samla, server, table

SECONDS = 10
CONCURRENCY = 4
READER, PASSWORD = "bench-reader", "a reader's long benchmark password"


def run() -> str:
    env = instance_env()
    manage(env, "migrate", "--noinput", "-v", "0")
    samla(env, "demo", "load")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    subprocess.run(
        [BIN / "samla", "user", "create", READER, "--email", "reader@example.org", "--password-stdin"],
        cwd=ROOT, env=env, input=PASSWORD, text=True, check=True, capture_output=True,
    )  # fmt: skip
    with server(env) as url:
        # A worker's first record page builds APA's citation engine (seconds): wait for it, then warm up.
        with ThreadPoolExecutor(CONCURRENCY) as pool:
            list(pool.map(_fetch, [url + "/record/diva2:1897829"] * CONCURRENCY * 2))
        ab(url + "/record/diva2:1897829", seconds=2, concurrency=CONCURRENCY)
        static = ab(url + "/static/samla/samla.css", seconds=SECONDS, concurrency=CONCURRENCY)
        page = ab(url + "/record/diva2:1897829", seconds=SECONDS, concurrency=CONCURRENCY)
        session = _signed_in_cookie(url)
        signed_in = ab(
            url + "/record/diva2:1897829", seconds=SECONDS, concurrency=CONCURRENCY, cookie=session
        )
    ratio = page["rps"] / static["rps"]
    reader_ratio = signed_in["rps"] / static["rps"]
    rows = [
        ["what", "requests/s", "p50 ms", "p95 ms", "requests"],
        ["static file (baseline)", f"{static['rps']:.0f}", f"{static['p50']:.0f}", f"{static['p95']:.0f}",
         f"{static['requests']:.0f}"],
        ["record page diva2:1897829", f"{page['rps']:.0f}", f"{page['p50']:.0f}", f"{page['p95']:.0f}",
         f"{page['requests']:.0f}"],
        ["same page, signed-in reader", f"{signed_in['rps']:.0f}", f"{signed_in['p50']:.0f}",
         f"{signed_in['p95']:.0f}", f"{signed_in['requests']:.0f}"],
    ]  # fmt: skip
    verdict = "met" if ratio >= 0.25 else "NOT met"
    reader_verdict = "met" if reader_ratio >= 0.25 else "NOT met"
    return (
        "## Record page (issue #2)\n\n"
        f"gunicorn, 2 workers, SQLite; ApacheBench with keep-alive, {CONCURRENCY} concurrent clients, "
        f"{SECONDS} s each, on loopback.\n\n"
        + table(rows)
        + f"\n\nRecord page / static file request rate: **{ratio:.2f}** (target ≥ 0.25: {verdict}); "
        f"for a signed-in reader (issue #19): **{reader_ratio:.2f}** (target ≥ 0.25: {reader_verdict}).\n"
    )


def _signed_in_cookie(url: str) -> str:
    """Sign in through the sign-in page as a person would; the session cookie as ab sends it."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(url + "/accounts/login/", timeout=60) as page:
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.read()).group(1).decode()
    form = {"username": READER, "password": PASSWORD, "csrfmiddlewaretoken": token}
    request = urllib.request.Request(
        url + "/accounts/login/", data=urllib.parse.urlencode(form).encode(), headers={"Referer": url + "/"}
    )
    opener.open(request, timeout=60).close()
    session = next(cookie for cookie in jar if cookie.name == "sessionid")
    return f"sessionid={session.value}"


def _fetch(url: str) -> int:
    with urllib.request.urlopen(url, timeout=120) as response:
        return len(response.read())

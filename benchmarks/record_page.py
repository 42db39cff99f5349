"""Record page throughput and latency under ab, against the same server sending a static file.

Target (issue #2): the record page reaches at least 25 % of the static-file request rate.
"""

from __future__ import annotations

import urllib.request
from concurrent.futures import ThreadPoolExecutor

from benchmarks.harness import ab, instance_env, manage, samla, server, table

SECONDS = 10
CONCURRENCY = 4


def run() -> str:
    env = instance_env()
    manage(env, "migrate", "--noinput", "-v", "0")
    samla(env, "demo", "load")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    with server(env) as url:
        # Workers build the DiVA citation engines at start (seconds for APA): wait for them, then warm up.
        with ThreadPoolExecutor(CONCURRENCY) as pool:
            list(pool.map(_fetch, [url + "/record/diva2:1897829"] * CONCURRENCY * 2))
        ab(url + "/record/diva2:1897829", seconds=2, concurrency=CONCURRENCY)
        static = ab(url + "/static/samla/samla.css", seconds=SECONDS, concurrency=CONCURRENCY)
        page = ab(url + "/record/diva2:1897829", seconds=SECONDS, concurrency=CONCURRENCY)
    ratio = page["rps"] / static["rps"]
    rows = [
        ["what", "requests/s", "p50 ms", "p95 ms", "requests"],
        ["static file (baseline)", f"{static['rps']:.0f}", f"{static['p50']:.0f}", f"{static['p95']:.0f}",
         f"{static['requests']:.0f}"],
        ["record page diva2:1897829", f"{page['rps']:.0f}", f"{page['p50']:.0f}", f"{page['p95']:.0f}",
         f"{page['requests']:.0f}"],
    ]  # fmt: skip
    verdict = "met" if ratio >= 0.25 else "NOT met"
    return (
        "## Record page (issue #2)\n\n"
        f"gunicorn, 2 workers, SQLite; ApacheBench with keep-alive, {CONCURRENCY} concurrent clients, "
        f"{SECONDS} s each, on loopback.\n\n"
        + table(rows)
        + f"\n\nRecord page / static file request rate: **{ratio:.2f}** (target ≥ 0.25: {verdict}).\n"
    )


def _fetch(url: str) -> int:
    with urllib.request.urlopen(url, timeout=120) as response:
        return len(response.read())

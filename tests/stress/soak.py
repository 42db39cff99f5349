"""The memory soak of the reliability campaign (`python -m tests.stress.campaign --soak SECONDS`, issue 17).

One gunicorn worker (gunicorn.conf.py, its replacement after max_requests turned off so that growth shows
instead of being reset) serves the load mix of `benchmarks/load.py` — record pages, searches, OAI-PMH
pages, citations in several styles, exports, and the refused full-corpus bibliography and CSV export — to
16 keep-alive connections for SECONDS, over a generated corpus, while two more walk through every record
page as a crawler does. The worker's resident memory (RSS) is read
from /proc every SAMPLE seconds; the table of samples goes to docs/reliability.md. The target: at most
300 MB after an hour.
"""

from __future__ import annotations

import http.client
import itertools
import os
import random
import re
import subprocess
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.harness import BIN, ROOT, children, instance_env, manage, rss_mb, samla, server_process, table
from benchmarks.load import RECORD_PAGES

RECORDS = int(os.environ.get("SAMLA_SOAK_RECORDS", "10000"))
CRAWLERS = 2  # connections walking through every record page
SAMPLE = 30  # seconds between two readings of the worker's memory
ROUND = 30  # seconds of one ApacheBench run; the load is rounds of them until the end
TARGET_MB = 300
# Settings that change a worker's memory, named in the report when the run sets them.
TUNING = [
    "SAMLA_CITATION_ENGINE_BUDGET_MB",
    "SAMLA_CITATION_WARM_UP",
    "SAMLA_CACHE_MAX_ENTRIES",
    "SAMLA_THREADS",
    "SAMLA_HEAVY_THREADS",
    "SAMLA_MALLOC_ARENAS",
]
STYLES = ["apa", "ieee", "vancouver"]


def mix(url: str) -> list[tuple[str, int]]:
    """(URL, connections): 16 in all; the citations rotate through styles so each gets an engine."""
    seed = RECORD_PAGES[0]
    return [
        *[(f"{url}/record/{local_id}", 1) for local_id in RECORD_PAGES],
        (f"{url}/search/?q=leadership", 1),
        (f"{url}/search/?q=health&sort=year_desc", 1),
        (f"{url}/oai?verb=ListRecords&metadataPrefix=oai_dc", 1),
        (f"{url}/oai?verb=ListRecords&metadataPrefix=swepub_mods", 1),
        *[(f"{url}/record/{seed}/cite?style={style}", 1) for style in STYLES],
        (f"{url}/record/{seed}/export/bibtex", 1),
        (f"{url}/search/export/csv?q=leadership", 1),
        (f"{url}/search/feed.atom?q=health", 1),
        (f"{url}/search/cite?q=", 1),  # the whole corpus: refused with its limit
        (f"{url}/search/export/csv?q=", 1),
    ]


def main(seconds: float, write: Path | None) -> None:
    env = {**instance_env(), "SAMLA_WORKERS": "1", "SAMLA_MAX_REQUESTS": "0"}
    manage(env, "migrate", "--noinput", "-v", "0")
    samla(env, "demo", "load")
    generate = [BIN / "python", "-m", "benchmarks.search", "generate", str(RECORDS)]
    subprocess.run(generate, cwd=ROOT, env=env, check=True)
    samla(env, "reindex")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    with server_process(env, workers=1) as (url, master):
        samples, requests, errors = soak(url, master.pid, seconds)
    text = report(samples, requests, errors, seconds)
    print(text)
    if write:
        _write(write, text)


def soak(url: str, master: int, seconds: float) -> tuple[list[tuple[float, int, float]], int, int]:
    """The load for `seconds`; the samples (minutes, worker pid, RSS MB), requests and errors."""
    (worker,) = children(master)
    started = time.monotonic()
    deadline = started + seconds
    samples = [(0.0, worker, rss_mb(worker))]
    totals = {"requests": 0, "errors": 0}
    lock = threading.Lock()

    def load(target: str, connections: int) -> None:
        while (left := deadline - time.monotonic()) > 1:
            got = _ab(target, connections, min(ROUND, int(left)))
            with lock:
                totals["requests"] += got[0]
                totals["errors"] += got[1]
                if got[1]:
                    print(f"{got[1]} errors: {target}", flush=True)

    def crawl() -> None:
        """A crawler's walk through every record page, in an order of its own: each page enters the
        worker's page cache once, so the cache's bound is what holds its memory."""
        order = random.Random(17).sample(range(RECORDS), RECORDS)
        host = urllib.parse.urlsplit(url)
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
        for n in itertools.cycle(order):
            if time.monotonic() > deadline:
                break
            connection.request("GET", f"/record/bench:{n}")
            response = connection.getresponse()
            response.read()
            with lock:
                totals["requests"] += 1
                totals["errors"] += response.status != 200

    with ThreadPoolExecutor(len(mix(url)) + CRAWLERS) as pool:
        runs = [pool.submit(load, target, connections) for target, connections in mix(url)]
        runs += [pool.submit(crawl) for _ in range(CRAWLERS)]
        while time.monotonic() < deadline:
            time.sleep(min(SAMPLE, max(0.0, deadline - time.monotonic())))
            (worker,) = children(master) or [worker]
            samples.append(((time.monotonic() - started) / 60, worker, rss_mb(worker)))
        for run in runs:
            run.result()
    return samples, totals["requests"], totals["errors"]


def _ab(url: str, connections: int, seconds: int) -> tuple[int, int]:
    """ApacheBench (keep-alive) on one URL: requests answered, and failures other than the expected 413."""
    out = subprocess.run(
        ["ab", "-q", "-k", "-l", "-t", str(seconds), "-n", "10000000", "-c", str(connections), url],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    done = re.search(r"Complete requests:\s+(\d+)", out)
    failed = re.search(r"Failed requests:\s+(\d+)", out)
    non_2xx = re.search(r"Non-2xx responses:\s+(\d+)", out)
    refused_on_purpose = url.endswith("?q=")
    errors = (int(failed.group(1)) if failed else 1) + (
        int(non_2xx.group(1)) if non_2xx and not refused_on_purpose else 0
    )
    return (int(done.group(1)) if done else 0), errors


def report(samples: list[tuple[float, int, float]], requests: int, errors: int, seconds: float) -> str:
    rows = [["minute", "worker RSS MB"]]
    step = max(1, len(samples) // 20)
    shown = samples[::step] + ([samples[-1]] if (len(samples) - 1) % step else [])
    rows += [[f"{minute:.1f}", f"{mb:.0f}"] for minute, _, mb in shown]
    workers = len({pid for _, pid, _ in samples})
    half = [mb for minute, _, mb in samples if minute >= samples[-1][0] / 2]
    last_half_growth = (half[-1] - half[0]) / max(samples[-1][0] - samples[-1][0] / 2, 1e-9) if half else 0
    peak = max(mb for _, _, mb in samples)
    tuned = [f"{name}={os.environ[name]}" for name in TUNING if name in os.environ]
    return (
        f"## Memory soak, {', '.join(tuned) if tuned else 'default settings'}\n\n"
        f"`python -m tests.stress.campaign --soak {seconds:g}`: one gunicorn worker (8 page threads and "
        "the heavy routes' own, replacement after max_requests turned off), 16 keep-alive connections over "
        "the load mix (record pages, searches, two OAI-PMH formats, citations in three styles, exports, "
        "a feed, the refused full-corpus bibliography and CSV export) and 2 crawling every record page in "
        f"turn, for {seconds / 60:.0f} minutes over "
        f"{RECORDS:,} generated records on SQLite, "
        f"{'with ' + ', '.join(tuned) if tuned else 'default settings'}; "
        f"{requests:,} requests, {errors} errors, "
        f"{'the same worker throughout' if workers == 1 else f'{workers} workers (one was replaced)'}. "
        f"Peak RSS **{peak:.0f} MB**, last **{samples[-1][2]:.0f} MB** (target: ≤ {TARGET_MB} MB after an "
        f"hour); growth over the second half {last_half_growth:+.1f} MB a minute.\n\n" + table(rows) + "\n"
    )


def _write(path: Path, text: str) -> None:
    """The soak's section between its markers in docs/reliability.md (before the campaign's table),
    replacing the one of the same heading (the same settings) and keeping the others."""
    content = path.read_text(encoding="utf-8")
    start, end = "<!-- soak -->\n", "<!-- /soak -->\n"
    if start not in content:
        before, rest = content.split("<!-- campaign -->", 1)
        content = before + start + end + "\n<!-- campaign -->" + rest
    before, rest = content.split(start, 1)
    inside, after = rest.split(end, 1)
    sections = {chunk.split("\n", 1)[0]: "## " + chunk.strip() + "\n" for chunk in inside.split("## ")[1:]}
    sections[text.split("\n", 1)[0].removeprefix("## ")] = text.strip() + "\n"
    path.write_text(before + start + "\n".join(sections.values()) + end + after, encoding="utf-8")

"""Load with heavy requests (issue #17): 64 connections over a mix of record pages, searches, OAI-PMH pages,
citations and exports, first alone and then while two clients ask for a bibliography and a CSV export of
the whole corpus, through the server `make run` starts (gunicorn.conf.py) and a job worker beside it.

Each heavy request must be refused at once with its limit (413) and then finished through a background
job; the mix must see no error and no worker may be killed. The record pages' p99 in both phases shows
whether a heavy request holds a record page behind it. The machine is shared, so a baseline is measured
in the same run: the same 64 connections asking the same server for a static file (WhiteNoise), whose
p99 is what the machine gives the cheapest answer at that moment; the record pages' p99 is also given
as a ratio to it, with the other processes that were taking the CPU. Loopback only; every client stops
by itself (`ab -t`, and the heavy clients at a deadline).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.harness import BIN, ROOT, instance_env, manage, samla, server, table

RECORDS = int(os.environ.get("BENCH_LOAD_RECORDS", "10000"))
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
BASELINE_REQUESTS = 6400  # a count, not a time: a worker's max_requests are not spent on the baseline
JOB_WAIT = 600  # seconds a heavy client waits for its job after the mix has ended, at most
RECORD_PAGES = [
    "diva2:1897829",
    "lup:3070384e-0534-4580-aa7f-0da5c79f6594",
    "diva:liu-140926",
    "diva:rkh-1935",
]
HEAVY = {"bibliography": "/search/cite?q=", "CSV export": "/search/export/csv?q="}


def mix(url: str, person: str) -> list[tuple[str, str, int]]:
    """(kind, URL, connections): 64 connections in all."""
    seed = RECORD_PAGES[0]
    return [
        *[("record page", f"{url}/record/{local_id}", 6) for local_id in RECORD_PAGES],
        ("search", f"{url}/search/?q=leadership", 6),
        ("search", f"{url}/search/?q=health&sort=year_desc", 6),
        ("OAI-PMH page", f"{url}/oai?verb=ListRecords&metadataPrefix=oai_dc", 8),
        ("citation", f"{url}/record/{seed}/cite?style=apa", 6),
        ("citation", f"{url}/record/{seed}/cite?style=ieee&format=text", 4),
        ("export", f"{url}/record/{seed}/export/bibtex", 5),
        ("export", f"{url}/person/{person}/export/ris", 5),
    ]


def run() -> str:
    env = instance_env()
    log = Path(env["SAMLA_DATA_DIR"]) / "gunicorn.log"
    manage(env, "migrate", "--noinput", "-v", "0")
    samla(env, "demo", "load")
    subprocess.run(
        [BIN / "python", "-m", "benchmarks.search", "generate", str(RECORDS)], cwd=ROOT, env=env, check=True
    )
    samla(env, "reindex")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    with server(env, log=log) as url, _job_worker(env):
        total = _warm_up(url)
        load_average = os.getloadavg()[0]
        others = _other_processes()
        page = _get(f"{url}/record/{RECORD_PAGES[0]}")
        person = re.search(r'href="/person/(\d+)"', page).group(1)
        static = re.search(r'href="(/static/[^"]+\.css)"', page).group(1)
        baseline = _ab(url + static, 64, requests=BASELINE_REQUESTS)
        alone = _phase(url, person, heavy=False)
        loaded = _phase(url, person, heavy=True)
        kills = log.read_text().count("WORKER TIMEOUT")
        restarts = log.read_text().count("Autorestarting worker")
        # The same mix served by plain gthread (one queue, one pool) for comparison; last, because the
        # second server's data directory is removed when it stops.
        with server({**env, "GUNICORN_CMD_ARGS": "--worker-class gthread"}) as plain_url:
            _warm_up(plain_url)
            plain = _phase(plain_url, person, heavy=False)
    machine = Machine(load_average, others, baseline, restarts)
    return report(total, alone, loaded, kills, machine, plain)


@dataclass
class Machine:
    """What the machine gave at the time: the load average and the other busiest processes when the
    run began, and the static file baseline."""

    load_average: float
    others: list[str]
    baseline: dict
    restarts: int  # workers replaced after max_requests while the mix ran


def _other_processes() -> list[str]:
    """The busiest processes not of this run (by CPU share over their life), as "name pcpu%"."""
    out = subprocess.run(
        ["ps", "-eo", "pid,ppid,pcpu,comm", "--sort=-pcpu", "--no-headers"], capture_output=True, text=True
    ).stdout
    processes = [line.split(None, 3) for line in out.splitlines()]
    mine = {os.getpid()}
    while grown := {int(p) for p, parent, _, _ in processes if int(parent) in mine} - mine:
        mine |= grown
    return [
        f"{command} {float(pcpu):.0f}%"
        for pid, _, pcpu, command in processes
        if int(pid) not in mine and float(pcpu) >= 5
    ][:6]


@dataclass
class Phase:
    ab: dict[str, list[dict]] = field(default_factory=dict)  # kind → one result per URL
    heavy: dict[str, dict] = field(default_factory=dict)  # heavy client → what it saw


def _phase(url: str, person: str, *, heavy: bool) -> Phase:
    phase = Phase()
    clients = []
    if heavy:
        deadline = time.monotonic() + SECONDS
        for name, path in HEAVY.items():
            result: dict = {}
            phase.heavy[name] = result
            clients.append(threading.Thread(target=_heavy_client, args=(url + path, deadline, result)))
    for client in clients:
        client.start()
    with ThreadPoolExecutor(16) as pool:
        runs = [(kind, pool.submit(_ab, u, c)) for kind, u, c in mix(url, person)]
        for kind, future in runs:
            phase.ab.setdefault(kind, []).append(future.result())
    for client in clients:
        client.join()
    return phase


def _heavy_client(url: str, deadline: float, result: dict) -> None:
    """Ask for the whole list until `deadline`: each GET must be refused at once (413); then prepare it as
    a job, wait for it and download the file."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    result.update(refusals=[], statuses=set(), jobs=[], failed=0)
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            opener.open(url, timeout=120).read()
            result["statuses"].add(200)
            continue
        except urllib.error.HTTPError as error:
            body = error.read().decode()
            result["statuses"].add(error.code)
        result["refusals"].append(time.monotonic() - started)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        started = time.monotonic()
        with opener.open(
            url, data=urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode(), timeout=120
        ) as r:
            job_url = r.url
        state = _wait_for_job(opener, job_url, deadline + JOB_WAIT)
        if state != "done":
            result["failed"] += 1
            return
        with opener.open(job_url + "/download", timeout=300) as response:
            size = len(response.read())
        result["jobs"].append((time.monotonic() - started, size))


def _wait_for_job(opener, job_url: str, until: float) -> str:
    while time.monotonic() < until:
        with opener.open(job_url, timeout=120) as response:
            state = re.search(r'data-state="(\w+)"', response.read().decode()).group(1)
        if state in ("done", "failed"):
            return state
        time.sleep(1)
    return "unfinished"


def _ab(url: str, concurrency: int, *, requests: int = 0) -> dict:
    """ApacheBench (keep-alive) for SECONDS, or for `requests` requests: requests, failures, non-2xx
    answers, percentiles in ms, answers a second."""
    bound = ["-n", str(requests)] if requests else ["-t", str(SECONDS), "-n", "10000000"]
    out = subprocess.run(
        ["ab", "-q", "-k", "-l", *bound, "-c", str(concurrency), url],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    non_2xx = re.search(r"Non-2xx responses:\s+(\d+)", out)
    percentiles = {int(p): float(ms) for p, ms in re.findall(r"^\s+(\d+)%\s+(\d+)", out, re.M)}
    return {
        "requests": int(re.search(r"Complete requests:\s+(\d+)", out).group(1)),
        "errors": int(re.search(r"Failed requests:\s+(\d+)", out).group(1))
        + (int(non_2xx.group(1)) if non_2xx else 0),
        "p50": percentiles[50],
        "p99": percentiles[99],
        "rps": float(re.search(r"Requests per second:\s+([\d.]+)", out).group(1)),
    }


@contextmanager
def _job_worker(env: dict):
    worker = subprocess.Popen(
        [BIN / "samla", "jobs", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        worker.terminate()
        worker.wait(timeout=60)


def _warm_up(url: str) -> int:
    """Wait for the workers' citation engines, fill the record page caches; returns the corpus size."""
    for _ in range(4):
        for local_id in RECORD_PAGES:
            _get(f"{url}/record/{local_id}")
    count = re.search(r'class="result-count">([^<]+)', _get(f"{url}/search/?q=")).group(1)
    return int(re.sub(r"\D", "", count))


def _figures(runs: list[dict]) -> list[str]:
    """Requests and errors of a kind's URLs together; p50 and p99 of the worst of them."""
    return [
        f"{sum(r['requests'] for r in runs):,}",
        str(sum(r["errors"] for r in runs)),
        f"{max(r['p50'] for r in runs):.0f}",
        f"{max(r['p99'] for r in runs):.0f}",
    ]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=300) as response:
        return response.read().decode()


def report(total: int, alone: Phase, loaded: Phase, kills: int, machine: Machine, plain: Phase) -> str:
    rows = [["what", "requests alone", "errors", "p50 ms", "p99 ms",
             "requests with heavy clients", "errors", "p50 ms", "p99 ms",
             "plain gthread: requests alone", "errors", "p50 ms", "p99 ms"]]  # fmt: skip
    base = machine.baseline
    rows.append([
        "static file (baseline)", f"{base['requests']:,}", str(base["errors"]), f"{base['p50']:.0f}",
        f"{base['p99']:.0f}", *[""] * 8,
    ])  # fmt: skip
    for kind, runs in alone.ab.items():
        rows.append([kind, *_figures(runs), *_figures(loaded.ab[kind]), *_figures(plain.ab[kind])])
    errors = sum(r["errors"] for phase in (alone, loaded) for runs in phase.ab.values() for r in runs)
    heavy_rows = [["heavy client", "GET answers", "refusal ms (max)", "jobs done", "job s (max)", "file MB",
                   "jobs failed"]]  # fmt: skip
    for name, seen in loaded.heavy.items():
        jobs = seen["jobs"]
        heavy_rows.append([
            f"{name} of the whole corpus",
            ", ".join(str(s) for s in sorted(seen["statuses"])),
            f"{max(seen['refusals']) * 1000:.0f}" if seen["refusals"] else "",
            str(len(jobs)),
            f"{max(t for t, _ in jobs):.0f}" if jobs else "",
            f"{max(size for _, size in jobs) / 1e6:.1f}" if jobs else "",
            str(seen["failed"]),
        ])  # fmt: skip
    record_alone = max(r["p99"] for r in alone.ab["record page"])
    record_loaded = max(r["p99"] for r in loaded.ab["record page"])
    record_plain = max(r["p99"] for r in plain.ab["record page"])
    static_p99 = max(base["p99"], 1)
    return (
        "## Load with heavy requests (issue #17)\n\n"
        f"`make bench SUITES=load`: {total:,} records on SQLite; the server as `make run` starts it "
        "(gunicorn.conf.py: 2 worker processes, each with 8 threads for pages and 2 of their own for the "
        "heavy routes, samla.core.workers) and `samla jobs worker` beside it, on the same 2 cores as the "
        f"clients. Other work on the machine when it began: load average {machine.load_average:.1f}; "
        f"busiest other processes {', '.join(machine.others) or 'none'}. The baseline, in the same run: "
        f"the same 64 connections asking {base['requests']:,} times for a static file "
        f"({base['rps']:,.0f} answers/s, p99 {base['p99']:.0f} ms). Then 64 "
        f"keep-alive connections (ApacheBench, one run per URL) for {SECONDS} s over the mix, first alone, "
        "then while two clients ask for a bibliography and a CSV export of the whole corpus, again and "
        "again: each GET is refused at once with its limit (413), and the client then prepares the file "
        "as a background job, waits for it and downloads it.\n\n"
        + table(rows)
        + "\n\n"
        + table(heavy_rows)
        + f"\n\nErrors in the mix: **{errors}**; worker timeouts (kills): **{kills}**; workers replaced "
        f"after `max_requests` while it ran: {machine.restarts}. Record page p99: "
        f"**{record_alone:.0f} ms** alone, **{record_loaded:.0f} ms** with the heavy clients (target "
        f"≤ 200 ms); as a ratio to the static file's p99 under the same 64 connections: "
        f"**{record_alone / static_p99:.2f}** alone, **{record_loaded / static_p99:.2f}** with the heavy "
        f"clients; with the heavy clients / alone: **{record_loaded / max(record_alone, 1):.2f}**. "
        f"The same mix alone served by plain gthread (one queue and one pool of 8 threads a process, as "
        f"before; measured last, on a second server over the same database): record page p99 "
        f"**{record_plain:.0f} ms** ({record_plain / static_p99:.2f} of the static file's). "
        "p50 and p99 are those of the worst URL of each kind. The heavy routes (searches, OAI-PMH, list "
        "exports, bibliographies) queue for their own threads, so a record page waits only for other "
        "pages; what the heavy clients add is the job worker's work, at a lower CPU priority.\n"
    )

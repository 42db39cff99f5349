"""Shared pieces of the benchmark suites: a fresh Samla instance, a real server, and ab runs."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def instance_env(database_url: str | None = None) -> dict[str, str]:
    """Environment for a fresh instance in a temporary data directory (SQLite unless a URL is given)."""
    env = {**os.environ, "SAMLA_DATA_DIR": tempfile.mkdtemp(prefix="samla-bench-")}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([BIN / "python", "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


def samla(env: dict[str, str], *args: str) -> None:
    subprocess.run([BIN / "samla", *args], cwd=ROOT, env=env, check=True, capture_output=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(env: dict[str, str], workers: int = 2, log: Path | None = None):
    """A gunicorn server on a free loopback port (its settings from gunicorn.conf.py, as `make run`); yields
    its base URL. Its own log (worker starts, timeouts) goes to `log` when given."""
    with server_process(env, workers, log) as (url, _):
        yield url


@contextmanager
def server_process(env: dict[str, str], workers: int = 2, log: Path | None = None):
    """As `server`, yielding its URL and gunicorn's master process (whose children are the workers)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [BIN / "gunicorn", "samla.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
        cwd=ROOT,
        env={**env, "SAMLA_BASE_URL": url},
        stdout=subprocess.DEVNULL,
        stderr=log.open("w") if log else subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120  # a loaded machine starts workers slowly
        while True:
            try:
                urllib.request.urlopen(url + "/", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield url, process
    finally:
        process.terminate()
        process.wait(timeout=20)
        shutil.rmtree(env["SAMLA_DATA_DIR"], ignore_errors=True)


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (gunicorn's workers)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{pid}$", text, re.M):
            found.append(int(status.parent.name))
    return found


def rss_mb(pid: int) -> float:
    """The resident memory of process `pid` in MB (0 when it is gone)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    return int(re.search(r"^VmRSS:\s+(\d+) kB", text, re.M).group(1)) / 1024


def ab(url: str, *, seconds: int = 10, concurrency: int = 4, cookie: str = "") -> dict[str, float]:
    """ApacheBench (keep-alive) for a bounded time: requests/s and latency percentiles in ms. `cookie`
    ("name=value") is sent with every request, e.g. a signed-in session."""
    extra = ["-C", cookie] if cookie else []
    result = subprocess.run(
        ["ab", "-q", "-k", "-l", "-t", str(seconds), "-n", "1000000", "-c", str(concurrency), *extra, url],
        capture_output=True,
        text=True,
        check=True,
    )
    out = result.stdout
    failed = int(re.search(r"Failed requests:\s+(\d+)", out).group(1))
    non_2xx = re.search(r"Non-2xx responses:\s+(\d+)", out)
    if failed or non_2xx:
        raise RuntimeError(f"ab saw failures for {url}:\n{out}")
    percentiles = dict(re.findall(r"^\s+(\d+)%\s+(\d+)", out, re.M))
    return {
        "rps": float(re.search(r"Requests per second:\s+([\d.]+)", out).group(1)),
        "p50": float(percentiles["50"]),
        "p95": float(percentiles["95"]),
        "requests": float(re.search(r"Complete requests:\s+(\d+)", out).group(1)),
    }


def table(rows: list[list[str]]) -> str:
    head, *body = rows
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in body]
    return "\n".join(lines)

"""A real Samla server for end-to-end tests: its own database, migrated and loaded by the real commands,
served by gunicorn on a free loopback port.

Under DATABASE_URL=postgres://… the server gets a database of its own on the same PostgreSQL server,
dropped afterwards; otherwise a SQLite file in a temporary data directory.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_admin(url: str, sql: str) -> None:
    import psycopg

    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql)


@contextmanager
def instance_database(data_dir: Path, name: str) -> Iterator[dict[str, str]]:
    """The environment of a Samla instance with a database of its own: a SQLite file in `data_dir`, or,
    under DATABASE_URL=postgres://…, database `name` on the same server, dropped afterwards."""
    env = {**os.environ, "SAMLA_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "samla.settings"}
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        env.pop("DATABASE_URL", None)
        yield env
        return
    _postgres_admin(url, f"DROP DATABASE IF EXISTS {name}")
    _postgres_admin(url, f"CREATE DATABASE {name}")
    env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
    try:
        yield env
    finally:
        _postgres_admin(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def server_database(tmp_path_factory) -> Iterator[dict[str, str]]:
    """The database of the shared server (`live_url`), which holds the demo corpus."""
    with instance_database(tmp_path_factory.mktemp("samla-e2e"), f"samla_e2e_{os.getpid()}") as env:
        yield env


@pytest.fixture
def empty_database(tmp_path) -> Iterator[dict[str, str]]:
    """A database of this test's own, not yet migrated: for tests that count what a command wrote."""
    with instance_database(tmp_path, f"samla_e2e_empty_{os.getpid()}") as env:
        yield env


@pytest.fixture(scope="session")
def live_url(server_database) -> Iterator[str]:
    """The base URL of a running server holding the demo corpus."""
    env = server_database
    run = {"cwd": ROOT, "env": env, "check": True, "capture_output": True}
    subprocess.run([BIN / "python", "manage.py", "migrate", "--noinput", "-v", "0"], **run)
    subprocess.run([BIN / "samla", "demo", "load"], **run)
    subprocess.run([BIN / "python", "manage.py", "collectstatic", "--noinput", "-v", "0"], **run)
    with serving(env, workers=2, public=True) as url:
        yield url


@contextmanager
def serving(env: dict[str, str], *, workers: int = 1, public: bool = False) -> Iterator[str]:
    """gunicorn serving the project on a free loopback port, once it answers; its URL. `public`: the
    server's own address is its SAMLA_BASE_URL (what exports and links print)."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**env, "SAMLA_BASE_URL": url} if public else env
    args = [BIN / "gunicorn", "samla.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    server = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_until_up(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


def _wait_until_up(url: str, server: subprocess.Popen, seconds: float = 120) -> None:
    """Wait for the first answer; generous, because workers start slowly on a loaded 2-core machine."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"server exited: {server.stderr.read().decode()}")
        try:
            urllib.request.urlopen(url + "/", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not answer within {seconds:.0f} s")

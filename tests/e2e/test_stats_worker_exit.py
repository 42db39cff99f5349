"""Usage events a gunicorn worker keeps in memory (SAMLA_STATS_BUFFER_SECONDS) are written when the server
stops normally, not lost: `stats.edge` flushes them at interpreter exit, which gunicorn workers reach on
SIGTERM (graceful stop), SIGQUIT, SIGHUP reloads, max-requests recycling and worker timeouts.

The server runs on an instance database of its own: the buffered events must not mix with the counts of the
shared e2e server."""

from __future__ import annotations

import signal
import subprocess
import urllib.request

from .conftest import BIN, ROOT, _free_port, _wait_until_up

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def _events(env: dict[str, str]) -> int:
    script = (
        "import django; django.setup()\n"
        "from samla.stats.models import UsageEvent\n"
        "print(UsageEvent.objects.count())\n"
    )
    result = subprocess.run(
        [BIN / "python", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return int(result.stdout.split()[-1])


def test_gunicorn_graceful_stop_writes_buffered_usage_events(empty_database):
    env = empty_database
    run = {"cwd": ROOT, "env": env, "check": True, "capture_output": True}
    subprocess.run([BIN / "python", "manage.py", "migrate", "--noinput", "-v", "0"], **run)
    subprocess.run([BIN / "samla", "demo", "load"], **run)
    port = _free_port()
    server = subprocess.Popen(
        [BIN / "gunicorn", "samla.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env={**env, "SAMLA_STATS_BUFFER_SECONDS": "3600"},  # the timer never fires during the test
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_until_up(f"http://127.0.0.1:{port}", server)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/record/diva2:1897829", headers={"User-Agent": FIREFOX}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 200
        assert _events(env) == 0  # kept in the worker's memory

        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()

    assert _events(env) == 1

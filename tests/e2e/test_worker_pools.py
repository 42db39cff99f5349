"""gunicorn's worker (samla.core.workers) over real sockets: heavy routes queue for threads of their own,
so a record page is answered while every heavy thread is taken."""

import socket
import urllib.parse

import pytest

from .conftest import serving

pytestmark = pytest.mark.e2e


def _send(url: str, path: str, *, complete: bool = True) -> socket.socket:
    """A connection that has sent a GET of `path` (its headers not ended unless `complete`)."""
    address = urllib.parse.urlsplit(url)
    connection = socket.create_connection((address.hostname, address.port), timeout=60)
    ending = b"Connection: close\r\n\r\n" if complete else b""
    connection.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode() + ending)
    return connection


def _status(connection: socket.socket) -> int:
    """The status of the answer on `connection`, read to its end."""
    answer = b""
    while chunk := connection.recv(65536):
        answer += chunk
    connection.close()
    return int(answer.split(b" ", 2)[1])


def test_a_record_page_is_answered_while_the_heavy_threads_are_taken(live_url, server_database):
    env = {**server_database, "SAMLA_HEAVY_THREADS": "1"}
    with serving(env, workers=1) as url:
        holding = _send(url, "/search/?q=health", complete=False)  # the one heavy thread waits for it
        waiting = _send(url, "/oai?verb=Identify")
        try:
            assert _status(_send(url, "/record/diva2:1897829")) == 200
            waiting.settimeout(2)
            with pytest.raises(TimeoutError):
                waiting.recv(1)  # queued behind the heavy request, not in a page thread
            waiting.settimeout(60)
            holding.sendall(b"Connection: close\r\n\r\n")
            assert _status(holding) == 200
            assert _status(waiting) == 200
        finally:
            holding.close()
            waiting.close()

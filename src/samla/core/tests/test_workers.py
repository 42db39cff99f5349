"""Which requests gunicorn's worker sends to the heavy routes' threads (samla.core.workers)."""

import socket

import pytest

from samla.core.workers import is_heavy, peek


@pytest.mark.parametrize(
    "line",
    [
        b"GET /search/?q=health HTTP/1.1",
        b"GET /search/ HTTP/1.1",
        b"HEAD /search/export/csv?q= HTTP/1.1",
        b"GET /search/feed.atom?q=x HTTP/1.1",
        b"POST /search/cite HTTP/1.1",
        b"GET /api/search/?q=a HTTP/1.1",
        b"GET /oai?verb=ListRecords&metadataPrefix=oai_dc HTTP/1.1",
        b"POST /oai HTTP/1.1",
        b"GET /person/12/export/ris HTTP/1.1",
        b"GET /organisation/3/cite?style=apa HTTP/1.1",
        b"GET /journal/7/export/csv HTTP/1.1",
    ],
)
def test_lists_and_searches_are_heavy(line):
    assert is_heavy(line + b"\r\nHost: x\r\n\r\n")


@pytest.mark.parametrize(
    "line",
    [
        b"GET /record/diva2:1897829 HTTP/1.1",
        b"GET /record/diva2:1897829/cite?style=apa HTTP/1.1",
        b"GET /record/diva2:1897829/export/bibtex HTTP/1.1",
        b"GET /person/12 HTTP/1.1",
        b"GET /searchable HTTP/1.1",
        b"GET /static/samla.css HTTP/1.1",
        b"GET /api/records/diva2:1897829 HTTP/1.1",
        b"GET /?next=/search/ HTTP/1.1",
        b"",
        b"\x16\x03\x01 TLS",
    ],
)
def test_pages_and_files_are_not(line):
    assert not is_heavy(line)


def test_peek_leaves_the_bytes_and_tells_nothing_yet_from_closed():
    left, right = socket.socketpair()
    with left, right:
        assert peek(right) is None
        left.sendall(b"GET /oai HTTP/1.1\r\n")
        assert peek(right) == b"GET /oai HTTP/1.1\r\n"
        assert right.recv(100) == b"GET /oai HTTP/1.1\r\n"
        left.close()
        assert peek(right) == b""

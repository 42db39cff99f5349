"""A corrupted file is never delivered whole (issue 17), against a real gunicorn server: a download of
bytes with one flipped byte is broken off before its last byte (the client sees an incomplete transfer),
the file is then refused (503), and once its bytes are restored the next request checks them and serves
the file again, without a `samla fixity` run.

The server runs on an instance database and file store of its own: the flipped byte must not reach the
shared e2e server's files."""

from __future__ import annotations

import http.client
import re
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests import TESTDATA

from .conftest import BIN, ROOT, serving

PDF = TESTDATA / "pdf" / "pysample-026-multicolumn.pdf"
RECORD = "diva2:1897829"


@pytest.fixture
def server(empty_database):
    env = empty_database
    run = {"cwd": ROOT, "env": env, "check": True, "capture_output": True, "text": True}
    subprocess.run([BIN / "python", "manage.py", "migrate", "--noinput", "-v", "0"], **run)
    subprocess.run([BIN / "samla", "demo", "load"], **run)
    subprocess.run([BIN / "samla", "attach", RECORD, str(PDF)], **run)
    with serving(env) as url:
        yield url, Path(env["SAMLA_DATA_DIR"])


def _download_url(url: str) -> str:
    with urllib.request.urlopen(f"{url}/record/{RECORD}", timeout=60) as response:
        page = response.read().decode()
    return url + re.search(r'href="(/record/[^"]+/file/[^"]+)"', page).group(1)


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_flipped_byte_cuts_the_download_and_restored_bytes_are_served_again(server):
    url, data_dir = server
    data = PDF.read_bytes()
    (blob,) = (data_dir / "files").glob("*/*/*")
    download = _download_url(url)
    assert _get(download) == (200, data)

    blob.chmod(0o644)
    blob.write_bytes(data[:1000] + bytes([data[1000] ^ 1]) + data[1001:])
    with pytest.raises(http.client.IncompleteRead) as cut:
        _get(download)
    assert len(cut.value.partial) == len(data) - 1  # all but the last byte, then the connection closes
    status, body = _get(download)
    assert status == 503 and b"is damaged in the store" in body

    blob.write_bytes(data)  # restored from a backup
    assert _get(download) == (200, data)

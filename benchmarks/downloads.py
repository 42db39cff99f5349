"""Download throughput: a full-text PDF through `/record/<id>/file/<n>/<name>` against the same bytes sent
as a static file by the same server (WhiteNoise), in the same run.

Issue #6 asks for the ratio. Two sizes: a real 79 kB PDF, where the cost per request (the access check,
its queries, COUNTER counting) dominates, and a generated 4 MB PDF, where sending the bytes does.
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.request
from pathlib import Path

from tests import TESTDATA

from benchmarks.harness import ab, instance_env, manage, samla, server, table

SECONDS = 8
CONCURRENCY = 4
RECORD = "diva2:1897829"
PDF_DIR = TESTDATA / "pdf"
SMALL_PDF = PDF_DIR / "pysample-026-multicolumn.pdf"
LARGE_BYTES = 4 * 1024 * 1024


def run() -> str:
    env = instance_env()
    data_dir = Path(env["SAMLA_DATA_DIR"])
    manage(env, "migrate", "--noinput", "-v", "0")
    samla(env, "demo", "load")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    pdfs = [_copy(SMALL_PDF, data_dir / "bench-small.pdf"), _large_pdf(data_dir / "bench-large.pdf")]
    samla(env, "attach", RECORD, *map(str, pdfs))
    for pdf in pdfs:  # WhiteNoise serves what is in STATIC_ROOT when the server starts
        shutil.copy(pdf, data_dir / "static" / pdf.name)
    rows = [["what", "size", "requests/s", "MB/s", "p50 ms", "p95 ms", "download / static"]]
    with server(env) as url:
        links = _download_links(url)
        for pdf in pdfs:
            size = pdf.stat().st_size
            ab(url + links[pdf.name], seconds=2, concurrency=CONCURRENCY)  # warm-up
            static = ab(f"{url}/static/{pdf.name}", seconds=SECONDS, concurrency=CONCURRENCY)
            download = ab(url + links[pdf.name], seconds=SECONDS, concurrency=CONCURRENCY)
            ratio = download["rps"] / static["rps"]
            rows.append(_row(f"static {pdf.name} (baseline)", size, static, ""))
            rows.append(_row(f"download {pdf.name}", size, download, f"**{ratio:.2f}**"))
    return (
        "## Downloads (issue #6)\n\n"
        f"gunicorn, 2 workers, SQLite; ApacheBench with keep-alive, {CONCURRENCY} concurrent clients, "
        f"{SECONDS} s each, on loopback. The download path checks access, streams the stored blob, "
        "hashing it as it goes (a corrupted file is broken off before its last byte, docs/files.md), and "
        "counts a COUNTER request; the baseline is WhiteNoise sending "
        "the same bytes from `STATIC_ROOT`.\n\n" + table(rows) + "\n"
    )


def _row(what: str, size: int, result: dict[str, float], ratio: str) -> list[str]:
    return [
        what,
        f"{size / 1000:,.0f} kB",
        f"{result['rps']:.0f}",
        f"{result['rps'] * size / 1e6:,.1f}",
        f"{result['p50']:.0f}",
        f"{result['p95']:.0f}",
        ratio,
    ]


def _copy(source: Path, target: Path) -> Path:
    shutil.copy(source, target)
    return target


def _large_pdf(path: Path) -> Path:
    """A valid PDF of about LARGE_BYTES: one page carrying an incompressible embedded file."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("data.bin", os.urandom(LARGE_BYTES))
    with open(path, "wb") as out:
        writer.write(out)
    return path


def _download_links(url: str) -> dict[str, str]:
    """{file name: download path} of the record's files, as the REST API lists them."""
    with urllib.request.urlopen(f"{url}/api/records/{RECORD}/files", timeout=10) as response:
        files = json.load(response)
    return {f["file_name"]: f["url"].removeprefix(url) for f in files}

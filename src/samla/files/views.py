"""File downloads: access checked by the service, then the bytes streamed with ETag and Range support."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.utils.http import parse_etags
from django.views.decorators.http import require_safe

from samla.core.views import actor_for

from . import store
from .counting import count_download
from .models import RecordFile, StoredFile
from .names import content_disposition
from .ranges import ByteRange, RangeNotSatisfiable, parse_range
from .services import get_file_for_download, public_to_anyone, report_damaged_download

# Types a browser may show in the page rather than save; anything else (HTML, SVG…) is an attachment,
# so an uploaded file can never run script on this site.
INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain"}
OPEN_MAX_AGE = 3600


@require_safe
def download(request: HttpRequest, local_id: str, file_id: int, file_name: str) -> HttpResponse:
    """/record/<local_id>/file/<file_id>/<file_name>: the file, whole or in byte ranges.

    A name that is not the file's redirects to the file's own URL, so old or shortened links keep working.
    """
    record_file = get_file_for_download(actor_for(request), file_id, local_id=local_id)
    if file_name != record_file.file_name:
        return HttpResponseRedirect(record_file.get_absolute_url())
    stored = record_file.stored_file
    etag = f'"{stored.sha512}"'
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={OPEN_MAX_AGE}" if public_to_anyone(record_file) else "private",
        "Accept-Ranges": "bytes",
    }
    if _matches(request.headers.get("If-None-Match", ""), etag):
        return HttpResponse(status=304, headers=headers)
    ranges = None
    if (header := request.headers.get("Range")) and _if_range_holds(request, etag):
        try:
            ranges = parse_range(header, stored.size)
        except RangeNotSatisfiable:
            return HttpResponse(status=416, headers={**headers, "Content-Range": f"bytes */{stored.size}"})
    if ranges is None:
        response = _whole(stored)
    elif len(ranges) == 1:
        response = _single_range(record_file, ranges[0])
    else:
        response = _multiple_ranges(record_file, ranges)
    for name, value in headers.items():
        response[name] = value
    response["Content-Disposition"] = content_disposition(
        record_file.file_name, inline=stored.mime_type in INLINE_TYPES
    )
    count_download(request, record_file, partial=ranges is not None)  # 200 or 206 only
    return response


def _whole(stored: StoredFile) -> StreamingHttpResponse:
    """The whole file, hashed as it streams: bytes that are not the stored file's lose their last chunk
    and the connection is broken (`store.verified_chunks`), so no client gets a complete wrong file."""

    def damaged(digest: str, size: int) -> None:
        report_damaged_download(stored, digest=digest, size=size)

    response = StreamingHttpResponse(
        store.verified_chunks(stored.sha512, stored.size, damaged), content_type=stored.mime_type
    )
    response["Content-Length"] = str(stored.size)
    return response


def _matches(if_none_match: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison: W/"x" matches "x"."""
    tags = [tag.removeprefix("W/") for tag in parse_etags(if_none_match)] if if_none_match else []
    return "*" in tags or etag in tags


def _if_range_holds(request: HttpRequest, etag: str) -> bool:
    """A Range applies unless If-Range names another version (a date, or another strong ETag)."""
    if_range = request.headers.get("If-Range")
    return if_range is None or if_range.strip() == etag


def _single_range(record_file: RecordFile, byte_range: ByteRange) -> StreamingHttpResponse:
    stored = record_file.stored_file
    response = StreamingHttpResponse(
        _read(stored.sha512, [byte_range]), status=206, content_type=stored.mime_type
    )
    response["Content-Range"] = byte_range.content_range(stored.size)
    response["Content-Length"] = str(byte_range.length)
    return response


def _multiple_ranges(record_file: RecordFile, ranges: list[ByteRange]) -> StreamingHttpResponse:
    """multipart/byteranges (RFC 9110, 14.6): one part per range, each with its Content-Range."""
    stored = record_file.stored_file
    boundary = secrets.token_hex(16)
    heads = [
        (
            f"--{boundary}\r\nContent-Type: {stored.mime_type}\r\n"
            f"Content-Range: {r.content_range(stored.size)}\r\n\r\n"
        ).encode("ascii")
        for r in ranges
    ]
    tail = f"--{boundary}--\r\n".encode("ascii")

    def body() -> Iterator[bytes]:
        with store.open_blob(stored.sha512) as blob:
            for head, byte_range in zip(heads, ranges, strict=True):
                yield head
                yield from _chunks(blob, byte_range)
                yield b"\r\n"
        yield tail

    response = StreamingHttpResponse(
        body(), status=206, content_type=f"multipart/byteranges; boundary={boundary}"
    )
    length = sum(len(h) + r.length + 2 for h, r in zip(heads, ranges, strict=True)) + len(tail)
    response["Content-Length"] = str(length)
    return response


def _read(sha512: str, ranges: list[ByteRange]) -> Iterator[bytes]:
    with store.open_blob(sha512) as blob:
        for byte_range in ranges:
            yield from _chunks(blob, byte_range)


def _chunks(blob, byte_range: ByteRange) -> Iterator[bytes]:
    blob.seek(byte_range.start)
    remaining = byte_range.length
    while remaining > 0:
        chunk = blob.read(min(store.CHUNK_SIZE, remaining))
        if not chunk:
            return
        remaining -= len(chunk)
        yield chunk

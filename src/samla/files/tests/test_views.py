"""Downloads (/record/<id>/file/<n>/<name>), the record page's Full text block and the files REST API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from lxml import html

from samla.core.tests.openapi import assert_matches_openapi
from samla.core.tests.users import make_user
from samla.files import store
from samla.files.models import RecordFile
from samla.records.models import Record

from .conftest import ENCRYPTED, FOUR_PAGES, MINIMAL, SEED_ID, sha512_of

DATA = MINIMAL.read_bytes()
SIZE = len(DATA)  # 16978
SHA512 = sha512_of(MINIMAL)
TODAY = timezone.localdate()
API = f"/api/records/{SEED_ID}/files"


def logged_in(client: Client, role: str) -> Client:
    client.force_login(make_user(role))
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# ---------------------------------------------------------------- downloads


def test_download_open_file_streams_bytes_with_headers(client, attach):
    record_file = attach(MINIMAL, file_name="paper.pdf")

    response = client.get(record_file.get_absolute_url())

    assert record_file.get_absolute_url() == f"/record/{SEED_ID}/file/{record_file.pk}/paper.pdf"
    assert response.status_code == 200
    assert response.streaming
    assert body(response) == DATA
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(SIZE)
    assert response["ETag"] == f'"{SHA512}"'
    assert response["Accept-Ranges"] == "bytes"
    assert response["Cache-Control"] == "public, max-age=3600"
    assert response["Content-Disposition"] == 'inline; filename="paper.pdf"'


def test_download_utf8_name_content_disposition_rfc_6266(client, attach):
    record_file = attach(MINIMAL, file_name="Östlund_2024.pdf")

    response = client.get(record_file.get_absolute_url())

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "inline; filename=\"Ostlund_2024.pdf\"; filename*=UTF-8''%C3%96stlund_2024.pdf"
    )


def test_download_non_pdf_is_an_attachment(client, attach):
    record_file = attach(MINIMAL.with_suffix(".tex"), file_name="source.html")

    response = client.get(record_file.get_absolute_url())

    assert response["Content-Type"] == "text/x-tex"
    assert response["Content-Disposition"] == 'attachment; filename="source.html"'


@pytest.mark.parametrize("if_none_match", [f'"{SHA512}"', f'W/"{SHA512}"', f'"other", "{SHA512}"', "*"])
def test_download_if_none_match_same_etag_answers_304(client, attach, if_none_match):
    record_file = attach(MINIMAL)

    response = client.get(record_file.get_absolute_url(), headers={"If-None-Match": if_none_match})

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == f'"{SHA512}"'


def test_download_if_none_match_other_etag_answers_200(client, attach):
    record_file = attach(MINIMAL)

    response = client.get(record_file.get_absolute_url(), headers={"If-None-Match": '"other"'})

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=0-99", 0, 99), ("bytes=-500", SIZE - 500, SIZE - 1), ("bytes=16000-", 16000, SIZE - 1)],
    ids=["first-bytes", "suffix", "open-end"],
)
def test_download_single_range_answers_206_with_those_bytes(client, attach, header, start, end):
    record_file = attach(MINIMAL)

    response = client.get(record_file.get_absolute_url(), headers={"Range": header})

    assert response.status_code == 206
    assert body(response) == DATA[start : end + 1]
    assert response["Content-Range"] == f"bytes {start}-{end}/{SIZE}"
    assert response["Content-Length"] == str(end - start + 1)
    assert response["Content-Type"] == "application/pdf"
    assert response["ETag"] == f'"{SHA512}"'


def test_download_multiple_ranges_answers_multipart_byteranges(client, attach):
    record_file = attach(MINIMAL)

    response = client.get(record_file.get_absolute_url(), headers={"Range": "bytes=0-9,100-109,-5"})

    assert response.status_code == 206
    content_type, boundary = response["Content-Type"].split("; boundary=")
    assert content_type == "multipart/byteranges"
    expected = (
        b"".join(
            f"--{boundary}\r\nContent-Type: application/pdf\r\n".encode()
            + f"Content-Range: bytes {a}-{b}/{SIZE}\r\n\r\n".encode()
            + DATA[a : b + 1]
            + b"\r\n"
            for a, b in [(0, 9), (100, 109), (SIZE - 5, SIZE - 1)]
        )
        + f"--{boundary}--\r\n".encode()
    )
    assert body(response) == expected
    assert response["Content-Length"] == str(len(expected))


@pytest.mark.parametrize("header", ["bytes=abc", "bytes=99999-", "bytes=20-10", "bytes=-0"])
def test_download_invalid_or_unsatisfiable_range_answers_416(client, attach, header):
    record_file = attach(MINIMAL)

    response = client.get(record_file.get_absolute_url(), headers={"Range": header})

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"


def test_download_range_with_stale_if_range_answers_whole_file(client, attach):
    record_file = attach(MINIMAL)

    response = client.get(
        record_file.get_absolute_url(), headers={"Range": "bytes=0-9", "If-Range": '"an-older-version"'}
    )

    assert response.status_code == 200
    assert body(response) == DATA


def test_download_range_with_current_if_range_answers_206(client, attach):
    record_file = attach(MINIMAL)

    response = client.get(
        record_file.get_absolute_url(), headers={"Range": "bytes=0-9", "If-Range": f'"{SHA512}"'}
    )

    assert response.status_code == 206
    assert body(response) == DATA[:10]


def test_download_embargoed_file_403_to_anonymous_until_its_date(client, attach):
    record_file = attach(MINIMAL, access="embargo", embargo_until=TODAY + dt.timedelta(days=30))

    response = client.get(record_file.get_absolute_url())

    assert response.status_code == 403
    expected = (
        f"pysample-001-minimal-document.pdf is embargoed until {TODAY + dt.timedelta(days=30):%Y-%m-%d}."
    )
    assert expected in response.content.decode()


@pytest.mark.parametrize("ended", [TODAY, TODAY - dt.timedelta(days=1)], ids=["today", "yesterday"])
def test_download_embargo_ended_file_200_to_anonymous(client, attach, ended):
    record_file = attach(MINIMAL, access="embargo", embargo_until=ended)

    response = client.get(record_file.get_absolute_url())

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=3600"  # open to anyone now
    assert body(response) == DATA


def test_download_open_file_of_a_draft_is_never_kept_by_shared_caches(client, attach, draft_of, depositor):
    draft = draft_of(depositor)
    record_file = attach(MINIMAL, local_id=draft.local_id)
    client.force_login(make_user("curator"))

    response = client.get(record_file.get_absolute_url())

    assert response.status_code == 200
    assert response["Cache-Control"] == "private"


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 403), ("reader", 403), ("depositor", 200), ("curator", 200), ("admin", 200)],
)
def test_download_restricted_to_depositors_per_role(client, attach, role, status):
    record_file = attach(MINIMAL, access="restricted", restricted_role="depositor")
    if role != "anonymous":
        logged_in(client, role)

    response = client.get(record_file.get_absolute_url())

    assert response.status_code == status


@pytest.mark.parametrize(("role", "status"), [("anonymous", 404), ("reader", 404), ("curator", 200)])
def test_download_archive_copy_only_for_curators(client, attach, role, status):
    record_file = attach(MINIMAL, access="archive")
    if role != "anonymous":
        logged_in(client, role)

    assert client.get(record_file.get_absolute_url()).status_code == status


def test_download_file_of_invisible_draft_404(client, depositor, draft_of):
    from samla.files.services import attach_file

    record = draft_of(depositor)
    record_file = attach_file(depositor, local_id=record.local_id, source=MINIMAL, file_name="draft.pdf")

    response = client.get(record_file.get_absolute_url())

    assert response.status_code == 404


def test_download_under_another_record_404(client, attach):
    record_file = attach(MINIMAL)
    other = Record.objects.exclude(local_id=SEED_ID).order_by("local_id").first()

    response = client.get(f"/record/{other.local_id}/file/{record_file.pk}/{record_file.file_name}")

    assert response.status_code == 404


def test_download_unknown_file_404(client, db):
    assert client.get(f"/record/{SEED_ID}/file/999999/x.pdf").status_code == 404


def test_download_other_name_redirects_to_file_url(client, attach):
    record_file = attach(MINIMAL, file_name="FULLTEXT01.pdf")

    response = client.get(f"/record/{SEED_ID}/file/{record_file.pk}/old-name.pdf")

    assert response.status_code == 302
    assert response["Location"] == record_file.get_absolute_url()


def test_download_corrupted_file_not_served(client, attach, system):
    from samla.files.services import check_fixity

    record_file = attach(MINIMAL)
    path = store.blob_path(record_file.stored_file_id)
    path.chmod(0o644)
    path.write_bytes(b"X" + DATA[1:])
    list(check_fixity(system, sha512s=[record_file.stored_file_id]))

    response = client.get(record_file.get_absolute_url())

    assert response.status_code == 503
    assert "is damaged in the store" in response.content.decode()


def test_download_post_not_allowed(client, attach):
    record_file = attach(MINIMAL)

    assert client.post(record_file.get_absolute_url()).status_code == 405


# ---------------------------------------------------------------- the record page


def test_record_page_full_text_block_shows_file_facts(client, attach):
    record_file = attach(MINIMAL, file_name="FULLTEXT01.pdf")

    response = client.get(f"/record/{SEED_ID}")

    tree = html.fromstring(response.content)
    [block] = tree.xpath('//aside//section[@id="fulltext"]')
    assert block.xpath("string(h2)") == "Full text"
    assert block.xpath('string(.//a[@class="file-download"]/@href)') == record_file.get_absolute_url()
    facts = {dd.get("class"): " ".join(dd.text_content().split()) for dd in block.xpath(".//dd")}
    assert facts == {
        "file-name": "FULLTEXT01.pdf",
        "file-size": "17 kB",
        "file-checksum": f"SHA-512 {SHA512}",
        "file-type": "fulltext",
        "file-mimetype": "application/pdf",
        "file-version": "Published version",
        "file-downloads": "0",
        "file-licence": "CC BY 4.0",
    }


def test_record_page_embargoed_file_says_when_and_archive_copy_hidden(client, attach):
    attach(MINIMAL, access="embargo", embargo_until=dt.date(2099, 1, 1))
    attach(FOUR_PAGES, access="archive")

    tree = html.fromstring(client.get(f"/record/{SEED_ID}").content)

    files = tree.xpath('//section[@id="fulltext"]//li')
    assert len(files) == 1
    assert files[0].xpath('string(.//p[@class="file-access"])') == "Available from 2099-01-01"


def test_record_page_file_whose_embargo_ended_is_shown_as_open(client, attach):
    attach(MINIMAL, access="embargo", embargo_until=TODAY - dt.timedelta(days=1))

    tree = html.fromstring(client.get(f"/record/{SEED_ID}").content)

    [file] = tree.xpath('//section[@id="fulltext"]//li')
    assert not file.xpath('.//p[@class="file-access"]')
    assert file.xpath('string(.//a[@class="file-download"])') == "pysample-001-minimal-document.pdf"


def test_record_page_without_files_has_no_full_text_block(client, db):
    tree = html.fromstring(client.get(f"/record/{SEED_ID}").content)

    assert tree.xpath('//section[@id="fulltext"]') == []


def test_record_page_with_files_reads_with_at_most_6_queries(client, attach):
    """The five reads of the record page and one for its files; counting the view is the only write.
    (A page cached before the record changed costs one more read: the small query that finds it stale.)"""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    attach(MINIMAL)
    attach(FOUR_PAGES)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/record/{SEED_ID}")

    statements = [q["sql"].lstrip().split()[0].upper() for q in captured.captured_queries]
    assert statements.count("SELECT") <= 6, captured.captured_queries
    assert [s for s in statements if s != "SELECT"] in (["INSERT"], ["SAVEPOINT", "INSERT", "RELEASE"])
    assert len(html.fromstring(response.content).xpath('//section[@id="fulltext"]//li')) == 2


# ---------------------------------------------------------------- REST API


def test_api_record_files_lists_what_anonymous_may_see(client, attach):
    open_file = attach(MINIMAL, file_name="Östlund_2024.pdf")
    attach(FOUR_PAGES, access="archive")
    attach(ENCRYPTED, access="embargo", embargo_until=dt.date(2099, 1, 1), version="accepted")

    response = client.get(API)

    items = assert_matches_openapi(response)
    assert response.status_code == 200
    assert [i["file_name"] for i in items] == ["Östlund_2024.pdf", "pysample-005-encrypted.pdf"]
    assert items[0] == {
        "id": open_file.pk,
        "file_name": "Östlund_2024.pdf",
        "label": "fulltext",
        "size": SIZE,
        "sha512": SHA512,
        "mime_type": "application/pdf",
        "page_count": 1,
        "extraction_status": "ok",
        "version": "published",
        "access": "open",
        "embargo_until": None,
        "restricted_role": "",
        "url": f"http://testserver/record/{SEED_ID}/file/{open_file.pk}/%C3%96stlund_2024.pdf",
        "downloadable": True,
    }
    assert (items[1]["embargo_until"], items[1]["downloadable"], items[1]["extraction_status"]) == (
        "2099-01-01",
        False,
        "encrypted",
    )


def test_api_record_files_unknown_record_404(client, db):
    response = client.get("/api/records/diva2:0/files")

    assert response.status_code == 404
    assert assert_matches_openapi(response)["code"] == "not_found"


def test_api_attach_curator_uploads_file_201(client, db):
    logged_in(client, "curator")

    response = client.post(
        API,
        {
            "file": SimpleUploadedFile("Östlund_2024.pdf", DATA, content_type="application/octet-stream"),
            "access": "embargo",
            "embargo_until": "2030-06-01",
            "version": "accepted",
        },
    )

    item = assert_matches_openapi(response)
    assert response.status_code == 201
    assert (item["file_name"], item["mime_type"], item["sha512"], item["embargo_until"]) == (
        "Östlund_2024.pdf",
        "application/pdf",
        SHA512,
        "2030-06-01",
    )
    assert RecordFile.objects.get(pk=item["id"]).version == "accepted"


@pytest.mark.parametrize("label", ["full\x00text", "bell\x07", "x" * 31])
def test_api_attach_label_with_control_characters_or_too_long_400_names_label(client, db, label):
    """PostgreSQL refused a NUL in the label with a DataError, a server error."""
    logged_in(client, "curator")

    response = client.post(API, {"file": SimpleUploadedFile("a.pdf", DATA), "label": label})

    assert response.status_code == 400
    assert list(assert_matches_openapi(response)["errors"]) == ["label"]


def test_api_attach_over_limit_413_names_limit(client, settings, db):
    settings.MAX_UPLOAD_BYTES = 16 * 1024
    logged_in(client, "curator")

    response = client.post(API, {"file": SimpleUploadedFile("big.pdf", DATA)})

    error = assert_matches_openapi(response)
    assert response.status_code == 413
    assert error == {
        "ok": False,
        "code": "payload_too_large",
        "error": "The file is larger than the upload limit of 16 KiB (16384 bytes).",
        "errors": {"file": "too large"},
        "status": 413,
        "limit": 16384,
    }


def test_api_attach_empty_file_400(client, db):
    logged_in(client, "curator")

    response = client.post(API, {"file": SimpleUploadedFile("empty.pdf", b"")})

    assert response.status_code == 400
    assert (
        assert_matches_openapi(response)["error"]
        == "empty.pdf is empty (0 bytes); there is nothing to store."
    )


@pytest.mark.parametrize(("role", "status"), [("anonymous", 403), ("reader", 403), ("depositor", 403)])
def test_api_attach_to_published_record_refused(client, db, role, status):
    if role != "anonymous":
        logged_in(client, role)

    response = client.post(API, {"file": SimpleUploadedFile("x.pdf", DATA)})

    assert response.status_code == status
    assert assert_matches_openapi(response)["code"] == "permission_denied"


def test_api_attach_same_file_twice_409(client, attach):
    attach(MINIMAL)
    logged_in(client, "curator")

    response = client.post(API, {"file": SimpleUploadedFile("again.pdf", DATA)})

    assert response.status_code == 409
    assert assert_matches_openapi(response)["code"] == "conflict"


def test_download_head_answers_headers_without_body(client, attach):
    record_file = attach(MINIMAL)

    response = client.head(record_file.get_absolute_url())

    assert response.status_code == 200
    assert response["Content-Length"] == str(SIZE)
    assert response["ETag"] == f'"{SHA512}"'


def test_download_ranges_across_read_chunks(client, attach, monkeypatch):
    monkeypatch.setattr(store, "CHUNK_SIZE", 1000)
    record_file = attach(MINIMAL)

    response = client.get(record_file.get_absolute_url(), headers={"Range": "bytes=500-12499"})

    assert response.status_code == 206
    assert body(response) == DATA[500:12500]


# ---------------------------------------------------------------- bytes checked as they are served


def flip_first_byte(record_file) -> None:
    path = store.blob_path(record_file.stored_file_id)
    path.chmod(0o644)
    path.write_bytes(bytes([DATA[0] ^ 1]) + DATA[1:])


def test_download_of_changed_bytes_is_broken_off_before_the_last_byte_and_logged(client, attach):
    record_file = attach(MINIMAL)  # never checked: nothing tells the bytes changed before they stream
    flip_first_byte(record_file)

    response = client.get(record_file.get_absolute_url())
    assert (response.status_code, response["Content-Length"]) == (200, str(SIZE))
    received = []
    with pytest.raises(store.DigestMismatch):
        for chunk in response.streaming_content:
            received.append(chunk)

    assert len(b"".join(received)) == SIZE - 1
    check = record_file.stored_file.fixity_checks.get()
    assert (check.result, check.detail[:31]) == ("corrupted", "found by a download: now 16978 ")
    assert client.get(record_file.get_absolute_url()).status_code == 503


def test_download_of_restored_bytes_is_served_after_a_check_made_on_the_request(client, attach):
    record_file = attach(MINIMAL)
    flip_first_byte(record_file)
    with pytest.raises(store.DigestMismatch):
        body(client.get(record_file.get_absolute_url()))

    store.blob_path(record_file.stored_file_id).write_bytes(DATA)  # restored from a backup
    response = client.get(record_file.get_absolute_url())

    assert (response.status_code, body(response)) == (200, DATA)
    results = list(record_file.stored_file.fixity_checks.order_by("at").values_list("result", flat=True))
    assert results == ["corrupted", "ok"]


def test_range_of_bytes_changed_after_their_last_check_is_not_served(client, attach, system):
    """A part cannot be checked against the digest of the whole: bytes written after their last check
    are checked whole on the request instead."""
    from samla.files.services import check_fixity

    record_file = attach(MINIMAL)
    list(check_fixity(system, sha512s=[record_file.stored_file_id]))
    flip_first_byte(record_file)

    response = client.get(record_file.get_absolute_url(), HTTP_RANGE="bytes=100-199")

    assert response.status_code == 503
    assert list(record_file.stored_file.fixity_checks.order_by("at").values_list("result", flat=True)) == [
        "ok",
        "corrupted",
    ]

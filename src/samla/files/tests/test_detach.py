"""Detaching a file from a record (service, REST API, admin) and `samla files gc`: the record gets a
revision, the stored bytes stay until gc is asked, and the file's usage statistics stay."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.test import Client

from samla.cli import main
from samla.core.errors import NotFound, PermissionDenied
from samla.core.tests.openapi import assert_matches_openapi
from samla.core.tests.users import make_user
from samla.files import store
from samla.files.models import RecordFile, StoredFile
from samla.files.services import detach_file, list_unreferenced, public_texts
from samla.records.models import Record, Revision
from samla.stats.models import RecordUsage
from samla.stats.services import rebuild_usage, usage_for_record

from .conftest import FOUR_PAGES, MINIMAL, SEED_ID, sha512_of

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def other_record() -> Record:
    return Record.objects.filter(state="published").exclude(local_id=SEED_ID).order_by("pk").first()


def test_detach_file_writes_revision_and_keeps_stored_bytes(attach, curator):
    record_file = attach(MINIMAL, file_name="paper.pdf")
    revision = record_file.record.revision

    detached = detach_file(curator, local_id=SEED_ID, file_id=record_file.pk)

    record = Record.objects.get(local_id=SEED_ID)
    assert detached.file_name == "paper.pdf"
    assert not RecordFile.objects.filter(record=record).exists()
    assert record.revision == revision + 1
    last = Revision.objects.get(record=record, number=record.revision)
    assert last.summary == f"file detached: paper.pdf (SHA-512 {sha512_of(MINIMAL)[:16]}…)"
    assert last.changes == {"files": [["paper.pdf"], []]}
    assert last.actor == curator.label
    assert StoredFile.objects.filter(pk=sha512_of(MINIMAL)).exists()
    assert store.blob_path(sha512_of(MINIMAL)).exists()


def test_detach_file_same_bytes_on_another_record_still_served(client, attach, curator):
    on_seed = attach(MINIMAL)
    elsewhere = attach(MINIMAL, local_id=other_record().local_id)

    detach_file(curator, local_id=SEED_ID, file_id=on_seed.pk)

    assert client.get(on_seed.get_absolute_url()).status_code == 404
    assert client.get(elsewhere.get_absolute_url()).status_code == 200


def test_detach_file_then_attach_same_bytes_again(attach, curator):
    first = attach(MINIMAL)
    detach_file(curator, local_id=SEED_ID, file_id=first.pk)

    again = attach(MINIMAL)

    assert again.stored_file_id == first.stored_file_id
    assert again.pk != first.pk


def test_detach_file_removes_its_text_from_the_index_source(attach, curator):
    record_file = attach(FOUR_PAGES)
    record_id = record_file.record_id
    assert public_texts([record_id])[record_id]

    detach_file(curator, local_id=SEED_ID, file_id=record_file.pk)

    assert public_texts([record_id]) == {}


def test_detach_file_keeps_usage_and_rebuild_gives_the_same(client, attach, curator, system):
    record_file = attach(MINIMAL)
    for _ in range(2):
        client.get(record_file.get_absolute_url(), HTTP_USER_AGENT=FIREFOX)  # a download, then a double click
    record = Record.objects.get(local_id=SEED_ID)
    before = usage_for_record(system, record)
    file_rows = RecordUsage.objects.filter(file_key=record_file.pk).values_list("total_requests")
    before_rows = list(file_rows)

    detach_file(curator, local_id=SEED_ID, file_id=record_file.pk)
    rebuild_usage(system)

    after = usage_for_record(system, Record.objects.get(local_id=SEED_ID))
    assert (before.downloads, before.hits) == (after.downloads, after.hits) == (1, 1)
    assert after.file_downloads == before.file_downloads == {record_file.pk: 1}
    assert list(file_rows.all()) == before_rows == [(1,)]


@pytest.mark.parametrize("role", ["anonymous", "reader", "depositor"])
def test_detach_file_from_published_record_refused(attach, anonymous, reader, depositor, role):
    record_file = attach(MINIMAL)
    actor = {"anonymous": anonymous, "reader": reader, "depositor": depositor}[role]

    with pytest.raises(PermissionDenied):
        detach_file(actor, local_id=SEED_ID, file_id=record_file.pk)

    assert RecordFile.objects.filter(pk=record_file.pk).exists()


def test_detach_file_depositor_from_own_draft(attach, depositor, draft_of):
    draft = draft_of(depositor)
    record_file = attach(MINIMAL, local_id=draft.local_id)

    detach_file(depositor, local_id=draft.local_id, file_id=record_file.pk)

    assert not RecordFile.objects.filter(pk=record_file.pk).exists()


def test_detach_file_unknown_or_of_another_record_not_found(attach, curator):
    elsewhere = attach(MINIMAL, local_id=other_record().local_id)

    with pytest.raises(NotFound, match=f"No file {elsewhere.pk} on {SEED_ID}"):
        detach_file(curator, local_id=SEED_ID, file_id=elsewhere.pk)
    with pytest.raises(NotFound, match="No record diva2:0"):
        detach_file(curator, local_id="diva2:0", file_id=elsewhere.pk)


def test_detach_file_of_invisible_draft_not_found(attach, depositor, reader, draft_of):
    draft = draft_of(depositor)
    record_file = attach(MINIMAL, local_id=draft.local_id)

    with pytest.raises(NotFound):
        detach_file(reader, local_id=draft.local_id, file_id=record_file.pk)


# ---------------------------------------------------------------- REST API


def test_api_detach_curator_204(client: Client, attach):
    record_file = attach(MINIMAL)
    client.force_login(make_user("curator"))

    response = client.delete(f"/api/records/{SEED_ID}/files/{record_file.pk}")

    assert response.status_code == 204
    assert client.get(f"/api/records/{SEED_ID}/files").json() == []


@pytest.mark.parametrize(("role", "status", "code"), [("anonymous", 403, "permission_denied"),
                                                      ("reader", 403, "permission_denied")])  # fmt: skip
def test_api_detach_refused(client: Client, attach, role, status, code):
    record_file = attach(MINIMAL)
    if role != "anonymous":
        client.force_login(make_user(role))

    response = client.delete(f"/api/records/{SEED_ID}/files/{record_file.pk}")

    assert response.status_code == status
    assert assert_matches_openapi(response)["code"] == code
    assert RecordFile.objects.filter(pk=record_file.pk).exists()


def test_api_detach_unknown_file_404(client: Client, db):
    client.force_login(make_user("curator"))

    response = client.delete(f"/api/records/{SEED_ID}/files/999999")

    assert response.status_code == 404
    assert assert_matches_openapi(response)["code"] == "not_found"


# ---------------------------------------------------------------- admin


def test_admin_delete_detaches_through_the_service(client: Client, attach):
    record_file = attach(MINIMAL)
    client.force_login(make_user("curator", staff=True))
    url = f"/admin/files/recordfile/{record_file.pk}/delete/"

    assert client.get(url).status_code == 200
    response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not RecordFile.objects.filter(pk=record_file.pk).exists()
    record = Record.objects.get(local_id=SEED_ID)
    assert Revision.objects.get(record=record, number=record.revision).summary.startswith("file detached")


# ---------------------------------------------------------------- samla files gc


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_files_gc_lists_then_removes_only_unreferenced_blobs(attach, curator, system):
    kept = attach(MINIMAL)
    gone = attach(FOUR_PAGES)
    detach_file(curator, local_id=SEED_ID, file_id=gone.pk)
    sha512 = sha512_of(FOUR_PAGES)

    listing = run("files", "gc")

    assert listing.exit_code == 0
    assert listing.output == (
        f"{sha512} {FOUR_PAGES.stat().st_size} bytes application/pdf\n"
        f"1 unreferenced stored files ({FOUR_PAGES.stat().st_size} bytes); --yes removes them.\n"
    )
    assert store.blob_path(sha512).exists()

    removed = run("files", "gc", "--yes")

    assert removed.exit_code == 0
    assert removed.output.endswith(f"1 stored files removed ({FOUR_PAGES.stat().st_size} bytes).\n")
    assert not StoredFile.objects.filter(pk=sha512).exists()
    assert not store.blob_path(sha512).exists()
    assert store.blob_path(kept.stored_file_id).exists()
    assert list_unreferenced(system) == []

"""The curators' file admin: each file's last fixity check, and attaching through `attach_file`."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from samla.core.tests.forms import form_data
from samla.core.tests.users import make_user
from samla.files.models import RecordFile, StoredFile
from samla.files.services import check_fixity

from .conftest import MINIMAL, SEED_ID, sha512_of
from .test_services import windows_executable

RECORD_FILES = "/admin/files/recordfile/"
STORED_FILES = "/admin/files/storedfile/"


@pytest.fixture
def curator_client(client: Client, db) -> Client:
    client.force_login(make_user("curator", staff=True))
    return client


def add(client: Client, upload: SimpleUploadedFile, **values: str):
    data = {**form_data(client.get(f"{RECORD_FILES}add/").content, "recordfile_form"), **values}
    return client.post(f"{RECORD_FILES}add/", {**data, "record_id": SEED_ID, "upload": upload})


def test_record_file_changelist_shows_last_fixity_check(curator_client, attach, system):
    checked_file = attach(MINIMAL)
    unchecked_file = attach(MINIMAL.with_suffix(".tex"))
    list(check_fixity(system, sha512s=[checked_file.stored_file_id]))
    checked = StoredFile.objects.get(pk=checked_file.stored_file_id).last_checked

    response = curator_client.get(RECORD_FILES)

    assert response.status_code == 200
    shown = {
        f.pk: response.context["cl"].model_admin.last_check(f) for f in response.context["cl"].result_list
    }
    assert shown == {
        checked_file.pk: f"ok ({timezone.localtime(checked):%Y-%m-%d %H:%M})",
        unchecked_file.pk: "never",
    }


def test_stored_file_page_lists_its_fixity_checks(curator_client, attach, system):
    sha512 = attach(MINIMAL).stored_file_id
    list(check_fixity(system, sha512s=[sha512]))

    response = curator_client.get(f"{STORED_FILES}{sha512}/change/")

    assert response.status_code == 200
    assert len(response.context["inline_admin_formsets"][1].formset.queryset) == 1


def test_record_file_add_form_attaches_through_service(curator_client):
    upload = SimpleUploadedFile("Östlund_2024.pdf", MINIMAL.read_bytes())

    response = add(curator_client, upload, access="open", version="accepted")

    assert response.status_code == 302
    record_file = RecordFile.objects.get(record__local_id=SEED_ID)
    assert (record_file.file_name, record_file.version, record_file.stored_file_id) == (
        "Östlund_2024.pdf",
        "accepted",
        sha512_of(MINIMAL),
    )
    assert record_file.attached_by == "curator:curator-staff"


def test_record_file_add_form_executable_shows_error_and_stores_nothing(curator_client):
    upload = SimpleUploadedFile("paper.pdf", windows_executable().read_bytes())

    response = add(curator_client, upload, access="open")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["upload"] == [
        "paper.pdf is a Windows executable (application/vnd.microsoft.portable-executable), not a document; "
        "programs are not stored."
    ]
    assert RecordFile.objects.count() == 0


def test_record_file_add_form_embargo_without_date_shows_error_by_field(curator_client):
    response = add(curator_client, SimpleUploadedFile("x.pdf", MINIMAL.read_bytes()), access="embargo")

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["embargo_until"]
    assert RecordFile.objects.count() == 0


def test_record_file_change_post_is_refused(curator_client, attach):
    record_file = attach(MINIMAL)

    response = curator_client.post(f"{RECORD_FILES}{record_file.pk}/change/", {"access": "archive"})

    assert response.status_code == 403
    record_file.refresh_from_db()
    assert record_file.access == "open"


def test_file_admin_staff_reader_refused(client, db):
    client.force_login(make_user("reader", staff=True))

    assert client.get(RECORD_FILES).status_code == 403
    assert client.get(f"{RECORD_FILES}add/").status_code == 403

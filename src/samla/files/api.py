"""REST routes for a record's files, mounted under /api/records: list them, attach one, detach one."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status, UploadedFile

from samla.core.access import Actor, can
from samla.core.api_schemas import ErrorOut
from samla.core.views import actor_for
from samla.records.services import get_record_for

from .models import RecordFile
from .services import attach_file, detach_file, list_files_for

router = Router(tags=["files"])


class FileOut(Schema):
    id: int
    file_name: str
    label: str
    size: int | None  # null unless the caller may download the file
    sha512: str | None
    mime_type: str
    page_count: int | None
    extraction_status: str
    version: str
    access: str
    embargo_until: dt.date | None
    restricted_role: str
    url: str
    downloadable: bool


class AttachIn(Schema):
    access: str = "open"
    embargo_until: dt.date | None = None
    restricted_role: str = ""
    version: str = "published"
    label: str = "fulltext"
    file_name: str = ""


def file_out(request: HttpRequest, actor: Actor, record_file: RecordFile) -> FileOut:
    """The file as listed; its size and SHA-512 only to a caller who may download it, since a checksum
    lets anyone confirm a guess at an embargoed or restricted text."""
    stored = record_file.stored_file
    downloadable = can(actor, "file.download", record_file)
    return FileOut(
        id=record_file.pk,
        file_name=record_file.file_name,
        label=record_file.label,
        size=stored.size if downloadable else None,
        sha512=stored.sha512 if downloadable else None,
        mime_type=stored.mime_type,
        page_count=stored.page_count,
        extraction_status=stored.extraction_status,
        version=record_file.version,
        access=record_file.access,
        embargo_until=record_file.embargo_until,
        restricted_role=record_file.restricted_role,
        url=request.build_absolute_uri(record_file.get_absolute_url()),
        downloadable=downloadable,
    )


@router.get(
    "/{local_id}/files",
    response={200: list[FileOut], 404: ErrorOut},
    summary="List a record's files",
    auth=None,
)
def record_files(request: HttpRequest, local_id: str):
    """The record's files the caller may know of (archive copies for curators only), in order.

    `downloadable` says whether the caller may have the bytes now; embargoed and restricted files are
    listed with their date or role.
    """
    actor = actor_for(request)
    record = get_record_for(actor, local_id, with_parts=False)
    return [file_out(request, actor, f) for f in list_files_for(actor, record)]


@router.post(
    "/{local_id}/files",
    response={
        201: FileOut,
        400: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        413: ErrorOut,
        507: ErrorOut,
    },
    summary="Attach a file to a record",
)
def attach(request: HttpRequest, local_id: str, file: File[UploadedFile], data: Form[AttachIn]):
    """Upload a file (multipart/form-data, field `file`) as the record's next file.

    Curators may attach to any record, depositors to their own drafts. The type is detected from the
    content; programs and empty files are refused (400), files over the upload limit answer 413 naming it,
    and the same bytes twice on one record 409.
    """
    actor = actor_for(request)
    record_file = attach_file(
        actor,
        local_id=local_id,
        source=file,
        file_name=data.file_name or file.name or "",
        access=data.access,
        embargo_until=data.embargo_until,
        restricted_role=data.restricted_role,
        version=data.version,
        label=data.label,
    )
    return Status(201, file_out(request, actor, record_file))


@router.delete(
    "/{local_id}/files/{file_id}",
    response={204: None, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Detach a file from a record",
)
def detach(request: HttpRequest, local_id: str, file_id: int):
    """Remove the file from the record, with a revision of the record. Curators may detach from any
    record, depositors from their own drafts. The stored bytes are kept (see docs/files.md), and so are
    the file's usage statistics."""
    detach_file(actor_for(request), local_id=local_id, file_id=file_id)
    return Status(204, None)

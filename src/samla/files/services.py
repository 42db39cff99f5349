"""File services: attach files to records, list and serve them under their access rules, extract their
text (which the search index reads through `public_texts`), and audit the store's fixity. The only code
that writes the files app's models.

Attaching streams the bytes into the store (hashing them) and inspects them before any transaction is
opened, so a large upload never holds the database; the short transaction at the end places the blob,
writes the rows and the record's Revision.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Prefetch, Q, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from samla.batch.queries import in_id_runs
from samla.core.access import Actor, can, require
from samla.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from samla.records.models import Record
from samla.records.permissions import visible_records
from samla.records.services.reading import no_record
from samla.records.services.revisions import add_revision
from samla.search.indexing import index_records

from . import store
from .detection import detect_mime_type, executable_kind
from .errors import FileDamaged
from .fulltext import Extraction, extract_pdf
from .models import (
    ACCESS_LEVELS,
    RESTRICTED_ROLES,
    VERSIONS,
    ExtractedText,
    FixityCheck,
    RecordFile,
    StoredFile,
)
from .names import clean_file_name, has_control_characters

# What the record page and the file list load: each file with its stored bytes' facts, in one query.
FILES_PREFETCH = Prefetch(
    "files", queryset=RecordFile.objects.select_related("stored_file").order_by("position")
)
PDF = "application/pdf"
# What a download reads: the file, its stored bytes' facts, and of its record only what the access rules
# and the URL need. The record's texts (JSON) and the file list's ordering by record cost a download more
# than its query did (benchmarks/downloads.py).
DOWNLOAD_FIELDS = (
    *(f.name for f in RecordFile._meta.concrete_fields if not f.is_relation),
    *(f"stored_file__{f.name}" for f in StoredFile._meta.concrete_fields),
    "record__local_id",
    "record__state",
    "record__owner",
)


# ---------------------------------------------------------------- attaching


@dataclass(frozen=True)
class FileAccess:
    """Who may download a file: checked and normalised by `clean_access`."""

    access: str = "open"
    embargo_until: dt.date | None = None
    restricted_role: str = ""


def clean_access(access: str, embargo_until: dt.date | None = None, restricted_role: str = "") -> FileAccess:
    """An embargo needs its end date, a restriction its role; neither is given with another access."""
    if access not in dict(ACCESS_LEVELS):
        raise InvalidInput(
            f"Unknown access {access!r}; use one of {', '.join(dict(ACCESS_LEVELS))}.",
            fields={"access": "unknown"},
        )
    if (access == "embargo") != (embargo_until is not None):
        raise InvalidInput(
            "An embargoed file needs the date its embargo ends, and only an embargoed file has one.",
            fields={
                "embargo_until": "required with access embargo" if access == "embargo" else "not allowed"
            },
        )
    if (access == "restricted") != bool(restricted_role):
        raise InvalidInput(
            "A restricted file needs the role it is restricted to, and only a restricted file has one.",
            fields={
                "restricted_role": "required with access restricted"
                if access == "restricted"
                else "not allowed"
            },
        )
    if restricted_role and restricted_role not in dict(RESTRICTED_ROLES):
        raise InvalidInput(
            f"Unknown role {restricted_role!r}; use one of {', '.join(dict(RESTRICTED_ROLES))}.",
            fields={"restricted_role": "unknown"},
        )
    return FileAccess(access, embargo_until, restricted_role)


def attach_file(
    actor: Actor,
    *,
    local_id: str,
    source: store.Source,
    file_name: str,
    access: str = "open",
    embargo_until: dt.date | None = None,
    restricted_role: str = "",
    version: str = "published",
    label: str = "fulltext",
) -> RecordFile:
    """Store `source` (a path or a binary file object) and attach it to the record as its next file.

    Refused: a record the actor may not see (NotFound) or attach to (PermissionDenied); an unsafe name,
    an empty file or a program, whatever its name (InvalidInput); a file over MAX_UPLOAD_BYTES
    (PayloadTooLarge, 413); the same bytes on the same record twice (Conflict). A PDF up to
    EXTRACT_INLINE_MAX_BYTES has its text extracted now; a larger one is left "pending" for
    `samla files extract`.
    """
    record = _record_for_attach(actor, local_id, lock=False)
    name = clean_file_name(file_name)
    rights = clean_access(access, embargo_until, restricted_role)
    if version not in dict(VERSIONS):
        raise InvalidInput(
            f"Unknown version {version!r}; use one of {', '.join(dict(VERSIONS))}.",
            fields={"version": "unknown"},
        )
    if (
        not label
        or len(label) > RecordFile._meta.get_field("label").max_length
        or has_control_characters(label)
    ):
        raise InvalidInput(
            "A file's label is a short word such as fulltext.",
            fields={"label": "1–30 characters, no control characters"},
        )
    with store.receive(source, max_bytes=settings.MAX_UPLOAD_BYTES) as incoming:
        if incoming.size == 0:
            raise InvalidInput(
                f"{name} is empty (0 bytes); there is nothing to store.", fields={"file": "empty"}
            )
        mime_type = detect_mime_type(incoming.temp_path)[:100]
        if kind := executable_kind(mime_type):
            raise InvalidInput(
                f"{name} is {kind} ({mime_type}), not a document; programs are not stored.",
                fields={"file": mime_type},
            )
        known = StoredFile.objects.filter(pk=incoming.sha512).first()
        extraction = None if known else _first_extraction(incoming.temp_path, mime_type, incoming.size)
        with transaction.atomic():
            record = _record_for_attach(actor, local_id, lock=True)
            existing = RecordFile.objects.filter(record=record, stored_file_id=incoming.sha512).first()
            if existing:
                raise Conflict(
                    f"This file is already attached to {local_id} as {existing.file_name}.",
                    file_id=existing.pk,
                )
            stored = _store_blob(actor, incoming, mime_type, extraction)
            return _add_record_file(actor, record, stored, name, rights, version, label)


def _record_for_attach(actor: Actor, local_id: str, *, lock: bool, action: str = "file.attach") -> Record:
    records = Record.objects.select_for_update() if lock else Record.objects
    record = records.filter(local_id=local_id).first()
    if record is None or not can(actor, "record.read", record):
        raise NotFound(no_record(local_id))
    require(actor, action, record)
    return record


def _first_extraction(path: Path, mime_type: str, size: int) -> Extraction | None:
    """Extract a small PDF now; None leaves a large one pending, and other types are skipped."""
    if mime_type != PDF:
        return Extraction("skipped")
    if size > settings.EXTRACT_INLINE_MAX_BYTES:
        return None
    return extract_pdf(path)


def _store_blob(
    actor: Actor, incoming: store.Incoming, mime_type: str, extraction: Extraction | None
) -> StoredFile:
    """Place the bytes and their row. Bytes already stored are kept, unless fixity found them missing or
    changed: then this upload of the very same bytes restores them, and the restore is logged."""
    now = timezone.now()
    stored = StoredFile.objects.select_for_update().filter(pk=incoming.sha512).first()
    if stored is None:
        incoming.commit()
        stored = StoredFile.objects.create(
            sha512=incoming.sha512, size=incoming.size, mime_type=mime_type, created=now
        )
        _save_extraction(stored, extraction)
        return stored
    damaged = not stored.intact or store.blob_size(stored.sha512) != stored.size
    incoming.commit(replace=damaged)
    if damaged:  # logged after the bytes are in place, so a download sees them checked (`changed_since`)
        _log_check(stored, "ok", f"restored from a new upload by {actor.label}", timezone.now())
    return stored


def _add_record_file(
    actor: Actor, record: Record, stored: StoredFile, name: str, rights: FileAccess, version: str, label: str
) -> RecordFile:
    names = list(record.files.order_by("position").values_list("file_name", flat=True))
    position = (record.files.aggregate(last=Max("position"))["last"] or 0) + 1
    now = timezone.now()
    record_file = RecordFile.objects.create(
        record=record,
        stored_file=stored,
        position=position,
        file_name=name,
        label=label,
        access=rights.access,
        embargo_until=rights.embargo_until,
        restricted_role=rights.restricted_role,
        version=version,
        created=now,
        attached_by=actor.label,
    )
    _revise(actor, record, summary=f"file attached: {name}", changes={"files": [names, [*names, name]]})
    return record_file


# ---------------------------------------------------------------- detaching


def detach_file(actor: Actor, *, local_id: str, file_id: int) -> RecordFile:
    """Remove a file from a record; returns the removed RecordFile (without its primary key).

    Who may attach to the record may detach from it (`file.detach`). The record gets a Revision naming
    the file and its SHA-512, and is re-indexed without its text. The stored bytes stay in the store,
    whether or not another record still shows them: a preservation repository does not lose content by
    an edit, and `samla files gc` removes unreferenced blobs only when asked. The file's usage events and
    monthly counts stay too (the record's totals do not drop, and `samla stats rebuild` gives the same).
    NotFound for a record the actor may not see or a file that is not on it.
    """
    with transaction.atomic():
        record = _record_for_attach(actor, local_id, lock=True, action="file.detach")
        record_file = (
            RecordFile.objects.select_related("stored_file").filter(record=record, pk=file_id).first()
        )
        if record_file is None or not can(actor, "file.see", record_file):
            raise NotFound(
                gettext("No file %(file_id)s on %(local_id)s.") % {"file_id": file_id, "local_id": local_id}
            )
        files = list(record.files.order_by("position").values_list("pk", "file_name"))
        record_file.delete()
        names, kept = [n for _, n in files], [n for pk, n in files if pk != file_id]
        _revise(
            actor,
            record,
            summary=f"file detached: {record_file.file_name} (SHA-512 {record_file.stored_file_id[:16]}…)",
            changes={"files": [names, kept]},
        )
    return record_file


def _revise(actor: Actor, record: Record, *, summary: str, changes: dict) -> None:
    """A change of the record's files, as harvesters and cached pages see it: a new revision and
    datestamp, the Revision row, and the record re-indexed with the text of the files it has now."""
    now = timezone.now()
    record.revision += 1
    record.datestamp = now
    record.save(update_fields=["revision", "datestamp"])
    add_revision(actor, record, now, summary=summary, changes=changes)
    index_records([record.pk])


def _save_extraction(stored: StoredFile, extraction: Extraction | None) -> None:
    if extraction is None:
        return  # stays "pending"
    stored.extraction_status = extraction.status
    stored.extraction_detail = extraction.detail
    stored.page_count = extraction.page_count
    stored.save(update_fields=["extraction_status", "extraction_detail", "page_count"])
    if extraction.status == "ok":
        ExtractedText.objects.update_or_create(stored_file=stored, defaults={"text": extraction.text})


# ---------------------------------------------------------------- reading and serving


def list_files_for(actor: Actor, record: Record) -> list[RecordFile]:
    """The record's files the actor may know of, in order, each with its stored file loaded.

    One query, or none when the record was loaded with FILES_PREFETCH or is known to have no files.
    Archive copies are listed for curators only; embargoed and restricted files are listed for everyone
    (the page says until when, or for whom), and `get_file_for_download` decides who gets the bytes.
    """
    if not can(actor, "record.read", record):
        raise NotFound(no_record(record.local_id))
    if getattr(record, "has_files", True) is False:
        return []  # `get_record_for` found none: most records describe a publication without files
    prefetch_related_objects([record], FILES_PREFETCH)
    return [f for f in record.files.all() if can(actor, "file.see", f)]


def get_file_for_download(actor: Actor, file_id: int, *, local_id: str | None = None) -> RecordFile:
    """The file with its record and stored file, if the actor may have its bytes now.

    NotFound for a missing file, a file of another record than `local_id` (when given), a record the
    actor may not see and an archive copy (all with the same text); PermissionDenied for an embargoed or
    restricted file the actor may not have yet; FileDamaged when the bytes are missing or failed their
    last fixity check. Bytes written since their last check (restored from a backup after a failed
    one, or changed after a good one) are checked at once, so restored bytes are served again without
    waiting for the next `samla fixity`, and changed ones are not served even in byte ranges, which
    cannot be checked against the digest of the whole file.
    """
    record_file = (
        RecordFile.objects.select_related("record", "stored_file")
        .only(*DOWNLOAD_FIELDS)
        .filter(pk=file_id)
        .order_by()
        .first()
        if isinstance(file_id, int)
        else None
    )
    if (
        record_file is None
        or (local_id is not None and record_file.record.local_id != local_id)
        or not can(actor, "record.read", record_file.record)
        or not can(actor, "file.see", record_file)
    ):
        raise NotFound(gettext("No such file."))
    if not can(actor, "file.download", record_file):
        raise PermissionDenied(_refusal(record_file), action="file.download")
    stored = record_file.stored_file
    if store.changed_since(stored.sha512, stored.last_checked):
        _check_now(stored, "checked on a download: the bytes were written after their last check")
    if not stored.intact or store.blob_size(stored.sha512) != stored.size:
        raise FileDamaged(
            f"{record_file.file_name} is damaged in the store (its fixity check found it "
            f"{stored.last_check_result or 'missing'}); it is not served until a curator restores it.",
            sha512=stored.sha512,
        )
    return record_file


def _refusal(record_file: RecordFile) -> str:
    if record_file.access == "embargo":
        return gettext("%(file_name)s is embargoed until %(date)s.") % {
            "file_name": record_file.file_name,
            "date": f"{record_file.embargo_until:%Y-%m-%d}",
        }
    role = dict(RESTRICTED_ROLES).get(record_file.restricted_role, record_file.restricted_role)
    return gettext("%(file_name)s is restricted to %(role)s.") % {
        "file_name": record_file.file_name,
        "role": role,
    }


def downloadable_by_anyone(today: dt.date | None = None) -> Q:
    """The files anyone may download on `today`, as a filter on RecordFile: open files, and embargoed
    ones from their date on. The `file.download` rule for an anonymous reader, for lists that cannot
    ask it file by file (the search index, the sitemap); the record must be public too."""
    today = today or timezone.localdate()
    return Q(access="open") | Q(access="embargo", embargo_until__lte=today)


def public_to_anyone(record_file: RecordFile) -> bool:
    """Whether an anonymous reader may have the file now (its record readable, the file downloadable):
    only then may shared caches keep a download."""
    anyone = Actor.anonymous()
    return can(anyone, "record.read", record_file.record) and can(anyone, "file.download", record_file)


def next_embargo_end(files: Iterable[RecordFile]) -> dt.datetime | None:
    """When the first embargo still running on these files ends (the start of its day, local time, as
    `file.download` reckons it): what anyone may download changes then, so a copy of a page derived
    from them must not be kept past it."""
    today = timezone.localdate()
    ends = [f.embargo_until for f in files if f.access == "embargo" and f.embargo_until > today]
    return timezone.make_aware(dt.datetime.combine(min(ends), dt.time.min)) if ends else None


@dataclass(frozen=True)
class PublicFile:
    """A file anyone may download, as the sitemap lists it."""

    path: str
    available_since: dt.date


def count_public_files() -> int:
    return _public_files().count()


def list_public_files(*, offset: int, limit: int) -> list[PublicFile]:
    """The files of published records that anyone may download today, in a stable order (by id), with
    the day each became available (attached, or its embargo ended)."""
    rows = (
        _public_files()
        .order_by("pk")
        .values_list("pk", "file_name", "record__local_id", "created", "embargo_until")[
            offset : offset + limit
        ]
    )
    return [
        PublicFile(
            reverse("files:download", args=[local_id, pk, name]),
            max(timezone.localdate(created), embargo_until or dt.date.min),
        )
        for pk, name, local_id, created, embargo_until in rows
    ]


def _public_files():
    anyone = Actor.anonymous()
    return RecordFile.objects.filter(
        downloadable_by_anyone(), record__in=Record.objects.filter(visible_records(anyone))
    )


# ---------------------------------------------------------------- text extraction


def public_texts(record_ids: Sequence[int]) -> dict[int, str]:
    """{record id: the extracted text of its files anyone may download today}, for the search index
    (registered as a text source in `FilesConfig.ready`). Embargoed, restricted and archive files are
    left out, so a search never finds a record by words its reader may not read; an embargoed file's
    text joins the index at the next re-index after its date (`samla reindex`)."""
    rows = (
        RecordFile.objects.filter(in_id_runs("record_id", record_ids), stored_file__extraction_status="ok")
        .filter(downloadable_by_anyone())
        .order_by("record_id", "position")
        .values_list("record_id", "stored_file__extracted_text__text")
    )
    texts: dict[int, list[str]] = {}
    for record_id, text in rows:
        texts.setdefault(record_id, []).append(text or "")
    return {record_id: "\n".join(chunks) for record_id, chunks in texts.items()}


@dataclass(frozen=True)
class ExtractionResult:
    sha512: str
    status: str
    detail: str = ""
    page_count: int | None = None


def pending_extractions(actor: Actor, *, limit: int | None = None) -> list[str]:
    """The stored files waiting for text extraction, oldest first."""
    require(actor, "file.manage")
    queryset = StoredFile.objects.filter(extraction_status="pending").order_by("created", "sha512")
    return list(queryset.values_list("sha512", flat=True)[:limit])


def extract_texts(actor: Actor, *, sha512s: Sequence[str]) -> Iterator[ExtractionResult]:
    """Extract the text of each pending stored file, saving each result as soon as it is known, so an
    interrupted run resumes where it stopped."""
    require(actor, "file.manage")
    for sha512 in sha512s:
        stored = StoredFile.objects.filter(pk=sha512, extraction_status="pending").first()
        if stored is None:
            continue  # done by another run meanwhile
        path = store.blob_path(sha512)
        if stored.mime_type != PDF:
            extraction = Extraction("skipped")
        elif not path.exists():
            extraction = Extraction("failed", detail="The stored file is missing.")
        else:
            extraction = extract_pdf(path)
        with transaction.atomic():
            _save_extraction(stored, extraction)
            index_records(stored.record_files.values_list("record_id", flat=True))
        yield ExtractionResult(sha512, extraction.status, extraction.detail, extraction.page_count)


# ---------------------------------------------------------------- fixity


@dataclass(frozen=True)
class FixityResult:
    sha512: str
    result: str  # "ok", "missing" or "corrupted"
    detail: str = ""
    files: tuple[str, ...] = ()  # "diva2:1897829 FULLTEXT01.pdf", for the report

    @property
    def failed(self) -> bool:
        return self.result != "ok"


def select_for_fixity(actor: Actor, *, limit: int | None = None, share: float | None = None) -> list[str]:
    """The stored files to check in this run: never checked first, then the longest unchecked.

    All of them by default; `limit` takes that many, `share` that fraction of the store (rounded up), so
    a nightly run with share 0.1 checks every file every ten nights.
    """
    require(actor, "file.manage")
    if limit is not None and share is not None:
        raise InvalidInput(gettext("Give a limit or a share, not both."), fields={"share": "with limit"})
    if limit is not None and limit < 1:
        raise InvalidInput(gettext("The limit must be 1 or more."), fields={"limit": "must be ≥ 1"})
    if share is not None and not 0 < share <= 1:
        raise InvalidInput(
            gettext("The share must be more than 0 and at most 1."), fields={"share": "0 < share ≤ 1"}
        )
    queryset = StoredFile.objects.order_by(F("last_checked").asc(nulls_first=True), "sha512")
    if share is not None:
        limit = share_of(share, StoredFile.objects.count())
    return list(queryset.values_list("sha512", flat=True)[:limit])


def share_of(share: float, total: int) -> int:
    """`share` of `total` files, rounded up: 0.07 of 100 is 7, not the 8 that floats give."""
    return math.ceil(Decimal(str(share)) * total)


def check_fixity(actor: Actor, *, sha512s: Sequence[str]) -> Iterator[FixityResult]:
    """Re-hash each stored file, log the check and yield its result.

    Each check is saved as soon as it is made, so an interrupted run loses nothing and the next run starts
    with the files checked longest ago. A second run at the same time is refused (Conflict).
    """
    require(actor, "file.manage")
    with store.job_lock("fixity"):
        for sha512 in sha512s:
            stored = StoredFile.objects.filter(pk=sha512).first()
            if stored is None:
                continue
            result, detail = _verify(stored)
            with transaction.atomic():
                _log_check(stored, result, detail, timezone.now())
            files = tuple(
                f"{local_id} {name}"
                for local_id, name in stored.record_files.order_by(
                    "record__local_id", "position"
                ).values_list("record__local_id", "file_name")
            )
            yield FixityResult(sha512, result, detail, files)


def _check_now(stored: StoredFile, why: str) -> None:
    """A fixity check of one file outside `samla fixity`, logged like the others."""
    result, detail = _verify(stored)
    with transaction.atomic():
        _log_check(stored, result, f"{why}. {detail}".strip(), timezone.now())


def report_damaged_download(stored: StoredFile, *, digest: str, size: int) -> None:
    """A download found the bytes changed while it streamed them (it was broken off before the last
    byte): log a failed check, so the file is listed for the fixity report and not served until its
    bytes are restored. Written in a transaction of its own, after the response began."""
    detail = (
        f"found by a download: now {size} bytes with SHA-512 {digest[:16]}…, stored as {stored.size} bytes."
    )
    with transaction.atomic():
        _log_check(stored, "corrupted", detail, timezone.now())


def _verify(stored: StoredFile) -> tuple[str, str]:
    try:
        digest, size = store.hash_blob(stored.sha512)
    except FileNotFoundError:
        return "missing", f"{store.blob_path(stored.sha512)} is not in the store."
    if digest != stored.sha512 or size != stored.size:
        return "corrupted", f"now {size} bytes with SHA-512 {digest[:16]}…, stored as {stored.size} bytes."
    return "ok", ""


def _log_check(stored: StoredFile, result: str, detail: str, at: dt.datetime) -> None:
    FixityCheck.objects.create(stored_file=stored, at=at, result=result, detail=detail[:300])
    StoredFile.objects.filter(pk=stored.pk).update(last_checked=at, last_check_result=result)
    stored.last_checked, stored.last_check_result = at, result


# ---------------------------------------------------------------- garbage collection


@dataclass(frozen=True)
class Unreferenced:
    sha512: str
    size: int
    mime_type: str


def list_unreferenced(actor: Actor) -> list[Unreferenced]:
    """Stored files no record shows any more (every record detached them), oldest first."""
    require(actor, "file.manage")
    rows = (
        StoredFile.objects.filter(record_files__isnull=True)
        .order_by("created", "sha512")
        .values_list("sha512", "size", "mime_type")
    )
    return [Unreferenced(*row) for row in rows]


def remove_unreferenced(actor: Actor, *, sha512s: Sequence[str]) -> Iterator[Unreferenced]:
    """Delete each of these stored files, its fixity log and text, and its bytes, if still no record
    shows it; yields what was removed.

    The row is locked and the bytes unlinked inside the transaction, so an upload of the same bytes at
    the same time waits and then stores them anew. Refused while another run holds the lock (Conflict).
    """
    require(actor, "file.manage")
    with store.job_lock("gc"):
        for sha512 in sha512s:
            with transaction.atomic():
                stored = StoredFile.objects.select_for_update().filter(pk=sha512).first()
                if stored is None or stored.record_files.exists():
                    continue  # already removed, or attached again meanwhile
                removed = Unreferenced(stored.sha512, stored.size, stored.mime_type)
                stored.delete()
                store.blob_path(sha512).unlink(missing_ok=True)
            yield removed

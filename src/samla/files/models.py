"""Full-text files: the stored bytes, their place on records, and the fixity log.

`StoredFile` is a content-addressed blob (the same bytes are one row and one file in the store, whatever
the number of records they are attached to); `RecordFile` is one file as a record shows it, with its own
name, access and version; `FixityCheck` is one re-hash of a stored blob. Only `files.services` writes them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EXTRACTION_STATUSES = [
    ("pending", _("pending")),
    ("ok", _("extracted")),
    ("encrypted", _("encrypted")),
    ("failed", _("failed")),
    ("skipped", _("not a PDF")),
]
FIXITY_RESULTS = [("ok", _("ok")), ("missing", _("missing")), ("corrupted", _("corrupted"))]
ACCESS_LEVELS = [
    ("open", _("Open access")),
    ("embargo", _("Embargoed")),
    ("restricted", _("Restricted")),
    ("archive", _("Archive only")),
]
VERSIONS = [
    ("published", _("Published version")),
    ("accepted", _("Accepted manuscript")),
    ("submitted", _("Submitted manuscript")),
]
RESTRICTED_ROLES = [
    ("reader", _("signed-in users")),
    ("depositor", _("depositors")),
    ("curator", _("curators")),
    ("admin", _("administrators")),
]


class StoredFile(models.Model):
    """Bytes in the file store, named by their SHA-512, with what was learned from them."""

    sha512 = models.CharField(max_length=128, primary_key=True, help_text="hex digest, the store key")
    size = models.PositiveBigIntegerField()
    mime_type = models.CharField(max_length=100, help_text="detected from the content, not the name")
    page_count = models.PositiveIntegerField(null=True, blank=True)
    extraction_status = models.CharField(max_length=10, choices=EXTRACTION_STATUSES, default="pending")
    extraction_detail = models.CharField(max_length=300, blank=True, help_text="why extraction failed")
    created = models.DateTimeField()
    # The last FixityCheck, kept here so downloads and "oldest checked first" need no extra query.
    last_checked = models.DateTimeField(null=True, blank=True)
    last_check_result = models.CharField(max_length=10, choices=FIXITY_RESULTS, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["last_checked", "sha512"]),
            models.Index(fields=["extraction_status"]),
        ]

    def __str__(self) -> str:
        return f"{self.sha512[:16]}… ({self.mime_type}, {self.size} bytes)"

    @property
    def size_kb(self) -> int:
        """The size as DiVA shows it: kB, rounded up, so a small file is never "0 kB"."""
        return -(-self.size // 1000)

    @property
    def intact(self) -> bool:
        """False when the last fixity check found the bytes missing or changed."""
        return self.last_check_result in ("", "ok")


class ExtractedText(models.Model):
    """The text of a stored PDF, kept apart so pages and lists never load it."""

    stored_file = models.OneToOneField(
        StoredFile, primary_key=True, on_delete=models.CASCADE, related_name="extracted_text"
    )
    text = models.TextField()

    def __str__(self) -> str:
        return f"text of {self.stored_file_id[:16]}…"


class RecordFile(models.Model):
    """A stored file as one record shows it: its name, place, access and version."""

    record = models.ForeignKey("records.Record", on_delete=models.CASCADE, related_name="files")
    stored_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="record_files")
    position = models.PositiveSmallIntegerField()
    file_name = models.CharField(max_length=255, help_text="the original name, made safe")
    label = models.CharField(max_length=30, default="fulltext", help_text='e.g. "fulltext"')
    access = models.CharField(max_length=10, choices=ACCESS_LEVELS, default="open")
    embargo_until = models.DateField(null=True, blank=True, help_text="open from this day on")
    restricted_role = models.CharField(max_length=10, choices=RESTRICTED_ROLES, blank=True)
    version = models.CharField(max_length=10, choices=VERSIONS, default="published")
    created = models.DateTimeField()
    attached_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["record", "position"]
        constraints = [
            models.UniqueConstraint(fields=["record", "position"], name="unique_record_file_position"),
            models.UniqueConstraint(fields=["record", "stored_file"], name="unique_record_stored_file"),
            models.CheckConstraint(
                condition=~Q(access="embargo") | Q(embargo_until__isnull=False),
                name="embargo_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(access="restricted") | ~Q(restricted_role=""),
                name="restricted_has_role",
            ),
        ]

    def __str__(self) -> str:
        return self.file_name

    def get_absolute_url(self) -> str:
        return reverse("files:download", args=[self.record.local_id, self.pk, self.file_name])

    @property
    def embargo_over(self) -> bool:
        """Whether an embargoed file's day has come (local time): from then on it is open to anyone."""
        return (
            self.access == "embargo"
            and self.embargo_until is not None
            and self.embargo_until <= timezone.localdate()
        )


class FixityCheck(models.Model):
    """One re-hash of a stored file: when, and whether its bytes were still there and unchanged."""

    stored_file = models.ForeignKey(StoredFile, on_delete=models.CASCADE, related_name="fixity_checks")
    at = models.DateTimeField()
    result = models.CharField(max_length=10, choices=FIXITY_RESULTS)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["stored_file", "-at"]
        indexes = [models.Index(fields=["stored_file", "-at"])]

    def __str__(self) -> str:
        return f"{self.stored_file_id[:16]}… {self.result} at {self.at:%Y-%m-%d %H:%M}"

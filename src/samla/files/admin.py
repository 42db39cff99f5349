"""The curators' file admin: stored files with their fixity log, and record files, attached through
`attach_file` and detached through `detach_file`.

The add form uploads one file to a record; the service stores it and its errors (a program named .pdf, an
empty file, a file over the limit) show on the form. Deleting a record file detaches it from its record
(the stored bytes stay). Files are otherwise read-only here.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samla.core.access import can
from samla.core.admin import CuratorReadOnly, admin_actor, adopt
from samla.core.errors import SamlaError

from .models import FixityCheck, RecordFile, StoredFile
from .services import attach_file, detach_file


class FixityCheckInline(CuratorReadOnly, admin.TabularInline):
    """Every check of the stored file, newest first."""

    model = FixityCheck
    fields = ("at", "result", "detail")
    ordering = ("-at",)
    extra = 0


class RecordFileInline(CuratorReadOnly, admin.TabularInline):
    model = RecordFile
    fields = ("record", "file_name", "access", "embargo_until", "version")
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[RecordFile]:
        return super().get_queryset(request).select_related("record")


@admin.register(StoredFile)
class StoredFileAdmin(CuratorReadOnly, admin.ModelAdmin):
    list_display = (
        "sha512_short",
        "size",
        "mime_type",
        "page_count",
        "extraction_status",
        "last_checked",
        "last_check_result",
    )
    list_filter = ("last_check_result", "extraction_status", "mime_type")
    search_fields = ("sha512", "record_files__file_name", "record_files__record__local_id")
    search_help_text = _("SHA-512 (or its beginning), file name or record id")
    fields = (
        "sha512",
        "size",
        "mime_type",
        "page_count",
        "extraction_status",
        "extraction_detail",
        "created",
        "last_checked",
        "last_check_result",
    )
    inlines = (RecordFileInline, FixityCheckInline)

    @admin.display(description=_("SHA-512"), ordering="sha512")
    def sha512_short(self, stored: StoredFile) -> str:
        return stored.sha512[:16] + "…"


# The service's names for what this form calls the upload.
SERVICE_FIELDS = {"file": "upload", "file_name": "upload"}


class AttachFileForm(forms.ModelForm):
    """One upload to a record, stored by `attach_file` when the form is cleaned, so that whatever the
    service refuses is shown on the form."""

    record_id = forms.CharField(label=_("Record"), help_text=_('Its local id, e.g. "diva2:1897829"'))
    upload = forms.FileField(label=_("File"))

    class Meta:
        model = RecordFile
        fields = ("access", "embargo_until", "restricted_role", "version", "label")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        upload = cleaned["upload"]
        try:
            self.attached = attach_file(
                self.actor,
                local_id=cleaned["record_id"].strip(),
                source=upload,
                file_name=upload.name,
                access=cleaned["access"],
                embargo_until=cleaned.get("embargo_until"),
                restricted_role=cleaned.get("restricted_role") or "",
                version=cleaned["version"],
                label=cleaned.get("label") or "fulltext",
            )
        except SamlaError as error:
            named = [
                SERVICE_FIELDS.get(f, f) for f in error.fields if SERVICE_FIELDS.get(f, f) in self.fields
            ]
            self.add_error(named[0] if named else None, error.message)
        return cleaned


@admin.register(RecordFile)
class RecordFileAdmin(CuratorReadOnly, admin.ModelAdmin):
    list_display = ("record", "file_name", "access", "embargo_until", "version", "size", "last_check")
    list_select_related = ("record", "stored_file")
    list_filter = ("access", "version", "stored_file__last_check_result")
    search_fields = ("file_name", "record__local_id", "stored_file__sha512")
    search_help_text = _("File name, record id or SHA-512")
    readonly_fields = ("stored_file",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(admin_actor(request), "file.attach")

    def has_delete_permission(self, request: HttpRequest, obj: RecordFile | None = None) -> bool:
        record = obj.record if obj is not None else None
        return can(admin_actor(request), "file.detach", record)

    def delete_model(self, request: HttpRequest, obj: RecordFile) -> None:
        detach_file(admin_actor(request), local_id=obj.record.local_id, file_id=obj.pk)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RecordFile]) -> None:
        for record_file in queryset.select_related("record"):
            self.delete_model(request, record_file)

    def get_form(self, request: HttpRequest, obj: RecordFile | None = None, change: bool = False, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, change=change, **kwargs)
        form_class = super().get_form(request, obj, change=change, form=AttachFileForm, **kwargs)
        return type("AttachFileFormFor", (form_class,), {"actor": admin_actor(request)})

    def get_fields(self, request: HttpRequest, obj: RecordFile | None = None):
        if obj is None:
            return ("record_id", "upload", "access", "embargo_until", "restricted_role", "version", "label")
        return (
            "record",
            "position",
            "file_name",
            "label",
            "access",
            "embargo_until",
            "restricted_role",
            "version",
            "stored_file",
            "created",
            "attached_by",
        )

    def save_model(self, request: HttpRequest, obj: RecordFile, form: AttachFileForm, change: bool) -> None:
        adopt(obj, form.attached)

    @admin.display(description=_("size"), ordering="stored_file__size")
    def size(self, record_file: RecordFile) -> int:
        return record_file.stored_file.size

    @admin.display(description=_("last fixity check"), ordering="stored_file__last_checked")
    def last_check(self, record_file: RecordFile) -> str:
        stored = record_file.stored_file
        if stored.last_checked is None:
            return _("never")
        checked = timezone.localtime(stored.last_checked)
        return f"{stored.get_last_check_result_display()} ({checked:%Y-%m-%d %H:%M})"

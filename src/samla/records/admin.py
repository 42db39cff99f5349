"""The curators' record admin: find and inspect records, and approve them through `approve_record`.

Records are described through the deposit form, the REST API and importers, which all validate with
`records.services`; the admin therefore shows records read-only, and its actions call services.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from samla.core.access import can
from samla.core.admin import CuratorReadOnly, admin_actor

from .models import Contribution, Identifier, Record, Revision
from .services import TRANSITIONS, approve_record, restore_record


class ContributionInline(CuratorReadOnly, admin.TabularInline):
    model = Contribution
    fields = ("position", "role", "family_name", "given_name", "is_organisation", "person")
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Contribution]:
        return super().get_queryset(request).select_related("person")


class IdentifierInline(CuratorReadOnly, admin.TabularInline):
    model = Identifier
    fk_name = "record"
    fields = ("scheme", "value", "relation", "related_record", "label")
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Identifier]:
        return super().get_queryset(request).select_related("related_record")


class RevisionInline(CuratorReadOnly, admin.TabularInline):
    """The record's history, newest first: who changed what and when."""

    model = Revision
    fields = ("number", "at", "actor", "summary", "changed_fields")
    readonly_fields = ("changed_fields",)
    extra = 0

    @admin.display(description=_("changed fields"))
    def changed_fields(self, revision: Revision) -> str:
        return ", ".join(sorted(revision.changes))


@admin.register(Record)
class RecordAdmin(CuratorReadOnly, admin.ModelAdmin):
    list_display = ("local_id", "short_title", "year", "output_type", "state", "approved", "journal")
    list_select_related = ("journal",)
    list_filter = (
        "output_type",
        "content_type",
        "publication_status",
        "state",
        "approved",
        "year",
        "language",
    )
    search_fields = (
        "title",
        "local_id",
        "identifiers__value",
        "contributions__family_name",
        "contributions__given_name",
    )
    search_help_text = _("Title, local id, identifier (DOI, URN, ISI…) or author name")
    actions = ("approve", "restore")
    inlines = (ContributionInline, IdentifierInline, RevisionInline)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "local_id",
                    ("state", "withdrawn_reason"),
                    "approved",
                    "revision",
                    "datestamp",
                    "owner",
                    "provenance",
                )
            },
        ),
        (
            _("Description"),
            {
                "fields": (
                    ("title", "subtitle", "title_language"),
                    "alternative_titles",
                    ("output_type", "content_type", "publication_status"),
                    ("language", "issued", "licence", "access_condition"),
                    "links",
                    "subjects",
                    "abstracts",
                    "keywords",
                    "funders",
                    "notes",
                )
            },
        ),
        (
            _("Publication channel"),
            {
                "fields": (
                    "journal",
                    ("volume", "issue", "article_number", "pages_start", "pages_end"),
                    ("host_title", "publisher", "place"),
                    ("edition", "series_number", "page_count"),
                    "conference",
                )
            },
        ),
        (_("Dates"), {"fields": ("created", "available_from", "last_updated")}),
    )

    @admin.display(description=_("title"), ordering="title")
    def short_title(self, record: Record) -> str:
        return record.title if len(record.title) <= 80 else record.title[:79] + "…"

    def has_approve_permission(self, request: HttpRequest) -> bool:
        return can(admin_actor(request), "record.approve")

    @admin.action(description=_("Mark bibliographically approved"), permissions=["approve"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Record]) -> None:
        """Each record goes through `approve_record`, so it gets a Revision row like any approval. Only
        submitted and published records can be approved (`lifecycle.TRANSITIONS`); others are left."""
        actor = admin_actor(request)
        approvable = queryset.filter(approved=False, state__in=TRANSITIONS["approve"].sources)
        local_ids = list(approvable.values_list("local_id", flat=True))
        for local_id in local_ids:
            approve_record(actor, local_id=local_id)
        count = len(local_ids)
        self.message_user(request, ngettext("%d record approved.", "%d records approved.", count) % count)

    def has_restore_permission(self, request: HttpRequest) -> bool:
        return can(admin_actor(request), "record.restore")

    @admin.action(description=_("Restore withdrawn records"), permissions=["restore"])
    def restore(self, request: HttpRequest, queryset: QuerySet[Record]) -> None:
        """Each record goes through `restore_record`, so it gets a Revision row."""
        actor = admin_actor(request)
        local_ids = list(queryset.filter(state="withdrawn").values_list("local_id", flat=True))
        for local_id in local_ids:
            restore_record(actor, local_id=local_id)
        count = len(local_ids)
        self.message_user(request, ngettext("%d record restored.", "%d records restored.", count) % count)

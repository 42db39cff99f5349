"""The curators' organisation admin: the hierarchy (parent, sub-units), changed through the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from samla.core.admin import AuthorityAdmin, CuratorReadOnly, admin_actor, adopt, clean_with_service

from .models import Organisation
from .services import clean_organisation_fields, create_organisation, update_organisation

EDITABLE = ("name_en", "name_sv", "kind", "parent", "identifier", "country", "ror")


def organisation_values(cleaned_data: dict[str, Any]) -> dict[str, Any]:
    """The form's values as the services take them: text, never None, except the parent."""
    return {
        field: cleaned_data.get(field) if field == "parent" else cleaned_data.get(field) or ""
        for field in EDITABLE
    }


class OrganisationForm(forms.ModelForm):
    """Validated by `clean_organisation_fields` (identifier taken, parent below itself)."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        return clean_with_service(
            self,
            lambda: clean_organisation_fields(organisation_values(cleaned), organisation_id=self.instance.pk),
        )


class SubUnitInline(CuratorReadOnly, admin.TabularInline):
    """The units directly below; each links to its own page, where its parent can be changed."""

    model = Organisation
    fk_name = "parent"
    fields = ("name_en", "identifier", "kind")
    extra = 0
    show_change_link = True
    verbose_name = "sub-unit"
    verbose_name_plural = "sub-units"


@admin.register(Organisation)
class OrganisationAdmin(AuthorityAdmin, admin.ModelAdmin):
    form = OrganisationForm
    fields = EDITABLE
    list_display = ("name_en", "name_sv", "identifier", "kind", "parent")
    list_select_related = ("parent",)
    list_filter = ("kind",)
    search_fields = ("name_en", "name_sv", "identifier", "ror")
    search_help_text = "Name (English or Swedish), identifier or ROR id"
    autocomplete_fields = ("parent",)
    inlines = (SubUnitInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organisation]:
        return super().get_queryset(request).select_related("parent")

    def save_model(
        self, request: HttpRequest, obj: Organisation, form: OrganisationForm, change: bool
    ) -> None:
        actor, values = admin_actor(request), organisation_values(form.cleaned_data)
        if change:
            adopt(obj, update_organisation(actor, organisation_id=obj.pk, **values))
        else:
            adopt(obj, create_organisation(actor, **values))

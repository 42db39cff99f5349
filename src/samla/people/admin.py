"""The curators' person admin: find people, correct their names and ids through the person services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from samla.core.admin import AuthorityAdmin, CuratorReadOnly, admin_actor, adopt, clean_with_service

from .models import Person, PersonNameVariant
from .services import clean_person_fields, create_person, update_person

EDITABLE = ("family_name", "given_name", "orcid", "local_id", "authority_id", "birth_year")


def person_values(cleaned_data: dict[str, Any]) -> dict[str, Any]:
    """The form's values as the person services take them: text, never None, except the birth year."""
    return {
        field: cleaned_data.get(field) if field == "birth_year" else cleaned_data.get(field) or ""
        for field in EDITABLE
    }


class PersonForm(forms.ModelForm):
    """Validated by `clean_person_fields` (ORCID check digit, ids taken) before saving."""

    # Room for an orcid.org URL, which the service reduces to the 19-character iD.
    orcid = forms.CharField(label=_("ORCID iD"), required=False, max_length=100)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        return clean_with_service(
            self, lambda: clean_person_fields(person_values(cleaned), person_id=self.instance.pk)
        )


class NameVariantInline(CuratorReadOnly, admin.TabularInline):
    """Variants are learned from publications by `resolve_person`; the admin shows them."""

    model = PersonNameVariant
    fields = ("family_name", "given_name")
    extra = 0


@admin.register(Person)
class PersonAdmin(AuthorityAdmin, admin.ModelAdmin):
    form = PersonForm
    fields = (*EDITABLE, "organisations")
    readonly_fields = ("organisations",)
    list_display = ("display_name", "orcid", "local_id", "authority_id", "birth_year")
    search_fields = ("family_name", "given_name", "orcid", "local_id", "name_variants__family_name")
    search_help_text = "Name, name variant, ORCID iD or local id"
    inlines = (NameVariantInline,)

    def save_model(self, request: HttpRequest, obj: Person, form: PersonForm, change: bool) -> None:
        actor, values = admin_actor(request), person_values(form.cleaned_data)
        if change:
            adopt(obj, update_person(actor, person_id=obj.pk, **values))
        else:
            adopt(obj, create_person(actor, **values))

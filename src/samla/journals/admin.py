"""The curators' journal admin: find journals by title or ISSN; add and correct them through services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from samla.core.admin import AuthorityAdmin, admin_actor, adopt, clean_with_service

from .models import Journal
from .services import clean_journal_fields, create_journal, update_journal

EDITABLE = ("title", "kind", "issn", "eissn", "publisher")


def journal_values(cleaned_data: dict[str, Any]) -> dict[str, Any]:
    """The form's values as the services take them: text, never None."""
    return {field: cleaned_data.get(field) or "" for field in EDITABLE}


class JournalForm(forms.ModelForm):
    """Validated by `clean_journal_fields` (ISSN check digit, ISSN taken) before saving."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        return clean_with_service(
            self, lambda: clean_journal_fields(journal_values(cleaned), journal_id=self.instance.pk)
        )


@admin.register(Journal)
class JournalAdmin(AuthorityAdmin, admin.ModelAdmin):
    form = JournalForm
    fields = EDITABLE
    list_display = ("title", "kind", "issn", "eissn", "publisher")
    list_filter = ("kind",)
    search_fields = ("title", "issn", "eissn")
    search_help_text = "Title, ISSN or E-ISSN"

    def save_model(self, request: HttpRequest, obj: Journal, form: JournalForm, change: bool) -> None:
        actor, values = admin_actor(request), journal_values(form.cleaned_data)
        if change:
            adopt(obj, update_journal(actor, journal_id=obj.pk, **values))
        else:
            adopt(obj, create_journal(actor, **values))

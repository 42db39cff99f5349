"""Subject categories (SSIF) for curators to look up; they come from a migration and are never edited."""

from django.contrib import admin

from samla.core.admin import CuratorReadOnly

from .models import SubjectCategory


@admin.register(SubjectCategory)
class SubjectCategoryAdmin(CuratorReadOnly, admin.ModelAdmin):
    list_display = ("code", "label_en", "label_sv", "parent", "deprecated")
    list_select_related = ("parent",)
    list_filter = ("deprecated",)
    search_fields = ("code", "label_en", "label_sv")
    search_help_text = "Code or label (English or Swedish)"

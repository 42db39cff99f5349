"""Organisations: a hierarchy of university → school/faculty → department/unit, and external bodies."""

from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    KINDS = [
        ("university", _("University")),
        ("faculty", _("School or faculty")),
        ("department", _("Department")),
        ("unit", _("Unit or research group")),
        ("external", _("External organisation")),
        ("funder", _("Funder")),
        ("organisation", _("Organisation")),  # the top of an imported path: its kind is not known
    ]

    # The source's identifier, "<authority>:<id>" (e.g. "liu:9150" from DiVA), unique when present.
    identifier = models.CharField(max_length=100, unique=True, null=True, blank=True)
    ror = models.CharField("ROR id", max_length=40, blank=True, db_index=True)
    name_en = models.CharField(max_length=300)
    name_sv = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=20, choices=KINDS, default="unit")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")

    class Meta:
        ordering = ["name_en"]
        indexes = [models.Index(fields=["name_en"]), models.Index(fields=["name_sv"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:detail", args=[self.pk])

    @property
    def name(self) -> str:
        if (get_language() or "en").startswith("sv") and self.name_sv:
            return self.name_sv
        return self.name_en or self.name_sv

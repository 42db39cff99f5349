"""Controlled vocabularies that live in the database because records point at them."""

from django.db import models
from django.utils.translation import get_language


class SubjectCategory(models.Model):
    """A national subject category of SSIF (Standard för svensk indelning av forskningsämnen).

    Three levels: research area, subject group, subject.
    """

    code = models.CharField(max_length=8, primary_key=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    label_en = models.CharField(max_length=200)
    label_sv = models.CharField(max_length=200)
    deprecated = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "subject categories"

    def __str__(self) -> str:
        return f"{self.code} {self.label_en}"

    @property
    def level(self) -> int:
        """1 = research area, 2 = subject group, 3 = subject (codes of 1, 3 and 5 digits)."""
        return {1: 1, 3: 2}.get(len(self.code), 3)

    @property
    def label(self) -> str:
        return self.label_sv if (get_language() or "en").startswith("sv") else self.label_en

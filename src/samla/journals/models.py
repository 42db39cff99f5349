"""Publication channels: journals and series, identified by ISSN / E-ISSN."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Journal(models.Model):
    KINDS = [("journal", _("Journal")), ("series", _("Series"))]

    title = models.CharField(max_length=500)
    kind = models.CharField(max_length=10, choices=KINDS, default="journal")
    issn = models.CharField("ISSN", max_length=9, unique=True, null=True, blank=True)
    eissn = models.CharField("E-ISSN", max_length=9, unique=True, null=True, blank=True)
    publisher = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["title"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("journals:detail", args=[self.pk])

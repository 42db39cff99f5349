"""Person authority records: one row per real person, linked from every contribution they made."""

from django.db import models
from django.urls import reverse


class Person(models.Model):
    family_name = models.CharField(max_length=200)
    given_name = models.CharField(max_length=200, blank=True)
    orcid = models.CharField("ORCID iD", max_length=19, unique=True, null=True, blank=True)
    # The local user id at the institution ("liu:matth80"), unique when present.
    local_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    # The source repository's authority id ("diva:authority-person:24220").
    authority_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    organisations = models.ManyToManyField(
        "organisations.Organisation", blank=True, related_name="people", help_text="Current affiliations"
    )

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [models.Index(fields=["family_name", "given_name"])]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("people:detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        """Inverted form, as authority records and citations list people: "Masterson, Daniel"."""
        return f"{self.family_name}, {self.given_name}" if self.given_name else self.family_name

    @property
    def orcid_url(self) -> str:
        return f"https://orcid.org/{self.orcid}" if self.orcid else ""


class PersonNameVariant(models.Model):
    """Another form of a person's name seen in publications (maiden name, initials, transliteration)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_variants")
    family_name = models.CharField(max_length=200)
    given_name = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "family_name", "given_name"], name="unique_name_variant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.family_name}, {self.given_name}" if self.given_name else self.family_name

"""Item texts kept from earlier exports and harvests, and the counter that tells when they went stale.

A list export or an OAI-PMH page spends most of its time loading records and writing them out; the same
records are exported and harvested again and again between changes. `RenderedItem` keeps each record's
text per format, valid while its version holds (`exports.rendered`). Only `exports.rendered` writes them.
"""

from django.db import models


class RenderedItem(models.Model):
    """One record as one format's list file (or an OAI-PMH page) holds it, with the version it was made
    for: the record's datestamp and state, the authority counter and the rendering code's fingerprint."""

    record = models.ForeignKey("records.Record", on_delete=models.CASCADE, related_name="+")
    format = models.CharField(max_length=40, help_text="The format's name, or oai:<prefix> for OAI-PMH")
    version = models.CharField(max_length=100)
    text = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["record", "format"], name="rendered_item_unique")]

    def __str__(self) -> str:
        return f"{self.format} of record {self.record_id}"


class AuthorityChange(models.Model):
    """One row whose counter database triggers bump whenever a person, organisation or journal row is
    changed or deleted, whoever does it: records show their names, ORCIDs and ISSNs without their own
    datestamp changing, so every kept item made before such a change is stale."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    counter = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"authority change {self.counter}"

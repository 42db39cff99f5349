"""Where each harvest stands, so an interrupted harvest resumes and the next one is incremental."""

from django.db import models


class HarvestState(models.Model):
    """One OAI-PMH source (base URL, metadata prefix, set) and how far harvesting it has come."""

    base_url = models.URLField(max_length=500)
    metadata_prefix = models.CharField(max_length=60)
    set_spec = models.CharField(max_length=200, blank=True)
    # The token of the next page while a harvest is under way; "" when none is.
    resumption_token = models.TextField(blank=True)
    # The responseDate of the first page of the last complete harvest: the next one asks from there.
    harvested_until = models.CharField(max_length=20, blank=True)
    started = models.CharField(max_length=20, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["base_url", "metadata_prefix", "set_spec"], name="unique_harvest_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.base_url} {self.metadata_prefix} {self.set_spec}".strip()


class ImportFingerprint(models.Model):
    """The fingerprint of the source record a record was last imported from, per source format
    (`imports.fingerprints`): the same bytes again, while the record is at `revision`, change nothing."""

    record = models.ForeignKey("records.Record", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=40)  # the format, as field provenance names it
    fingerprint = models.CharField(max_length=32, db_index=True)
    revision = models.PositiveIntegerField()
    flags = models.JSONField(default=list)  # the quality flags of its values, as [field, message]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "source"], name="unique_fingerprint_per_source")
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.fingerprint}"

"""Usage statistics: the raw event log and the monthly counts kept from it.

`UsageEvent` is one successful record page view (an investigation) or file download (a request), as the
HTTP edge saw it: time, item, kind, the COUNTER session key (a keyed hash; no IP address, no user agent
string) and the class of user agent. `RecordUsage` holds the COUNTER R5 metrics per record (and per file)
per month, kept up to date by `stats.services` at ingest and recomputed by `samla stats rebuild`. Only
`stats.services` writes them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

INVESTIGATION = 1
REQUEST = 2
KINDS = [(INVESTIGATION, _("investigation")), (REQUEST, _("request"))]
HUMAN = 0
ROBOT = 1
MACHINE = 2
AGENTS = [(HUMAN, _("human")), (ROBOT, _("robot")), (MACHINE, _("machine"))]


class UsageEvent(models.Model):
    """One successful page view or download. Robots' and double clicks' events are kept too (not
    `counted`), so `samla stats rebuild` can apply the rules again to the whole log."""

    at = models.DateTimeField()
    record = models.ForeignKey("records.Record", on_delete=models.CASCADE, related_name="+")
    # No database constraint: a file detached from its record keeps its events (and so its counts
    # through `samla stats rebuild`), under the id it had.
    record_file = models.ForeignKey(
        "files.RecordFile",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    kind = models.PositiveSmallIntegerField(choices=KINDS)
    partial = models.BooleanField(default=False, help_text="a byte-range (206) answer")
    # COUNTER R5 §7.3 session: a keyed hash of user (or IP address + user agent) and the day; 64 bits.
    session = models.BigIntegerField()
    agent = models.PositiveSmallIntegerField(choices=AGENTS, default=HUMAN)
    counted = models.BooleanField(help_text="not a robot, a double click or a repeated byte range")

    class Meta:
        indexes = [
            models.Index(fields=["at", "id"], name="stats_event_time"),
            models.Index(fields=["session", "record", "at"], name="stats_event_session"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of record {self.record_id} at {self.at:%Y-%m-%d %H:%M:%S}"


class RecordUsage(models.Model):
    """The COUNTER R5 metrics of one record, or one of its files, in one month (UTC).

    `file_key` is 0 for the record as a whole (investigations and requests of any of its files); for a
    file it is the RecordFile id, and only the request columns are used. One table for both, so the
    record page reads its plot and every file's download count in one query.
    """

    record = models.ForeignKey("records.Record", on_delete=models.CASCADE, related_name="usage")
    file_key = models.PositiveBigIntegerField(default=0, help_text="0: the record; else a RecordFile id")
    month = models.DateField(help_text="the first day of the month")
    total_investigations = models.PositiveIntegerField(default=0)
    unique_investigations = models.PositiveIntegerField(default=0)
    total_requests = models.PositiveIntegerField(default=0)
    unique_requests = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "file_key", "month"], name="unique_record_usage_month")
        ]
        indexes = [models.Index(fields=["file_key", "record"], name="stats_usage_file_key")]

    def __str__(self) -> str:
        return f"record {self.record_id} file {self.file_key} {self.month:%Y-%m}"


class SpooledBatch(models.Model):
    """A spool file of usage events (`stats.spool`) that has been written, named in the transaction that
    wrote its events: a file replayed again (its process died before deleting it, or two processes
    replayed it at once) is then recognised and deleted instead of counted twice."""

    name = models.CharField(max_length=100, unique=True)
    written_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

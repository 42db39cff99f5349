"""A background job: a list export or bibliography too large for one request, prepared by a worker."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """One file being prepared for its owner (a user, or an anonymous reader's session).

    The work itself is a task of Django's Tasks API (`tasks.prepare_download`, run by `samla jobs worker`);
    this row is what the owner's page shows: the state, the progress and, once done, the file.
    `heartbeat` moves while a worker works on it, so a job whose worker died is seen and run again."""

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATES = [
        (QUEUED, _("Waiting")),
        (RUNNING, _("Being prepared")),
        (DONE, _("Ready")),
        (FAILED, _("Failed")),
    ]
    UNFINISHED = (QUEUED, RUNNING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE)
    session_key = models.CharField(max_length=40, blank=True, db_index=True)
    spec = models.JSONField()  # downloads.DownloadSpec
    state = models.CharField(max_length=10, choices=STATES, default=QUEUED)
    total = models.PositiveIntegerField(default=0)  # records in the list, known once it starts
    done = models.PositiveIntegerField(default=0)  # records written so far
    message = models.TextField(blank=True)  # why it failed
    filename = models.CharField(max_length=200, blank=True)  # the download's name
    content_type = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    heartbeat = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "heartbeat"])]

    def __str__(self) -> str:
        return f"{self.pk} ({self.state})"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.DONE, self.FAILED)

    @property
    def percent(self) -> int:
        return min(100, 100 * self.done // self.total) if self.total else 0

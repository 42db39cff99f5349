"""Background jobs: a list export or bibliography over the request limits, prepared by a worker process.

One mechanism on the database: Django's Tasks API through the django-tasks backport with the
django-tasks-db backend (`tasks.prepare_download`), run by `samla jobs worker`, on SQLite and PostgreSQL
alike. A `Job` row is what the owner sees: the state, the records written so far and, once done, the file
in DATA_DIR/jobs, kept SAMLA_JOB_KEEP_HOURS. A worker that dies under a job leaves it `running` with a
heartbeat that stops moving; `recover_lost_jobs` runs such a job again, or reports it failed after
JOB_ATTEMPTS runs, so no job is silently lost.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from samla.core.access import Actor
from samla.core.errors import NotFound, SamlaError, TooManyRequests
from samla.core.limits import job_limit

from .downloads import SCOPES, DownloadSpec, kinds, prepare
from .models import Job

log = logging.getLogger(__name__)
BEAT_SECONDS = 1.0  # progress is written at most this often


class JobTooLong(SamlaError):
    """A job passed SAMLA_JOB_SECONDS."""


def start_job(actor: Actor, spec: DownloadSpec, *, session_key: str = "") -> Job:
    """Queue `spec` as a background job owned by the actor's user, or by `session_key` for an anonymous
    reader. Checked now, as the request would be: bad parameters (400), a missing list (404), more records
    than SAMLA_JOB_MAX_RECORDS (413); TooManyRequests (429) past SAMLA_JOB_MAX_ACTIVE unfinished jobs of
    this owner or SAMLA_JOB_MAX_QUEUED in all."""
    if spec.kind not in kinds() or spec.scope not in SCOPES:
        raise NotFound(gettext("There is no such list to prepare."))
    prune_jobs()
    owner = _owner(actor, session_key)
    unfinished = Job.objects.filter(state__in=Job.UNFINISHED)
    if unfinished.filter(**owner).count() >= settings.JOB_MAX_ACTIVE:
        raise TooManyRequests(
            f"You have {settings.JOB_MAX_ACTIVE} files being prepared (the limit SAMLA_JOB_MAX_ACTIVE); "
            "wait until one of them is ready."
        )
    if unfinished.count() >= settings.JOB_MAX_QUEUED:
        raise TooManyRequests(
            f"{settings.JOB_MAX_QUEUED} files are being prepared (the limit SAMLA_JOB_MAX_QUEUED); "
            "try again in a few minutes."
        )
    total = prepare(actor, spec, limit=job_limit()).total
    with transaction.atomic():
        job = Job.objects.create(spec=spec.as_json(), total=total, **owner)
        _enqueue(job)
    return job


def get_job_for(actor: Actor, job_id: uuid.UUID | str, *, session_key: str = "") -> Job:
    """The job, if it is the actor's (their user's, or this anonymous session's); NotFound otherwise,
    with the same words whether it is missing or another's. A job whose worker died is looked after
    first (run again or reported failed)."""
    recover_lost_jobs()
    owner = _owner(actor, session_key)
    if not owner.get("owner_id") and not owner.get("session_key"):
        raise NotFound(gettext("There is no such job."))
    try:
        return Job.objects.get(pk=job_id, **owner)
    except (Job.DoesNotExist, ValueError):
        raise NotFound(gettext("There is no such job.")) from None


def job_file(job: Job) -> Path:
    """Where a job's file is kept."""
    return Path(settings.JOB_DIR) / f"{job.pk}.out"


def run_job(job_id: str) -> None:
    """Prepare the job's file (what the worker's task does). A job already finished, or taken by another
    run, is left alone. A refusal (the list grew past the limit, a record became hidden…) or passing
    SAMLA_JOB_SECONDS fails the job with its reason; a worker stopped under it (SIGTERM) queues it again."""
    job = _claim(job_id)
    if job is None:
        return
    try:
        _write(job)
    except SamlaError as error:
        _finish(job, Job.FAILED, message=error.message)
    except Exception:
        log.exception("job %s failed", job.pk)
        _finish(job, Job.FAILED, message="The file could not be prepared because of an error in Samla.")
    except BaseException:  # the worker is stopping: the job goes back in the queue
        _retry_or_fail(job)
        raise


def recover_lost_jobs() -> int:
    """Run again (or, after JOB_ATTEMPTS runs, fail) the jobs whose worker died: running with a heartbeat
    older than JOB_STALE_SECONDS. Returns how many were recovered."""
    stale = timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS)
    lost = list(Job.objects.filter(state=Job.RUNNING, heartbeat__lt=stale).values_list("pk", flat=True))
    for job_id in lost:
        with transaction.atomic():
            job = Job.objects.select_for_update().filter(pk=job_id, state=Job.RUNNING).first()
            if job is not None and job.heartbeat < stale:
                log.warning("job %s lost its worker (attempt %s)", job.pk, job.attempts)
                _retry_or_fail(job)
    return len(lost)


def prune_jobs() -> int:
    """Remove the jobs (and files) finished more than SAMLA_JOB_KEEP_HOURS ago; returns how many."""
    cutoff = timezone.now() - timedelta(hours=settings.JOB_KEEP_HOURS)
    old = list(Job.objects.filter(finished__lt=cutoff))
    for job in old:
        job_file(job).unlink(missing_ok=True)
    Job.objects.filter(pk__in=[job.pk for job in old]).delete()
    return len(old)


# -- the worker's side ---------------------------------------------------------------------------------


def _claim(job_id: str) -> Job | None:
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id, state=Job.QUEUED).first()
        if job is None:
            return None
        job.state, job.attempts, job.heartbeat, job.done = Job.RUNNING, job.attempts + 1, timezone.now(), 0
        job.save(update_fields=["state", "attempts", "heartbeat", "done"])
    return job


def _write(job: Job) -> None:
    spec = DownloadSpec.from_json(job.spec)
    deadline = time.monotonic() + settings.JOB_SECONDS
    last_beat = 0.0

    def progress(done: int) -> None:
        nonlocal last_beat
        if time.monotonic() > deadline:
            raise JobTooLong(
                f"Preparing the file took longer than {settings.JOB_SECONDS:g} s "
                "(the limit SAMLA_JOB_SECONDS); narrow the list."
            )
        if time.monotonic() - last_beat >= BEAT_SECONDS:
            last_beat = time.monotonic()
            Job.objects.filter(pk=job.pk).update(done=done, heartbeat=timezone.now())

    download = prepare(_actor(job), spec, limit=job_limit(), progress=progress)
    path = job_file(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    with partial.open("w", encoding="utf-8") as out:
        for chunk in download.chunks:
            out.write(chunk)
    partial.replace(path)
    job.filename, job.content_type, job.total = download.filename, download.content_type, download.total
    _finish(job, Job.DONE, done=download.total)


def _finish(job: Job, state: str, *, message: str = "", done: int | None = None) -> None:
    job.state, job.message, job.finished = state, message, timezone.now()
    fields = ["state", "message", "finished", "filename", "content_type", "total"]
    if done is not None:
        job.done = done
        fields.append("done")
    job.save(update_fields=fields)


def _retry_or_fail(job: Job) -> None:
    if job.attempts >= settings.JOB_ATTEMPTS:
        _finish(
            job,
            Job.FAILED,
            message=f"The worker preparing the file stopped {job.attempts} times; try a narrower list.",
        )
        return
    job.state = Job.QUEUED
    job.save(update_fields=["state"])
    _enqueue(job)


def _enqueue(job: Job) -> None:
    from .tasks import prepare_download

    result = prepare_download.enqueue(str(job.pk))
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))


def _actor(job: Job) -> Actor:
    """Who the job acts for: its owner as they are now (a withdrawn right applies), or anonymous."""
    if job.owner_id is None:
        return Actor.anonymous()
    user = get_user_model().objects.filter(pk=job.owner_id, is_active=True).first()
    return Actor.for_user(user)


def _owner(actor: Actor, session_key: str) -> dict:
    if actor.user_id is not None:
        return {"owner_id": actor.user_id}
    return {"owner_id": None, "session_key": session_key}

"""The task of Django's Tasks API that a worker (`samla jobs worker`) runs for a job."""

from __future__ import annotations

from django_tasks import task

from .services import run_job


@task()
def prepare_download(job_id: str) -> None:
    """Prepare the file of job `job_id` (`services.run_job`)."""
    run_job(job_id)

"""The tasks of Django's Tasks API that a worker (`samla jobs worker`) runs."""

from __future__ import annotations

from django_tasks import task

from samla.records.notifications import Mail, deliver

from .services import run_job


@task()
def prepare_download(job_id: str) -> None:
    """Prepare the file of job `job_id` (`services.run_job`)."""
    run_job(job_id)


@task()
def send_mail(to: list[str], subject: str, body: str) -> None:
    """Send one mail through Django's mail backend (SMTP, or files in `make run`), out of the request
    that caused it, so a slow or absent mail server holds up no page."""
    deliver(Mail(to=tuple(to), subject=subject, body=body))


def enqueue_mail(mail: Mail) -> None:
    """The sender `records.notifications` uses once the jobs app is ready."""
    send_mail.enqueue(list(mail.to), mail.subject, mail.body)

"""`samla jobs worker` and `samla jobs prune`: thin commands over `jobs.services` and django-tasks-db."""

from __future__ import annotations

import os
import threading

import click


@click.group("jobs")
def jobs() -> None:
    """Background jobs: list exports and bibliographies too large for one request."""


@jobs.command("worker")
@click.option("--batch", is_flag=True, help="Run the jobs waiting now, then exit.")
@click.option("--interval", default=1.0, show_default=True, help="Seconds between looks for new jobs.")
@click.option(
    "--nice", default=10, show_default=True, help="CPU priority to lower the worker by, so pages come first."
)
def worker(batch: bool, interval: float, nice: int) -> None:
    """Run background jobs (`make run` starts one beside the server).

    The worker of django-tasks-db (`manage.py db_worker`), with Samla's care of lost jobs: a job whose worker
    died (kill -9, a crash) is run again, or reported failed after three runs, when this worker starts and
    every JOB_STALE_SECONDS while it runs. SIGTERM lets the job in hand finish; a second one stops it and
    puts it back in the queue.
    """
    from django.conf import settings
    from django.core.management import call_command

    from samla.jobs.services import prune_jobs, recover_lost_jobs

    os.nice(nice)
    recover_lost_jobs()
    prune_jobs()
    if not batch:
        _look_after_lost_jobs(settings.JOB_STALE_SECONDS / 2)
    call_command("db_worker", batch=batch, interval=interval, reload=False, verbosity=0)


@jobs.command("prune")
def prune() -> None:
    """Remove the jobs, and their files, finished more than SAMLA_JOB_KEEP_HOURS ago."""
    from samla.jobs.services import prune_jobs

    click.echo(f"{prune_jobs()} finished jobs removed.")


def _look_after_lost_jobs(every: float) -> None:
    """A daemon thread that recovers lost jobs (and removes old ones) every `every` seconds."""
    from django.db import connection

    from samla.jobs.services import prune_jobs, recover_lost_jobs

    def loop() -> None:
        while not stop.wait(every):
            try:
                recover_lost_jobs()
                prune_jobs()
            finally:
                connection.close()

    stop = threading.Event()
    threading.Thread(target=loop, name="lost-jobs", daemon=True).start()

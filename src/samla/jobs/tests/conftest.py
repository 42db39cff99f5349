"""Fixtures of the job tests: job files in a temporary folder, the lists the routes are tried on, and the
django-tasks-db worker run on the tasks waiting."""

from __future__ import annotations

import pytest
from django.db.models import Count
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from samla.core.access import Actor
from samla.records.models import ContributionAffiliation, Record
from samla.records.permissions import visible_records


@pytest.fixture(autouse=True)
def _job_dir(settings, tmp_path):
    settings.JOB_DIR = tmp_path / "jobs"


def run_worker() -> int:
    """Run every waiting task as django-tasks-db's worker runs each (`Worker.run_task`), inside this test's
    transaction (the worker's own loop closes the connection between tasks, which would end the test's
    transaction); returns how many ran."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    ran = 0
    while (result := DBTaskResult.objects.ready().get_locked()) is not None:
        result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1
    return ran


def list_ids() -> dict[str, int]:
    """A person, an organisation and a journal with at least two visible records each."""
    visible = Record.objects.filter(visible_records(Actor.anonymous()))
    person = (
        visible.filter(contributions__person__isnull=False)
        .values("contributions__person")
        .annotate(n=Count("pk", distinct=True))
        .filter(n__gte=2)
        .order_by("contributions__person")
        .first()["contributions__person"]
    )
    journal = (
        visible.filter(journal__isnull=False)
        .values("journal")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
        .order_by("journal")
        .first()["journal"]
    )
    organisation = (
        ContributionAffiliation.objects.filter(organisation__isnull=False)
        .values("organisation")
        .annotate(n=Count("contribution__record", distinct=True))
        .filter(n__gte=2)
        .order_by("organisation")
        .first()["organisation"]
    )
    return {"person": person, "journal": journal, "organisation": organisation}

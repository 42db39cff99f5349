"""A list over the request limits is prepared as a background job: Django's Tasks API on the database
(django-tasks-db), run here by that backend's worker. The job's page shows its progress, its download is
the file the request would have streamed, and a job whose worker died is run again or reported failed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from lxml import html

from samla.cli import main
from samla.core.access import Actor
from samla.demo.services import count_demo_records
from samla.jobs.downloads import DownloadSpec
from samla.jobs.models import Job
from samla.jobs.services import job_file, prune_jobs, recover_lost_jobs, run_job, start_job

from .conftest import list_ids, run_worker

pytestmark = pytest.mark.django_db

CORPUS = count_demo_records()  # every record of the demo corpus, the seed included


@pytest.fixture
def small_limits(settings):
    settings.STREAM_MAX_RECORDS = 1
    settings.CITE_MAX_RECORDS = 1


def _start(client: Client, url: str) -> Job:
    response = client.post(url)
    assert response.status_code == 302
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}"
    return job


def _state(client: Client, job: Job) -> str:
    page = html.fromstring(client.get(f"/jobs/{job.pk}").content)
    return page.xpath('string(//div[@class="job"]/@data-state)')


def _streamed(client: Client, url: str, settings) -> bytes:
    settings.STREAM_MAX_RECORDS = settings.CITE_MAX_RECORDS = 1000
    return b"".join(client.get(url).streaming_content)


JOB_ROUTES = [
    "/search/export/csv?q=",
    "/organisation/{organisation}/export/bibtex",
    "/search/cite?q=leadership",
    "/person/{person}/cite?style=ieee&format=text",
]


@pytest.mark.parametrize("template", JOB_ROUTES)
def test_job_prepares_the_file_the_request_would_have_streamed(client, small_limits, settings, template):
    url = template.format(**list_ids())
    job = _start(client, url)
    assert _state(client, job) == "queued"

    assert run_worker() == 1

    assert _state(client, job) == "done"
    download = client.get(f"/jobs/{job.pk}/download")
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert body == _streamed(client, url, settings)
    job.refresh_from_db()
    assert (job.done, job.attempts) == (job.total, 1)
    assert download["Content-Disposition"] == f'attachment; filename="{job.filename}"'


def test_job_page_shows_progress_and_the_download_link(client, small_limits):
    job = _start(client, "/search/export/ris?q=")
    run_worker()

    page = html.fromstring(client.get(f"/jobs/{job.pk}").content)
    assert page.xpath("string(//progress/@value)") == page.xpath("string(//progress/@max)") == str(CORPUS)
    assert page.xpath('//a[@class="job-download"]/@href') == [f"/jobs/{job.pk}/download"]
    assert page.xpath('string(//a[@class="job-download"])') == "Download search.ris"
    assert not page.xpath('//meta[@http-equiv="refresh"]')


def test_unfinished_job_page_reloads_itself_and_its_download_is_409(client, small_limits):
    job = _start(client, "/search/export/ris?q=")

    page = html.fromstring(client.get(f"/jobs/{job.pk}").content)
    assert page.xpath('//meta[@http-equiv="refresh"]/@content') == ["2"]
    assert client.get(f"/jobs/{job.pk}/download").status_code == 409


def test_job_is_seen_only_by_the_session_that_started_it(client, small_limits):
    job = _start(client, "/search/export/csv?q=")
    run_worker()
    stranger = Client()

    assert stranger.get(f"/jobs/{job.pk}").status_code == 404
    assert stranger.get(f"/jobs/{job.pk}/download").status_code == 404
    assert client.get(f"/jobs/{job.pk}/download").status_code == 200


def test_user_job_is_the_user_s_in_any_session(client, small_limits, reader):
    from django.contrib.auth.models import User

    client.force_login(User.objects.get(pk=reader.user_id))
    job = _start(client, "/search/export/csv?q=")
    other_session = Client()
    other_session.force_login(User.objects.get(pk=reader.user_id))

    assert Job.objects.get().owner_id == reader.user_id
    assert other_session.get(f"/jobs/{job.pk}").status_code == 200
    assert Client().get(f"/jobs/{job.pk}").status_code == 404


def test_job_over_the_job_limit_is_413_naming_it_and_nothing_is_queued(client, small_limits, settings):
    settings.JOB_MAX_RECORDS = 10
    response = client.post("/search/export/csv?q=")

    assert response.status_code == 413
    message = html.fromstring(response.content).xpath('string(//p[@class="error-message"])')
    assert message == (
        f"This list holds {CORPUS} records; at most 10 are prepared in one background job "
        "(the limit SAMLA_JOB_MAX_RECORDS)."
    )
    assert not Job.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_job_with_bad_parameters_is_400_and_nothing_is_queued(client):
    assert client.post("/search/export/csv?q=x&year=1e9").status_code == 400
    assert not Job.objects.exists()


def test_owner_past_max_active_jobs_is_429_naming_the_limit(client, small_limits, settings):
    settings.JOB_MAX_ACTIVE = 1
    _start(client, "/search/export/csv?q=")
    response = client.post("/search/export/ris?q=")

    assert response.status_code == 429
    message = html.fromstring(response.content).xpath('string(//p[@class="error-message"])')
    assert "SAMLA_JOB_MAX_ACTIVE" in message
    assert Job.objects.count() == 1


def test_start_past_max_queued_jobs_in_all_is_429_naming_the_limit(client, small_limits, settings):
    settings.JOB_MAX_QUEUED = 1
    _start(client, "/search/export/csv?q=")
    response = Client().post("/search/export/ris?q=")  # another reader

    assert response.status_code == 429
    message = html.fromstring(response.content).xpath('string(//p[@class="error-message"])')
    assert message == (
        "1 files are being prepared (the limit SAMLA_JOB_MAX_QUEUED); try again in a few minutes."
    )


def _lose_worker(job: Job) -> None:
    """What a worker killed under a job leaves: the job claimed (running) and its heartbeat stopped."""
    from samla.jobs.services import _claim

    assert _claim(str(job.pk)) is not None
    Job.objects.filter(pk=job.pk).update(heartbeat=timezone.now() - timedelta(minutes=10))


def test_job_whose_worker_died_is_run_again_by_the_next_worker(settings):
    job = start_job(Actor.anonymous(), DownloadSpec("export", "search", format="csv"), session_key="s" * 32)
    DBTaskResult.objects.all().delete()  # the task the dead worker had taken
    _lose_worker(job)

    assert recover_lost_jobs() == 1
    assert run_worker() == 1

    job.refresh_from_db()
    assert (job.state, job.attempts, job.done) == (Job.DONE, 2, CORPUS)
    assert job_file(job).read_text("utf-8").count("\n") >= CORPUS + 1


def test_job_whose_worker_died_three_times_is_reported_failed(settings):
    job = start_job(Actor.anonymous(), DownloadSpec("export", "search", format="csv"), session_key="s" * 32)
    DBTaskResult.objects.all().delete()
    for _ in range(3):
        _lose_worker(job)
        recover_lost_jobs()
        DBTaskResult.objects.all().delete()

    job.refresh_from_db()
    assert job.state == Job.FAILED
    assert job.message == "The worker preparing the file stopped 3 times; try a narrower list."


def test_job_page_recovers_a_lost_job(client, small_limits):
    job = _start(client, "/search/export/csv?q=")
    DBTaskResult.objects.all().delete()
    _lose_worker(job)

    assert _state(client, job) == "queued"
    assert run_worker() == 1
    assert _state(client, job) == "done"


def test_job_past_its_time_limit_fails_naming_the_limit(client, small_limits, settings):
    settings.JOB_SECONDS = 0
    job = _start(client, "/search/export/csv?q=")
    run_worker()

    job.refresh_from_db()
    assert job.state == Job.FAILED
    assert (
        job.message
        == "Preparing the file took longer than 0 s (the limit SAMLA_JOB_SECONDS); narrow the list."
    )
    page = html.fromstring(client.get(f"/jobs/{job.pk}").content)
    assert page.xpath('string(//div[@class="job"]//p[@class="error-message"])') == job.message


def test_job_run_twice_is_prepared_once(client, small_limits):
    job = _start(client, "/search/export/csv?q=")
    run_worker()
    finished = Job.objects.get(pk=job.pk).finished

    run_job(str(job.pk))

    assert Job.objects.get(pk=job.pk).finished == finished


def test_prune_removes_jobs_and_files_finished_before_the_keep_time(client, small_limits, settings):
    settings.JOB_KEEP_HOURS = 1
    old = _start(client, "/search/export/csv?q=")
    run_worker()
    Job.objects.filter(pk=old.pk).update(finished=timezone.now() - timedelta(hours=2))
    path = job_file(old)
    assert path.exists()

    result = CliRunner().invoke(main, ["jobs", "prune"])

    assert result.output == "1 finished jobs removed.\n"
    assert not path.exists()
    assert not Job.objects.exists()
    assert prune_jobs() == 0


def test_job_page_speaks_swedish(client, small_limits):
    client.cookies["django_language"] = "sv"
    job = _start(client, "/search/export/ris?q=")
    run_worker()

    page = html.fromstring(client.get(f"/jobs/{job.pk}").content)
    assert page.xpath("string(//h1)") == "En fil förbereds"
    assert page.xpath('string(//a[@class="job-download"])') == "Ladda ner search.ris"
    assert f"{CORPUS} av {CORPUS} poster" in page.xpath('string(//div[@class="job"])')


def test_unfinished_download_says_so_in_swedish(client, small_limits):
    client.cookies["django_language"] = "sv"
    job = _start(client, "/search/export/ris?q=")

    response = client.get(f"/jobs/{job.pk}/download")
    assert response.status_code == 409
    assert "Filen är inte klar än." in response.content.decode()

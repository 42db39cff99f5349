"""A job's page (its state and progress, the download link once it is ready) and its download."""

from __future__ import annotations

import uuid

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from samla.core.errors import Conflict, Gone
from samla.core.views import actor_for

from .models import Job
from .services import get_job_for, job_file


def job_detail(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """/jobs/<id>: what the job is doing; the page reloads itself until the job has finished."""
    job = get_job_for(actor_for(request), job_id, session_key=request.session.session_key or "")
    return render(request, "jobs/job.html", {"job": job})


def job_download(request: HttpRequest, job_id: uuid.UUID) -> FileResponse:
    """/jobs/<id>/download: the prepared file; 409 while it is being prepared, 410 once it was removed."""
    job = get_job_for(actor_for(request), job_id, session_key=request.session.session_key or "")
    if job.state != Job.DONE:
        raise Conflict(gettext("The file is not ready yet."))
    path = job_file(job)
    if not path.exists():
        raise Gone(gettext("The file has been removed; prepare it again."))
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=job.filename, content_type=job.content_type
    )

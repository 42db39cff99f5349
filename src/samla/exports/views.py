"""Export downloads: one record, or every record of a person, organisation or journal page or of a
search, streamed.

Each view looks the format up in the registry (an unknown name is a 404 that names the known ones), calls
one service for the records and hands them to `exports.http`. List exports stream: records are loaded a
chunk at a time and written as they arrive, so 10,000 records take the memory of one chunk. A list over
SAMLA_STREAM_MAX_RECORDS is refused (413) before anything streams, and POST prepares it as a background
job (`samla.jobs.http`).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from samla.core.views import actor_for
from samla.jobs.http import download_or_job
from samla.records.services import get_record_for

from .bibliographic import file_stem
from .http import record_response
from .registry import get_format


def record_export(request: HttpRequest, local_id: str, format_name: str) -> HttpResponse:
    """/record/<id>/export/<format>: the record as a file download ("diva2_1897829.bib")."""
    fmt = get_format(format_name)
    record = get_record_for(actor_for(request), local_id)
    return record_response(fmt, record, filename=f"{file_stem(record)}.{fmt.extension}")


def person_export(request: HttpRequest, person_id: int, format_name: str) -> HttpResponse:
    """/person/<id>/export/<format>: every visible record the person contributed to."""
    return download_or_job(
        request, kind="export", scope="person", scope_id=person_id, format_name=format_name
    )


def organisation_export(request: HttpRequest, organisation_id: int, format_name: str) -> HttpResponse:
    """/organisation/<id>/export/<format>: every visible record affiliated with it or one of its units."""
    return download_or_job(
        request, kind="export", scope="organisation", scope_id=organisation_id, format_name=format_name
    )


def journal_export(request: HttpRequest, journal_id: int, format_name: str) -> HttpResponse:
    """/journal/<id>/export/<format>: every visible record published in the journal or series."""
    return download_or_job(
        request, kind="export", scope="journal", scope_id=journal_id, format_name=format_name
    )


def search_export(request: HttpRequest, format_name: str) -> HttpResponse:
    """/search/export/<format>?q=…: every result of a search (the results page's parameters, not only
    its page), in the search's order. Bad parameters are a 400 before anything streams."""
    return download_or_job(request, kind="export", scope="search", format_name=format_name)

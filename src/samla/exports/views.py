"""Export downloads: one record, or every record of a person, organisation or journal page or of a
search, streamed.

Each view looks the format up in the registry (an unknown name is a 404 that names the known ones), calls
one service for the records and hands them to `exports.http`. List exports stream: records are loaded a
chunk at a time and written as they arrive, so 10,000 records take the memory of one chunk.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from samla.core.views import actor_for
from samla.records.services import get_record_for
from samla.search.presentation import request_data
from samla.search.services import every_result, parse_params

from .bibliographic import file_stem
from .http import record_response, stream_response
from .registry import get_format
from .services import Selection, export_texts, heads_for_export, select_records


def record_export(request: HttpRequest, local_id: str, format_name: str) -> HttpResponse:
    """/record/<id>/export/<format>: the record as a file download ("diva2_1897829.bib")."""
    fmt = get_format(format_name)
    record = get_record_for(actor_for(request), local_id)
    return record_response(fmt, record, filename=f"{file_stem(record)}.{fmt.extension}")


def person_export(request: HttpRequest, person_id: int, format_name: str) -> StreamingHttpResponse:
    """/person/<id>/export/<format>: every visible record the person contributed to."""
    fmt = get_format(format_name)
    return _download(fmt, select_records(actor_for(request), person_id=person_id))


def organisation_export(
    request: HttpRequest, organisation_id: int, format_name: str
) -> StreamingHttpResponse:
    """/organisation/<id>/export/<format>: every visible record affiliated with it or one of its units."""
    fmt = get_format(format_name)
    return _download(fmt, select_records(actor_for(request), organisation_id=organisation_id))


def journal_export(request: HttpRequest, journal_id: int, format_name: str) -> StreamingHttpResponse:
    """/journal/<id>/export/<format>: every visible record published in the journal or series."""
    fmt = get_format(format_name)
    return _download(fmt, select_records(actor_for(request), journal_id=journal_id))


def search_export(request: HttpRequest, format_name: str) -> StreamingHttpResponse:
    """/search/export/<format>?q=…: every result of a search (the results page's parameters, not only
    its page), in the search's order. Bad parameters are a 400 before anything streams."""
    fmt = get_format(format_name)
    actor = actor_for(request)
    local_ids = (r.local_id for r in every_result(actor, parse_params(request_data(request.GET))))
    texts = export_texts(fmt, heads_for_export(actor, local_ids))
    return stream_response(fmt, texts, filename=f"search.{fmt.extension}")


def _download(fmt, selection: Selection) -> StreamingHttpResponse:
    texts = export_texts(fmt, selection.heads())
    return stream_response(fmt, texts, filename=f"{selection.name}.{fmt.extension}")

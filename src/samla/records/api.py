"""REST routes for records; each calls one service and returns its result."""

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from ninja import Query, Router, Schema, Status

from samla.citations.negotiation import record_representation
from samla.core.api_schemas import ErrorOut, PageMeta, page_meta
from samla.core.queries import Key
from samla.core.views import actor_for
from samla.exports.http import openapi_content

from .schemas import RecordIn
from .services import create_record, get_record_for, list_records, record_to_input, update_record

router = Router(tags=["records"])


class RecordOut(RecordIn):
    url: str
    revision: int
    datestamp: dt.datetime
    journal_id: int | None = None


class RecordSummary(Schema):
    local_id: str
    title: str
    subtitle: str
    year: int | None
    output_type: str
    authors: list[str]
    url: str


class RecordPageOut(Schema):
    meta: PageMeta
    items: list[RecordSummary]


class ListFilters(Schema):
    person: Key | None = None
    organisation: Key | None = None
    journal: Key | None = None
    subject: str = ""
    page: int = 1
    size: int = 25


def _record_out(request: HttpRequest, record) -> RecordOut:
    data = record_to_input(record).model_dump()
    return RecordOut(
        **data,
        url=request.build_absolute_uri(record.get_absolute_url()),
        revision=record.revision,
        datestamp=record.datestamp,
        journal_id=record.journal_id,
    )


def _summary(request: HttpRequest, record) -> RecordSummary:
    return RecordSummary(
        local_id=record.local_id,
        title=record.title,
        subtitle=record.subtitle,
        year=record.year,
        output_type=record.output_type,
        authors=[c.inverted_name for c in record.contributions.all()],
        url=request.build_absolute_uri(record.get_absolute_url()),
    )


def page_out(request: HttpRequest, page, item) -> dict:
    return {
        "meta": page_meta(page),
        "items": [item(request, x) for x in page.items],
    }


@router.get("/", response={200: RecordPageOut, 400: ErrorOut}, summary="List records")
def records(request: HttpRequest, filters: Query[ListFilters]):
    page = list_records(
        actor_for(request),
        person_id=filters.person,
        organisation_id=filters.organisation,
        journal_id=filters.journal,
        subject=filters.subject,
        page=filters.page,
        size=filters.size,
    )
    return page_out(request, page, _summary)


@router.get(
    "/{local_id}",
    response={200: RecordOut, 404: ErrorOut, 406: ErrorOut},
    summary="Get one record",
    description=(
        "JSON, or any export format named by its media type in Accept (docs/formats.md), or the "
        "bibliography entry for Accept: text/x-bibliography (?style=&locale=, docs/citations.md)."
    ),
    openapi_extra={"responses": {200: {"content": openapi_content()}}},
)
def record(request: HttpRequest, local_id: str, response: HttpResponse):
    answer = record_representation(request, local_id, default="application/json")
    if answer is not None:  # an export format, or text/x-bibliography as InvenioRDM answers it
        return answer
    found = get_record_for(actor_for(request), local_id)
    patch_vary_headers(response, ["Accept"])
    return _record_out(request, found)


@router.post("/", response={201: RecordOut, 400: ErrorOut, 403: ErrorOut}, summary="Create a record")
def create(request: HttpRequest, data: RecordIn):
    record = create_record(actor_for(request), data=data, owner_id=request.user.pk)
    return Status(201, _record_out(request, record))


@router.put(
    "/{local_id}",
    response={200: RecordOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Replace a record",
)
def replace(request: HttpRequest, local_id: str, data: RecordIn):
    record, _changed = update_record(actor_for(request), local_id=local_id, data=data)
    return _record_out(request, record)

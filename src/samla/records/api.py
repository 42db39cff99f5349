"""REST routes for records; each calls one service and returns its result."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from ninja import Body, Header, Query, Router, Schema, Status

from samla.core.access import can
from samla.core.api_schemas import ErrorOut, PageMeta, PageNumber, PageSize, page_meta
from samla.core.pagination import Key
from samla.core.views import actor_for

from .representations import openapi_content, record_representation
from .schemas import RecordIn, RecordPatch
from .services import (
    ACTIONS,
    accept_proposal,
    create_record,
    get_record_for,
    list_proposals,
    list_records,
    patch_record,
    record_to_input,
    reject_proposal,
    restore_record,
    transition_record,
    update_record,
)

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
    page: PageNumber = 1
    size: PageSize = 25


class ProposalOut(Schema):
    """A source's value for a field a person edited, waiting for a curator (or decided)."""

    id: int
    local_id: str
    field: str
    source: str
    run: int | None
    value: Any
    current: Any
    created: dt.datetime
    decision: str
    decided_by: str
    decided_at: dt.datetime | None


class ProposalPageOut(Schema):
    meta: PageMeta
    items: list[ProposalOut]


class ProposalFilters(Schema):
    record: str = ""
    page: PageNumber = 1
    size: PageSize = 50


def _proposal_out(request: HttpRequest, proposal) -> ProposalOut:
    return ProposalOut(
        id=proposal.pk,
        local_id=proposal.record.local_id,
        field=proposal.field,
        source=proposal.source,
        run=proposal.run_id,
        value=proposal.value,
        current=proposal.current,
        created=proposal.created,
        decision=proposal.decision,
        decided_by=proposal.decided_by,
        decided_at=proposal.decided_at,
    )


class ActionIn(Schema):
    """What a transition may carry: the message to the depositor (return) or the reason the tombstone
    shows (withdraw). `reason` is the same as `message`, by the name a withdrawal gives it."""

    message: str = ""
    reason: str = ""


Action = Literal[ACTIONS]  # type: ignore[valid-type]
IF_MATCH = (
    'The record\'s revision as its ETag gave it (`"7"`): the write is made only if the record is still at '
    "that revision, else 412 and nothing changes. Without it the write is unconditional."
)


def expected_revision(if_match: str | None) -> frozenset[int] | None:
    """The revisions an If-Match header names (`"7"`, `W/"7"`, a list of them, or `*` for any). A
    header naming no revision of ours matches none, so the write is refused with 412 as HTTP says."""
    if if_match is None or if_match.strip() == "*":
        return None
    tags = (tag.strip().removeprefix("W/").strip('"') for tag in if_match.split(","))
    return frozenset(int(tag) for tag in tags if tag.isdigit() and len(tag) < 10)


def etag(record) -> str:
    return f'"{record.revision}"'


def _record_out(request: HttpRequest, record) -> RecordOut:
    data = record_to_input(record).model_dump()
    if not can(actor_for(request), "quality.review"):
        data["quality_flags"] = []  # values kept aside, with the invalid identifiers among them: curators'
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


@router.get("/", response={200: RecordPageOut, 400: ErrorOut}, summary="List records", auth=None)
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
    "/proposals",
    response={200: ProposalPageOut, 400: ErrorOut, 403: ErrorOut},
    summary="List proposed changes waiting for a curator",
)
def proposals(request: HttpRequest, filters: Query[ProposalFilters]):
    page = list_proposals(actor_for(request), local_id=filters.record, page=filters.page, size=filters.size)
    return page_out(request, page, _proposal_out)


@router.post(
    "/proposals/{proposal_id}/accept",
    response={200: ProposalOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Accept a proposed change: the value goes into the record",
)
def accept(request: HttpRequest, proposal_id: int):
    return _proposal_out(request, accept_proposal(actor_for(request), proposal_id=proposal_id))


@router.post(
    "/proposals/{proposal_id}/reject",
    response={200: ProposalOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Reject a proposed change: the record stays as it is",
)
def reject(request: HttpRequest, proposal_id: int):
    return _proposal_out(request, reject_proposal(actor_for(request), proposal_id=proposal_id))


@router.get(
    "/{local_id}/provenance",
    response={200: dict[str, dict[str, Any]], 404: ErrorOut, 410: ErrorOut},
    summary="Where each field's value came from",
    description='{field: entry}; "*" is the entry of every field not named (docs/architecture.md).',
)
def provenance(request: HttpRequest, local_id: str):
    return get_record_for(actor_for(request), local_id, with_parts=False).provenance


@router.post(
    "/{local_id}/restore",
    response={200: RecordOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Publish a withdrawn record again",
    description="The same as `POST /api/records/{local_id}/actions/restore`.",
)
def restore(request: HttpRequest, local_id: str):
    return _record_out(request, restore_record(actor_for(request), local_id=local_id))


@router.get(
    "/{local_id}",
    response={200: RecordOut, 404: ErrorOut, 406: ErrorOut},
    summary="Get one record",
    description=(
        "JSON, or any export format named by its media type in Accept (docs/formats.md), or the "
        "bibliography entry for Accept: text/x-bibliography (?style=&locale=, docs/citations.md)."
    ),
    openapi_extra={"responses": {200: {"content": openapi_content()}}},
    auth=None,
)
def record(request: HttpRequest, local_id: str, response: HttpResponse):
    answer = record_representation(request, local_id, default="application/json")
    if answer is not None:  # an export format, or text/x-bibliography as InvenioRDM answers it
        return answer
    found = get_record_for(actor_for(request), local_id)
    patch_vary_headers(response, ["Accept"])
    response["ETag"] = etag(found)
    return _record_out(request, found)


@router.post("/", response={201: RecordOut, 400: ErrorOut, 403: ErrorOut}, summary="Create a record")
def create(request: HttpRequest, data: RecordIn):
    record = create_record(actor_for(request), data=data, owner_id=request.user.pk)
    return Status(201, _record_out(request, record))


WRITE_RESPONSES = {200: RecordOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 412: ErrorOut}


@router.put(
    "/{local_id}",
    response=WRITE_RESPONSES,
    summary="Replace a record",
    description=(
        "Replaces the whole description: a field left out is set to its empty value (use PATCH to change "
        "some fields only). `state` and `approved` are not changed here: use the actions."
    ),
)
def replace(
    request: HttpRequest,
    local_id: str,
    data: RecordIn,
    response: HttpResponse,
    if_match: str | None = Header(None, alias="If-Match", description=IF_MATCH),
):
    record, _changed = update_record(
        actor_for(request), local_id=local_id, data=data, expected_revision=expected_revision(if_match)
    )
    response["ETag"] = etag(record)
    return _record_out(request, record)


@router.patch(
    "/{local_id}",
    response=WRITE_RESPONSES,
    summary="Change some fields of a record",
    description=(
        "Changes only the fields the body names, each to the value given (a list is given whole); every "
        "other field keeps its value. Validated as a full update is."
    ),
)
def change(
    request: HttpRequest,
    local_id: str,
    data: RecordPatch,
    response: HttpResponse,
    if_match: str | None = Header(None, alias="If-Match", description=IF_MATCH),
):
    record, _changed = patch_record(
        actor_for(request),
        local_id=local_id,
        changes=data.model_dump(mode="json", exclude_unset=True),
        expected_revision=expected_revision(if_match),
    )
    response["ETag"] = etag(record)
    return _record_out(request, record)


@router.post(
    "/{local_id}/actions/{action}",
    response={**WRITE_RESPONSES, 409: ErrorOut},
    summary="Move a record to its next state: submit, return, approve, unapprove, publish, withdraw, restore",
    description=(
        "One transition of the record's state machine (docs/api.md). An action that does not start from "
        "the record's state answers 409, naming the state."
    ),
)
def act(
    request: HttpRequest,
    local_id: str,
    action: Action,
    response: HttpResponse,
    data: Body[ActionIn | None] = None,
    if_match: str | None = Header(None, alias="If-Match", description=IF_MATCH),
):
    given = data or ActionIn()
    record = transition_record(
        actor_for(request),
        local_id=local_id,
        action=action,
        message=given.reason or given.message,
        expected_revision=expected_revision(if_match),
    )
    response["ETag"] = etag(record)
    return _record_out(request, record)

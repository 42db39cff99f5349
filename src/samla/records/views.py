"""Record lists, proposed changes, restoring a record and its history: fetch through the service, hand
the result to the template. The record page itself shows files, usage and citations too, so it is
composed a layer up, in `samla.pages.record`."""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from samla.core.access import can
from samla.core.errors import InvalidInput
from samla.core.views import actor_for, requested_page
from samla.vocabularies.services import get_subject_category

from .services import (
    accept_proposal,
    list_my_records,
    list_proposals,
    list_records,
    list_revisions,
    queue_filters,
    reject_proposal,
    restore_record,
    revert_field,
    review_queue,
    transition_record,
)


def home(request: HttpRequest) -> HttpResponse:
    """The front page: the latest records. Here, not in core, because it lists records."""
    page = list_records(actor_for(request), page=1, size=10)
    return render(request, "core/home.html", {"page": page})


def record_list(request: HttpRequest) -> HttpResponse:
    """All visible records, or those of one SSIF category (?subject=50202)."""
    code = request.GET.get("subject", "")
    subject = get_subject_category(code) if code else None
    page = list_records(actor_for(request), subject=code, page=requested_page(request), size=25)
    return render(request, "records/record_list.html", {"page": page, "subject": subject})


def my_records(request: HttpRequest) -> HttpResponse:
    """A signed-in person's drafts, submitted, returned and published records (`/my/`)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    page = list_my_records(actor_for(request), page=requested_page(request))
    return render(request, "records/my_records.html", {"page": page})


def review(request: HttpRequest) -> HttpResponse:
    """The curators' queue of submitted records, oldest first, with its filters and their counts."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    queue = review_queue(actor_for(request), filters=queue_filters(request.GET), page=requested_page(request))
    return render(request, "records/review_queue.html", {"queue": queue, "page": queue.page})


def proposal_list(request: HttpRequest) -> HttpResponse:
    """The curators' page of proposed changes waiting for a decision, each with accept and reject."""
    page = list_proposals(actor_for(request), page=requested_page(request))
    return render(request, "records/proposal_list.html", {"page": page})


@require_POST
def decide_proposal(request: HttpRequest, proposal_id: int, decision: str) -> HttpResponse:
    """Accept or reject one proposed change, then back to the list."""
    decide = accept_proposal if decision == "accept" else reject_proposal
    decide(actor_for(request), proposal_id=proposal_id)
    return redirect("records:proposals")


@require_POST
def restore(request: HttpRequest, local_id: str) -> HttpResponse:
    """Publish a withdrawn record again, then show it."""
    record = restore_record(actor_for(request), local_id=local_id)
    return redirect(record)


def history(request: HttpRequest, local_id: str) -> HttpResponse:
    """The record's revisions for its owner and curators: who, when, which action, old and new values."""
    actor = actor_for(request)
    record, lines = list_revisions(actor, local_id=local_id)
    context = {"record": record, "lines": lines, "may_revert": can(actor, "record.revert", record)}
    return render(request, "records/history.html", context)


@require_POST
def act(request: HttpRequest, local_id: str, action: str) -> HttpResponse:
    """One transition from the record page's review form (submit, return with a message, approve,
    publish, withdraw with a reason…), made against the revision the page showed; then the record."""
    record = transition_record(
        actor_for(request),
        local_id=local_id,
        action=action,
        message=request.POST.get("message", ""),
        expected_revision=_number(request.POST, "revision"),
    )
    return redirect("records:detail", local_id=record.local_id)


@require_POST
def revert(request: HttpRequest, local_id: str) -> HttpResponse:
    """Put back an earlier value of a field (the history page's form), then show the history."""
    revert_field(
        actor_for(request),
        local_id=local_id,
        number=_number(request.POST, "number"),
        field=request.POST.get("field", ""),
        side=request.POST.get("side", "old"),
        expected_revision=_number(request.POST, "revision"),
    )
    return redirect("records:history", local_id=local_id)


def _number(form, name: str) -> int:
    value = form.get(name, "")
    if not value.isdigit() or len(value) > 9:
        raise InvalidInput(f"{name} must be a whole number.", fields={name: "not a number"})
    return int(value)

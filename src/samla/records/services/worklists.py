"""The lists people work from: a depositor's own records (`/my/`) and the curators' review queue
(`/review/`). Both are pages of a bounded number of queries whatever their length: the curators' latest
message comes in the page's query as a subquery, and the queue's counts per filter are one grouped query
each."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext

from samla.core.access import Actor, require
from samla.core.errors import InvalidInput, PermissionDenied
from samla.core.pagination import Page, paginate
from samla.organisations.models import Organisation
from samla.organisations.services import organisation_and_descendant_ids
from samla.vocabularies.output_types import output_types

from ..models import ContributionAffiliation, Record, Revision
from .reading import _has

# The states a depositor follows their records through; a withdrawn record is no longer theirs to work on.
MY_STATES = ("draft", "submitted", "returned", "published")


def list_my_records(actor: Actor, *, page: int = 1, size: int = 25) -> Page[Record]:
    """The records `actor` owns, newest change first, each with `latest_message`/`latest_message_at`:
    the last message a curator wrote to the depositor (returning the record), so they know what to fix."""
    if actor.user_id is None:
        raise PermissionDenied(gettext("Sign in to see your publications."))
    messages = Revision.objects.filter(record_id=OuterRef("pk")).exclude(message="").order_by("-number")
    queryset = (
        Record.objects.filter(owner_id=actor.user_id, state__in=MY_STATES)
        .annotate(
            latest_message=Subquery(messages.values("message")[:1]),
            latest_message_at=Subquery(messages.values("at")[:1]),
        )
        .order_by("-datestamp", "-pk")
    )
    return paginate(queryset, page, size)


@dataclass(frozen=True)
class QueueFilters:
    """What the queue is narrowed to; empty values narrow nothing."""

    output_type: str = ""
    organisation: int | None = None
    has_files: bool | None = None
    flagged: bool | None = None

    @property
    def active(self) -> bool:
        return bool(self.output_type) or any(
            v is not None for v in (self.organisation, self.has_files, self.flagged)
        )


@dataclass(frozen=True)
class QueueCounts:
    """How many of the actor's queue each filter would show."""

    total: int = 0
    output_types: list[tuple[str, str, int]] = field(default_factory=list)  # code, label, count
    organisations: list[tuple[Organisation, int]] = field(default_factory=list)
    with_files: int = 0
    flagged: int = 0


@dataclass(frozen=True)
class ReviewQueue:
    page: Page[Record]
    counts: QueueCounts
    filters: QueueFilters


def review_queue(
    actor: Actor, *, filters: QueueFilters | None = None, page: int = 1, size: int = 25
) -> ReviewQueue:
    """The submitted records of the organisations `actor` curates (a global curator: all), oldest
    submission first, narrowed by `filters`, with the counts per filter over the whole queue."""
    require(actor, "record.review")
    filters = filters or QueueFilters()
    queue = _curated(actor, Record.objects.filter(state="submitted"))
    counts = _counts(queue)
    found = paginate(
        _narrowed(queue, filters).select_related("journal").order_by("datestamp", "pk"), page, size
    )
    return ReviewQueue(page=found, counts=counts, filters=filters)


def _curated(actor: Actor, queryset: QuerySet[Record]) -> QuerySet[Record]:
    if actor.at_least("curator"):
        return queryset
    ours = ContributionAffiliation.objects.filter(organisation_id__in=actor.organisations_where("curator"))
    return queryset.filter(pk__in=ours.values("contribution__record_id"))


def _narrowed(queue: QuerySet[Record], filters: QueueFilters) -> QuerySet[Record]:
    if filters.output_type:
        queue = queue.filter(output_type=filters.output_type)
    if filters.organisation is not None:
        units = organisation_and_descendant_ids(filters.organisation)
        affiliated = ContributionAffiliation.objects.filter(organisation_id__in=units)
        queue = queue.filter(pk__in=affiliated.values("contribution__record_id"))
    if filters.has_files is not None:
        queue = queue.filter(_has("files")) if filters.has_files else queue.filter(~_has("files"))
    if filters.flagged is not None:
        queue = queue.exclude(quality_flags=[]) if filters.flagged else queue.filter(quality_flags=[])
    return queue


def _counts(queue: QuerySet[Record]) -> QueueCounts:
    """Counts over the unfiltered queue: one query for the totals, one per grouping."""
    totals = queue.aggregate(
        total=Count("pk"),
        with_files=Count("pk", filter=Q(_has("files"))),
        flagged=Count("pk", filter=~Q(quality_flags=[])),
    )
    known = output_types()
    types = [
        (code, known[code].label if code in known else code, n)
        for code, n in queue.values_list("output_type").annotate(n=Count("pk")).order_by("-n", "output_type")
    ]
    by_organisation = dict(
        ContributionAffiliation.objects.filter(
            contribution__record__in=queue.values("pk"), organisation__isnull=False
        )
        .values_list("organisation_id")
        .annotate(n=Count("contribution__record_id", distinct=True))
    )
    organisations = Organisation.objects.filter(pk__in=by_organisation).order_by("name_en", "pk")
    return QueueCounts(
        total=totals["total"],
        output_types=types,
        organisations=[(o, by_organisation[o.pk]) for o in organisations],
        with_files=totals["with_files"],
        flagged=totals["flagged"],
    )


def queue_filters(values) -> QueueFilters:
    """The queue's filters from a query string (`type`, `organisation`, `files`, `flagged`): a bad value
    is a clear error, not a server error."""
    organisation = values.get("organisation", "")
    if organisation and (not organisation.isdigit() or len(organisation) > 18):
        raise InvalidInput(gettext("organisation must be a number."), fields={"organisation": "not a number"})
    return QueueFilters(
        output_type=values.get("type", "")[:60],
        organisation=int(organisation) if organisation else None,
        has_files=_yes_no(values, "files"),
        flagged=_yes_no(values, "flagged"),
    )


def _yes_no(values, name: str) -> bool | None:
    value = values.get(name, "")
    if value not in ("", "yes", "no"):
        raise InvalidInput(
            gettext("%(name)s must be yes or no.") % {"name": name}, fields={name: "yes or no"}
        )
    return {"": None, "yes": True, "no": False}[value]

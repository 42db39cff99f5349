"""Data quality: the records' quality flags, for curators to review by kind and by organisation, and what
else waits for them: published records Swepub would refuse, and sources' proposed changes.

Flags live on the record (`Record.quality_flags`, written by `records.services` with the record itself),
so an import spends no query on them and fixing a value (a later import or edit without the problem)
clears its flag. Here they are read CHUNK flagged records at a time, in local id order, each chunk with
its records' organisations (two queries a chunk, and two for the organisations): the report counts
and pages them as they go, and the CSV export streams them, so neither holds more than a chunk and a page
whatever the number of flags.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from samla.core.access import Actor, require
from samla.core.pagination import Page, check_page
from samla.oai.swepub import RULES
from samla.organisations.models import Organisation
from samla.organisations.services import descendant_ids
from samla.records.models import ContributionAffiliation, Record
from samla.records.services import list_proposals
from samla.records.services.validation import FLAG_KINDS

NO_ORGANISATION = "none"  # the organisation filter for records no affiliation links to an organisation
EXAMPLES = 20  # records named under each Swepub rule; the count says how many there are
CHUNK = 500  # flagged records read at a time


@dataclass(frozen=True)
class FlagRow:
    """One quality flag of one record, with the record's top-level organisations."""

    local_id: str
    title: str
    state: str
    field: str
    kind: str
    value: str
    scheme: str
    kept: str
    message: str
    organisations: tuple[str, ...]

    @property
    def kind_label(self) -> str:
        return str(FLAG_KINDS.get(self.kind, self.kind))


@dataclass(frozen=True)
class Count:
    """How many flags, on how many records, a kind or an organisation has."""

    key: str
    label: str
    records: int
    flags: int


@dataclass(frozen=True)
class QualityReport:
    """Flags counted by kind and by organisation (each under the other filters), and the flags that
    pass every filter, a page of them."""

    by_kind: list[Count]
    by_organisation: list[Count]
    flags: Page[FlagRow]


@dataclass(frozen=True)
class QualityFilter:
    """Which flags to show: of a kind, of records of an organisation (with its units) or of none
    (NO_ORGANISATION), and whose record id, title, field, value or message contains `text`."""

    kind: str = ""
    organisation: str = ""
    text: str = ""


@dataclass(frozen=True)
class _Flagged:
    """A flagged record: its flags as rows, and its organisations."""

    rows: list[FlagRow]
    organisation_ids: frozenset[int]  # every organisation its record's affiliations link to
    roots: tuple[tuple[str, str], ...]  # its top-level organisations as (id, name)


@dataclass
class _Tally:
    """Flags and records counted by a key (a kind, an organisation) as the records go by."""

    flags: Counter = field(default_factory=Counter)
    records: Counter = field(default_factory=Counter)

    def add(self, keys: list) -> None:
        self.flags.update(keys)
        self.records.update(set(keys))


def review_quality(actor: Actor, *, filters: QualityFilter, page: int = 1, size: int = 100) -> QualityReport:
    """The quality report curators read (`quality.review`): one pass over the flagged records, which
    counts the flags by kind (under the other filters), by organisation (likewise), and keeps the page of
    the flags that pass them all."""
    require(actor, "quality.review")
    page, size = check_page(page, size)
    of_organisation = _organisation_test(filters.organisation)
    kinds, organisations = _Tally(), _Tally()
    shown, total, start = [], 0, (page - 1) * size
    none = ((NO_ORGANISATION, _("No organisation")),)
    for flagged in _flagged_records():
        in_organisation = of_organisation(flagged)
        roots = flagged.roots or none
        of_kind, of_roots = [], []
        for row in (r for r in flagged.rows if _matches(r, filters.text)):
            if in_organisation:
                of_kind.append(row.kind)
            if not filters.kind or row.kind == filters.kind:
                of_roots += roots
                if in_organisation:
                    shown += [row] if start <= total < start + size else []
                    total += 1
        kinds.add(of_kind)
        organisations.add(of_roots)
    return QualityReport(
        by_kind=_counts(kinds, lambda kind: (kind, str(FLAG_KINDS.get(kind, kind)))),
        by_organisation=_counts(organisations, lambda root: root),
        flags=Page(items=shown, total=total, page=page, size=size),
    )


def list_flags(actor: Actor, *, filters: QualityFilter) -> Iterator[FlagRow]:
    """Every flag that passes the filters, for the CSV export to stream (`quality.review`, asked before
    the first is read)."""
    require(actor, "quality.review")
    return _passing(filters)


def _passing(filters: QualityFilter) -> Iterator[FlagRow]:
    of_organisation = _organisation_test(filters.organisation)
    for flagged in _flagged_records():
        if of_organisation(flagged):
            yield from (
                row
                for row in flagged.rows
                if (not filters.kind or row.kind == filters.kind) and _matches(row, filters.text)
            )


def _flagged_records() -> Iterator[_Flagged]:
    """Every flagged record, in local id order, with its flags and organisations, read CHUNK at a time."""
    parents = dict(Organisation.objects.values_list("pk", "parent_id"))
    names = {o.pk: o.name for o in Organisation.objects.filter(parent__isnull=True)}  # the roots'
    after = ""
    while True:
        chunk = list(
            Record.objects.exclude(quality_flags=[])
            .filter(local_id__gt=after)
            .order_by("local_id")
            .values_list("pk", "local_id", "title", "state", "quality_flags")[:CHUNK]
        )
        if not chunk:
            return
        linked: dict[int, set[int]] = {}
        for record_id, organisation_id in ContributionAffiliation.objects.filter(
            contribution__record_id__in=[row[0] for row in chunk], organisation__isnull=False
        ).values_list("contribution__record_id", "organisation_id"):
            linked.setdefault(record_id, set()).add(organisation_id)
        for pk, local_id, title, state, flags in chunk:
            ids = linked.get(pk, set())
            roots = tuple(
                sorted({(str(r), names[r]) for r in {_root(parents, i) for i in ids}}, key=lambda r: r[1])
            )
            rows = [_row(local_id, title, state, flag, roots) for flag in flags]
            yield _Flagged(rows, frozenset(ids), roots)
        if len(chunk) < CHUNK:
            return
        after = chunk[-1][1]


def _row(local_id: str, title: str, state: str, flag: dict, roots: tuple[tuple[str, str], ...]) -> FlagRow:
    return FlagRow(
        local_id=local_id,
        title=title,
        state=state,
        field=flag.get("field", ""),
        kind=flag.get("kind", ""),
        value=flag.get("value", ""),
        scheme=flag.get("scheme", ""),
        kept=flag.get("kept", ""),
        message=flag.get("message", ""),
        organisations=tuple(name for _pk, name in roots),
    )


def _root(parents: dict[int, int | None], pk: int) -> int:
    seen = set()
    while parents.get(pk) is not None and pk not in seen:
        seen.add(pk)
        pk = parents[pk]
    return pk


def _organisation_test(organisation: str) -> Callable[[_Flagged], bool]:
    """Whether a flagged record belongs to the organisation filter: the organisation or a unit below it,
    no organisation at all (NO_ORGANISATION), or any ("")."""
    if organisation == NO_ORGANISATION:
        return lambda flagged: not flagged.organisation_ids
    if not organisation.isdigit():
        return lambda flagged: True
    below = set(descendant_ids(dict(Organisation.objects.values_list("pk", "parent_id")), int(organisation)))
    return lambda flagged: bool(flagged.organisation_ids & below)


def _matches(row: FlagRow, text: str) -> bool:
    if not text:
        return True
    text = text.casefold()
    return any(
        text in part.casefold() for part in (row.local_id, row.title, row.field, row.value, row.message)
    )


def _counts(tally: _Tally, key_and_label: Callable) -> list[Count]:
    return sorted(
        (Count(*key_and_label(key), tally.records[key], n) for key, n in tally.flags.items()),
        key=lambda c: (-c.flags, c.label),
    )


@dataclass(frozen=True)
class SwepubGap:
    """Published records that break one of Swepub's rules, and so are left out of the `swepub` set."""

    code: str
    message: str
    records: int
    examples: list[str]  # the first local ids, in id order


@dataclass(frozen=True)
class Waiting:
    """What else waits for a curator beside the flags."""

    swepub: list[SwepubGap]
    proposals: int  # sources' proposed changes not yet decided


def review_waiting(actor: Actor) -> Waiting:
    """Each Swepub rule a published record breaks, with its records, and the number of proposed changes
    waiting: two queries a rule and one more, whatever the number of records (`quality.review`)."""
    require(actor, "quality.review")
    published = Record.objects.filter(state="published").order_by("pk")
    gaps = []
    for rule in RULES:
        breaking = published.filter(rule.breaking())
        if count := breaking.count():
            examples = list(breaking.values_list("local_id", flat=True)[:EXAMPLES])
            gaps.append(SwepubGap(rule.code, str(rule.message), count, examples))
    return Waiting(swepub=gaps, proposals=list_proposals(actor, size=1).total)

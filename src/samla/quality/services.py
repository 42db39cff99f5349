"""Data quality: the records' quality flags, for curators to review by kind and by organisation, and what
else waits for them: published records Swepub would refuse, and sources' proposed changes.

Flags live on the record (`Record.quality_flags`, written by `records.services` with the record itself),
so an import spends no query on them and fixing a value (a later import or edit without the problem)
clears its flag. Here they are read: every flagged record with its flags and organisations in three
queries, however many there are, then counted and filtered in memory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

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
    row: FlagRow
    organisation_ids: frozenset[int]  # every organisation its record's affiliations link to
    roots: tuple[tuple[str, str], ...]  # its top-level organisations as (id, name)


def review_quality(actor: Actor, *, filters: QualityFilter, page: int = 1, size: int = 100) -> QualityReport:
    """The quality report curators read (`quality.review`)."""
    require(actor, "quality.review")
    page, size = check_page(page, size)
    flagged = _load_flagged()
    shown = [f.row for f in _filtered(flagged, filters)]
    start = (page - 1) * size
    return QualityReport(
        by_kind=_by_kind(_filtered(flagged, replace(filters, kind=""))),
        by_organisation=_by_organisation(_filtered(flagged, replace(filters, organisation=""))),
        flags=Page(items=shown[start : start + size], total=len(shown), page=page, size=size),
    )


def list_flags(actor: Actor, *, filters: QualityFilter) -> list[FlagRow]:
    """Every flag that passes the filters, for the CSV export (`quality.review`)."""
    require(actor, "quality.review")
    return [f.row for f in _filtered(_load_flagged(), filters)]


def _filtered(flagged: list[_Flagged], filters: QualityFilter) -> list[_Flagged]:
    of_organisation = _organisation_test(filters.organisation)
    return [
        f
        for f in flagged
        if (not filters.kind or f.row.kind == filters.kind)
        and of_organisation(f)
        and _matches(f.row, filters.text)
    ]


def _load_flagged() -> list[_Flagged]:
    """Every flag of every record, ordered by record id, with the organisations of each record."""
    parents = dict(Organisation.objects.values_list("pk", "parent_id"))
    linked: dict[int, set[int]] = {}
    for record_id, organisation_id in (
        ContributionAffiliation.objects.filter(organisation__isnull=False)
        .exclude(contribution__record__quality_flags=[])
        .values_list("contribution__record_id", "organisation_id")
    ):
        linked.setdefault(record_id, set()).add(organisation_id)
    root_ids = {_root(parents, pk) for ids in linked.values() for pk in ids}
    names = {o.pk: o.name for o in Organisation.objects.filter(pk__in=root_ids)}
    flagged = []
    records = Record.objects.exclude(quality_flags=[]).order_by("local_id")
    for pk, local_id, title, state, flags in records.values_list(
        "pk", "local_id", "title", "state", "quality_flags"
    ):
        ids = linked.get(pk, set())
        roots = tuple(
            sorted({(str(r), names[r]) for r in {_root(parents, i) for i in ids}}, key=lambda r: r[1])
        )
        for flag in flags:
            row = FlagRow(
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
            flagged.append(_Flagged(row, frozenset(ids), roots))
    return flagged


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


def _by_kind(flagged: list[_Flagged]) -> list[Count]:
    flags = Counter(f.row.kind for f in flagged)
    records = Counter(kind for kind, _local_id in {(f.row.kind, f.row.local_id) for f in flagged})
    return sorted(
        (Count(kind, str(FLAG_KINDS.get(kind, kind)), records[kind], n) for kind, n in flags.items()),
        key=lambda c: (-c.flags, c.label),
    )


def _by_organisation(flagged: list[_Flagged]) -> list[Count]:
    flags: Counter[tuple[str, str]] = Counter()
    records: dict[tuple[str, str], set[str]] = {}
    for item in flagged:
        for root in item.roots or ((NO_ORGANISATION, _("No organisation")),):
            flags[root] += 1
            records.setdefault(root, set()).add(item.row.local_id)
    return sorted(
        (Count(key, label, len(records[(key, label)]), n) for (key, label), n in flags.items()),
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

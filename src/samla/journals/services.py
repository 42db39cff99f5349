"""Journals and series: matched by ISSN, E-ISSN or title; the only code that saves a Journal."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext

from samla.batch.queries import in_text_array
from samla.core.access import Actor
from samla.core.errors import InvalidInput, NotFound
from samla.core.pagination import Page, paginate
from samla.core.saving import (
    check_known_fields,
    check_lengths,
    create_authority,
    strip_texts,
    update_authority,
)
from samla.vocabularies.identifiers import InvalidIdentifier, normalise_issn

from .models import Journal


def _clean_issn(field: str, value: str) -> str:
    if not value:
        return ""
    try:
        return normalise_issn(value)
    except InvalidIdentifier as error:
        raise InvalidInput(str(error), fields={field: "invalid"}) from None


def resolve_journal(
    actor: Actor, *, title: str, issn: str = "", eissn: str = "", publisher: str = "", kind: str = "journal"
) -> Journal:
    """The journal with this ISSN or E-ISSN (either way round), else this exact title; created if new.

    A match learns an ISSN, E-ISSN or publisher it lacked, so later records need not repeat them.
    """
    issn, eissn = _clean_issn("journal.issn", issn), _clean_issn("journal.eissn", eissn)
    title = title.strip()
    if not title:
        raise InvalidInput(gettext("A journal needs a title."), fields={"journal.title": "required"})
    numbers = [n for n in (issn, eissn) if n]
    journal = None
    if numbers:
        journal = Journal.objects.filter(Q(issn__in=numbers) | Q(eissn__in=numbers)).order_by("pk").first()
    if journal is None:
        journal = Journal.objects.filter(title__iexact=title, kind=kind).order_by("pk").first()
    if journal is None:
        return create_journal(actor, title=title, kind=kind, issn=issn, eissn=eissn, publisher=publisher)
    _learn(journal, issn=issn, eissn=eissn, publisher=publisher.strip())
    return journal


def describes_same_journal(stored: dict, given: dict, *, held: frozenset[str]) -> bool:
    """Whether a journal description (`RecordIn.journal` as a dict) names the stored one, by the rule
    `resolve_journal` matches with: a shared ISSN or E-ISSN; else, when no journal has the ISSNs it gives
    (`held`: those of them some journal has, from `issns_held`), the same title and kind.

    Why `held`: a journal has had other ISSNs (Physical Review B has had three pairs), and a record giving
    a pair the stored journal lacks was linked to it by title, so it names that journal again when it is
    imported again; ISSNs another journal has name that one instead."""
    numbers = {n for n in (given["issn"], given["eissn"]) if n}
    if numbers & {stored["issn"], stored["eissn"]}:
        return True
    if numbers & held:
        return False
    return given["title"].casefold() == stored["title"].casefold() and given["kind"] == stored["kind"]


def issns_held(numbers: Iterable[str]) -> frozenset[str]:
    """Those of these ISSNs some journal has, as ISSN or E-ISSN: one query for a whole batch of records."""
    wanted = {n for n in numbers if n}
    if not wanted:
        return frozenset()
    rows = Journal.objects.filter(in_text_array("issn", wanted) | in_text_array("eissn", wanted)).order_by()
    return frozenset(wanted.intersection(n for pair in rows.values_list("issn", "eissn") for n in pair))


def _learn(journal: Journal, **values: str) -> None:
    changed = []
    for field, value in values.items():
        if value and not getattr(journal, field):
            taken = field in ("issn", "eissn") and Journal.objects.filter(**{field: value}).exists()
            if not taken:
                setattr(journal, field, value)
                changed.append(field)
    if changed:
        journal.save(update_fields=changed)


def get_journal_for(actor: Actor, journal_id: int) -> Journal:
    try:
        return Journal.objects.get(pk=journal_id)
    except Journal.DoesNotExist:
        raise NotFound(gettext("No such journal.")) from None


def list_journals(actor: Actor, *, title: str = "", page: int = 1, size: int = 50) -> Page:
    queryset = Journal.objects.all()
    if title:
        queryset = queryset.filter(title__icontains=title)
    return paginate(queryset.order_by(Lower("title"), "pk"), page, size)


KIND_CODES = {code for code, _label in Journal.KINDS}
JOURNAL_FIELDS = frozenset({"title", "kind", "issn", "eissn", "publisher"})


def clean_journal_fields(fields: dict[str, Any], *, journal_id: int | None = None) -> dict[str, Any]:
    """`fields` as they are stored: title and publisher stripped, ISSNs normalised, a missing one NULL.

    An ISSN may name one journal only, in either column, since `resolve_journal` matches either way round.
    """
    check_known_fields(fields, JOURNAL_FIELDS, noun="journal")
    clean = dict(fields)
    strip_texts(clean, ("title", "publisher"))
    if "title" in clean and not clean["title"]:
        raise InvalidInput(gettext("A journal needs a title."), fields={"title": "required"})
    check_lengths(Journal, clean)
    if "kind" in clean and clean["kind"] not in KIND_CODES:
        raise InvalidInput(
            gettext("Unknown journal kind %(kind)r.") % {"kind": clean["kind"]}, fields={"kind": "unknown"}
        )
    for field in ("issn", "eissn"):
        if field in clean:
            clean[field] = _clean_unique_issn(field, clean[field] or "", journal_id)
    return clean


def _clean_unique_issn(field: str, value: str, journal_id: int | None) -> str | None:
    if not value.strip():
        return None
    try:
        value = normalise_issn(value)
    except InvalidIdentifier as error:
        raise InvalidInput(str(error), fields={field: "invalid"}) from None
    if Journal.objects.filter(Q(issn=value) | Q(eissn=value)).exclude(pk=journal_id).exists():
        raise InvalidInput(
            gettext("Another journal has ISSN %(issn)s.") % {"issn": value}, fields={field: "taken"}
        )
    return value


def create_journal(
    actor: Actor, *, title: str, kind: str = "journal", issn: str = "", eissn: str = "", publisher: str = ""
) -> Journal:
    """A new journal; InvalidInput if its ISSN or E-ISSN is already another journal's."""
    fields = {"title": title, "kind": kind, "issn": issn, "eissn": eissn, "publisher": publisher}
    return create_authority(actor, Journal, partial(clean_journal_fields, fields))


def update_journal(actor: Actor, *, journal_id: int, **fields: Any) -> Journal:
    """Change the given fields of a journal; a field left out keeps its value. Saves only what changed."""
    clean = partial(clean_journal_fields, fields, journal_id=journal_id)
    return update_authority(actor, Journal, journal_id, clean, missing=gettext("No such journal."))

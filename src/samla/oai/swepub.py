"""What keeps a record out of the `swepub` set: Swepub's own minimum-level filter, as it reads the
Swepub MODS Samla writes, and Samla's own requirements of the set.

KB's pipeline applies `minimumlevelfilter.xsl` to each harvested OAI-PMH `<record>` and drops a record
that breaks one of its rules; a dropped record is not in Swepub at all. Samla leaves such a record out of
its `swepub` set instead and names the rule, so a curator can fix the record (`swepub_problems`). Each
rule is written twice, as a test on a loaded record and as a query (the set is a query on OAI-PMH
pages); `oai/tests/test_swepub.py` holds both to the XSL's verdict on every real record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samla.exports.swepub_mods import CREATOR_ROLES, SVEP_PUBLICATION_TYPES
from samla.records.models import Contribution, ContributionAffiliation, Identifier, Record
from samla.vocabularies.output_types import output_types

# The statuses for which Swepub asks neither a date nor a host (its pubStatusNotPublished).
NOT_PUBLISHED = {"preprint", "submitted", "accepted", "in-press", "epub-ahead-of-print", "retracted"}
# Output types that need no named creator, no content type, a host, or no host (the XSL's lists).
NAME_EXEMPT = {"artistic-work", "artistic-work/original-creative-work", "artistic-work/artistic-thesis"}
CONTENT_TYPE_EXEMPT = NAME_EXEMPT | {
    "intellectual-property",
    "intellectual-property/patent",
    "intellectual-property/other",
    "other",
    "other/data-set",
    "other/software",
    "artistic-work/curated-exhibition-or-event",
}
SVEP_CONTENT_TYPE_EXEMPT = {"pat", "ovr", "kfu"}
HOST_TYPES = {
    "publication/book-chapter",
    "publication/report-chapter",
    "publication/journal-article",
    "publication/editorial-letter",
    "publication/magazine-article",
    "publication/newspaper-article",
    "publication/journal-issue",
    "publication/book-review",
    "publication/review-article",
    "publication/foreword-afterword",
}
SVEP_HOST_TYPES = {"art", "for", "kap", "rec"}
NO_HOST_TYPES = {
    "publication/book",
    "publication/edited-book",
    "publication/report",
    "publication/doctoral-thesis",
    "publication/licentiate-thesis",
    "artistic-work/artistic-thesis",
    "conference/proceeding",
    "intellectual-property/patent",
    "other/software",
}
SVEP_NO_HOST_TYPES = {"bok", "dok", "lic", "pat", "pro", "rap"}


@dataclass(frozen=True)
class SwepubRule:
    """A rule: Swepub's code for it (the XSL's error text, or Samla's own for the set), what it asks,
    and the same test on a loaded record and as a query for the records that break it."""

    code: str
    message: str
    breaks: Callable[[Record], bool]
    breaking: Callable[[], Q]


def _svep(output_type: str) -> str:
    return SVEP_PUBLICATION_TYPES.get(output_type, "ovr")


@cache
def _types(test: Callable[[str], bool]) -> frozenset[str]:
    return frozenset(code for code in output_types() if test(code))


def _needs_content_type(output_type: str) -> bool:
    return output_type not in CONTENT_TYPE_EXEMPT and _svep(output_type) not in SVEP_CONTENT_TYPE_EXEMPT


def _needs_host(output_type: str) -> bool:
    return output_type in HOST_TYPES or _svep(output_type) in SVEP_HOST_TYPES


def _needs_no_host(output_type: str) -> bool:
    return output_type in NO_HOST_TYPES or _svep(output_type) in SVEP_NO_HOST_TYPES


# ---------------------------------------------------------------- tests on a loaded record


def _has_creator(record: Record) -> bool:
    """A person who is an author or editor, or an organisation of the hierarchy (written as a corporate
    name with its authority); a corporate author has no authority and does not count."""
    contributions = record.contributions.all()
    return any(c.role in CREATOR_ROLES and not c.is_organisation for c in contributions) or any(
        a.organisation is not None and ":" in (a.organisation.identifier or "")
        for c in contributions
        for a in c.affiliations.all()
    )


def _has_host_title(record: Record) -> bool:
    """A host relatedItem with a title: the journal or book, or a work it is part of that has a title."""
    journal = record.journal is not None and record.journal.kind == "journal"
    return (
        journal
        or bool(record.host_title)
        or any(
            i.relation == "is-part-of" and (i.related_record is not None or i.label)
            for i in record.identifiers.all()
        )
    )


def _published(record: Record) -> bool:
    return record.publication_status not in NOT_PUBLISHED


# ---------------------------------------------------------------- the same as queries


def _with_creator() -> Q:
    people = Contribution.objects.filter(role__in=CREATOR_ROLES, is_organisation=False)
    organisations = ContributionAffiliation.objects.filter(organisation__identifier__contains=":")
    return Q(pk__in=people.values("record_id")) | Q(pk__in=organisations.values("contribution__record_id"))


def _with_host_title() -> Q:
    parts = Identifier.objects.filter(relation="is-part-of").filter(
        Q(related_record__isnull=False) | ~Q(label="")
    )
    return Q(journal__kind="journal") | ~Q(host_title="") | Q(pk__in=parts.values("record_id"))


RULES = [
    SwepubRule(
        "notPublished",
        _("The record is not published."),
        lambda r: r.state != "published",
        lambda: ~Q(state="published"),
    ),
    SwepubRule(
        "02nameViolation",
        _("No author or editor, and no organisation of the hierarchy."),
        lambda r: r.output_type not in NAME_EXEMPT and not _has_creator(r),
        lambda: ~Q(output_type__in=NAME_EXEMPT) & ~_with_creator(),
    ),
    SwepubRule(
        "07contentTypeViolation",
        _("No content type (refereed, other academic, popular science)."),
        lambda r: not r.content_type and _needs_content_type(r.output_type),
        lambda: Q(content_type="", output_type__in=_types(_needs_content_type)),
    ),
    SwepubRule(
        "08publicationDateViolation",
        _("No publication date, and the record is published."),
        lambda r: not r.issued and _published(r) and r.output_type != "publication/preprint",
        lambda: (
            Q(issued="") & ~Q(publication_status__in=NOT_PUBLISHED) & ~Q(output_type="publication/preprint")
        ),
    ),
    SwepubRule(
        "10languageViolation",
        _("No language."),
        lambda r: not r.language,
        lambda: Q(language=""),
    ),
    SwepubRule(
        "11relatedItemTypeMissing",
        _("No journal or book with a title, which this output type is published in."),
        lambda r: _needs_host(r.output_type) and not _has_host_title(r) and _published(r),
        lambda: (
            Q(output_type__in=_types(_needs_host))
            & ~_with_host_title()
            & ~Q(publication_status__in=NOT_PUBLISHED)
        ),
    ),
    SwepubRule(
        "12relatedItemTypeViolation",
        _("A journal or book it appears in, which this output type does not have."),
        lambda r: _needs_no_host(r.output_type) and _has_host_title(r),
        lambda: Q(output_type__in=_types(_needs_no_host)) & _with_host_title(),
    ),
    SwepubRule(
        "ssifMissing",
        _("No SSIF subject category."),
        lambda r: not r.subjects.all(),
        lambda: ~Q(pk__in=Record.subjects.through.objects.values("record_id")),
    ),
]


def swepub_problems(record: Record) -> list[SwepubRule]:
    """The rules a loaded record (model instance or `RecordData`) breaks; none: it is in the set."""
    return [rule for rule in RULES if rule.breaks(record)]


def swepub_filter() -> Q:
    """The records of the `swepub` set, as a query: those that break no rule."""
    breaking = Q()
    for rule in RULES:
        breaking |= rule.breaking()
    return ~breaking

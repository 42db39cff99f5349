"""The quality report: flags by kind and organisation, filters, permissions, and flags cleared by a fix."""

from __future__ import annotations

import pytest

from samla.core.errors import PermissionDenied
from samla.imports.services import import_files
from samla.oai.swepub import swepub_problems
from samla.quality import services as quality_services
from samla.quality.services import (
    NO_ORGANISATION,
    Count,
    QualityFilter,
    list_flags,
    review_quality,
    review_waiting,
)
from samla.records.services import get_record_for, record_to_input, update_record

from .conftest import kth_copy

SEED_ID = "diva2:1897829"

ALL = QualityFilter()


def summary(report) -> tuple:
    return (
        report.by_kind,
        report.by_organisation,
        [(f.local_id, f.field, f.kind, f.value) for f in report.flags.items],
    )


def test_review_quality_counts_flags_by_kind_and_organisation(flagged, curator):
    by_kind, by_organisation, flags = summary(review_quality(curator, filters=ALL))

    assert by_kind == [
        Count("invalid-orcid", "Invalid ORCID iD", 1, 1),
        Count("invalid-identifier", "Invalid identifier", 1, 1),
    ]
    assert [(c.label, c.records, c.flags) for c in by_organisation] == [
        ("KTH", 1, 1),
        ("Umeå universitet", 1, 1),
    ]
    assert flags == [
        ("diva2:844675", "identifiers", "invalid-identifier", "978-911-7601-301-4"),
        ("diva2:9300001", "contributors[0].person.orcid", "invalid-orcid", "0000-0001-9329-9089"),
    ]


def test_review_quality_filters_by_kind_organisation_and_text(flagged, curator):
    by_kind = review_quality(curator, filters=QualityFilter(kind="invalid-orcid"))
    without = review_quality(curator, filters=QualityFilter(organisation=NO_ORGANISATION))
    (umea,) = [
        c for c in review_quality(curator, filters=ALL).by_organisation if c.label == "Umeå universitet"
    ]
    of_umea = review_quality(curator, filters=QualityFilter(organisation=umea.key))
    text = review_quality(curator, filters=QualityFilter(text="ISBN"))

    assert [f.local_id for f in by_kind.flags.items] == ["diva2:9300001"]
    assert len(by_kind.by_kind) == 2  # the kind counts ignore the kind chosen
    assert without.flags.items == []
    assert [f.local_id for f in of_umea.flags.items] == ["diva2:844675"]
    assert [f.local_id for f in text.flags.items] == ["diva2:844675"]


def test_review_quality_organisation_filter_takes_its_units(flagged, curator):
    (kth,) = [c for c in review_quality(curator, filters=ALL).by_organisation if c.label == "KTH"]

    report = review_quality(curator, filters=QualityFilter(organisation=kth.key))

    assert [f.local_id for f in report.flags.items] == ["diva2:9300001"]


def test_reimport_without_the_problem_clears_its_flag(flagged, curator, system):
    (result,) = import_files(system, [kth_copy(flagged, 9300001)])

    assert (result.status, result.flags) == ("updated", ())
    assert [f.local_id for f in list_flags(curator, filters=ALL)] == ["diva2:844675"]


@pytest.mark.parametrize("role", ["anonymous", "reader", "depositor"])
def test_review_quality_for_non_curators_raises_permission_denied(request, db, role):
    actor = request.getfixturevalue(role)

    with pytest.raises(PermissionDenied):
        review_quality(actor, filters=ALL)
    with pytest.raises(PermissionDenied):
        list_flags(actor, filters=ALL)


def test_review_waiting_names_the_records_swepub_would_refuse_by_rule(curator, seed_record):
    data = record_to_input(seed_record)
    data.journal, data.host_title = None, ""  # an article in no journal: Swepub's rule 11
    update_record(curator, local_id=SEED_ID, data=data)

    waiting = review_waiting(curator)

    gaps = {gap.code: gap for gap in waiting.swepub}
    assert SEED_ID in gaps["11relatedItemTypeMissing"].examples
    for gap in waiting.swepub:  # the query of each rule and its test on the loaded record agree
        assert gap.records >= len(gap.examples) > 0
        for local_id in gap.examples:
            problems = swepub_problems(get_record_for(curator, local_id))
            assert gap.code in [rule.code for rule in problems], local_id
    assert waiting.proposals == 0


def test_review_waiting_is_for_curators(reader):
    with pytest.raises(PermissionDenied):
        review_waiting(reader)


@pytest.mark.parametrize(("chunk", "chunks"), [(500, 1), (1, 3)])
def test_review_quality_reads_the_flagged_records_a_chunk_at_a_time(
    flagged, curator, monkeypatch, django_assert_num_queries, chunk, chunks
):
    """Two queries a chunk (its records, their organisations) and two for the organisations, whatever the
    number of flags: never every flagged record at once. (The last, empty chunk of three is one query.)"""
    monkeypatch.setattr(quality_services, "CHUNK", chunk)

    with django_assert_num_queries(2 + 2 * chunks - (chunks > 1)):
        report = review_quality(curator, filters=ALL, page=2, size=1)

    assert (report.flags.total, [f.local_id for f in report.flags.items]) == (2, ["diva2:9300001"])


def test_list_flags_streams_a_chunk_at_a_time(flagged, curator, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(quality_services, "CHUNK", 1)
    rows = list_flags(curator, filters=ALL)

    with django_assert_num_queries(2 + 2):  # the organisations, then the first chunk
        first = next(rows)
    with django_assert_num_queries(2):
        second = next(rows)

    assert [first.local_id, second.local_id] == ["diva2:844675", "diva2:9300001"]

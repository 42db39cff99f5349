"""search_records over the demo corpus: known queries, identifiers, stemming, boolean/phrase/prefix,
sort orders, cursor paging, facet counts against the ORM, visibility, and the index following changes.
The same tests run on SQLite FTS5 and on PostgreSQL (DATABASE_URL=postgres://…)."""

import numpy as np
import pytest
from django.db import connection

from samla.core.errors import InvalidInput
from samla.people.models import Person
from samla.records.models import Record
from samla.records.services import (
    create_record,
    record_to_input,
    restore_record,
    update_record,
    withdraw_record,
)
from samla.records.tests.factories import record_input
from samla.search.analysis import words
from samla.search.schemas import SearchFilters
from samla.search.services import search_records

from .conftest import all_results, flat_counts, orm_facets

pytestmark = pytest.mark.django_db

SEED = "diva2:1897829"
CORRECTION = "samla:s12913-024-10811-9"
CAT_PAPERS = {"diva:liu-140926"}  # one paper, once: DiVA's copy (#18)
STILLBIRTHS = {"diva:shh-2515", "diva:shh-2516"}


def ids(actor, query="", **kwargs) -> set[str]:
    return set(all_results(actor, query=query, **kwargs))


# ---------------------------------------------------------------- known queries


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("coproduction leadership", {SEED, CORRECTION}),
        ("Domestic Cat Vocalisations", CAT_PAPERS),
        ("stillbirths", STILLBIRTHS),
        ("tick-borne encephalitis", {"diva:rkh-1935"}),
        ("Spotify", {"diva2:1639716"}),
        ("Nagoyaprotokollet", {"diva2:1397067"}),
        ("Higgs boson", {"diva:kth-286668"}),
        ("catalase", {"diva:hj-37361"}),
        ("BMC Health Services Research", {SEED, CORRECTION}),
        ("Jönköping Academy", {SEED, CORRECTION}),
        ("Forte", {SEED}),
    ],
)
def test_search_known_query_finds_known_records(anonymous, query, expected):
    assert ids(anonymous, query) == expected


def test_search_relevance_puts_title_match_first(anonymous):
    page = search_records(anonymous, query="leadership")
    assert page.items[0].local_id in {SEED, CORRECTION}
    assert page.sort == "relevance"


def _quagga_records(system) -> dict[str, str]:
    """Records with "quagga" in the title, the keywords or only the abstract, created in an order (and
    with years) unlike any ranking: name -> local id."""
    made = {}
    for name, year, extra in [
        ("abstract_old", 2001, {"abstracts": [{"language": "eng", "text": "Notes on a quagga"}]}),
        ("title_once", 2010, {"title": "The quagga and other animals of the southern plains"}),
        ("abstract_new", 2020, {"abstracts": [{"language": "eng", "text": "More on the quagga"}]}),
        ("title_twice", 2005, {"title": "Quagga, quagga"}),
        ("keyword", 2015, {"keywords": [{"language": "eng", "terms": ["quagga"]}]}),
    ]:
        data = record_input(**{"title": f"Notes {name.replace('_', ' ')}", "issued": str(year), **extra})
        made[name] = create_record(system, data=data).local_id
    return made


def test_search_relevance_ranks_head_matches_then_the_rest_by_year(system, anonymous):
    made = _quagga_records(system)
    found = all_results(anonymous, query="quagga", size=2)
    assert set(found[:3]) == {made["title_once"], made["title_twice"], made["keyword"]}
    assert found[0] == made["title_twice"]
    assert found[3:] == [made["abstract_new"], made["abstract_old"]]


def test_search_relevance_beyond_max_ranked_ranks_the_most_recently_added(system, anonymous, monkeypatch):
    """Of more than `max_ranked` results, only the most recently added are ranked (when they match in the
    head); every other result follows by year. Counts and paging stay exact."""
    from samla.search.backends import backend_for

    made = _quagga_records(system)
    monkeypatch.setattr(type(backend_for()), "max_ranked", 1)
    expected = ["keyword", "abstract_new", "title_once", "title_twice", "abstract_old"]
    assert all_results(anonymous, query="quagga", size=2) == [made[n] for n in expected]
    assert search_records(anonymous, query="quagga").total == 5
    query = "health OR cat OR the"
    everything = all_results(anonymous, query=query, size=100)
    assert all_results(anonymous, query=query, size=3) == everything
    assert len(everything) == len(set(everything)) == search_records(anonymous, query=query).total
    first = search_records(anonymous, query=query, size=5)
    second = search_records(anonymous, query=query, size=5, cursor=first.next_cursor)
    back = search_records(anonymous, query=query, size=5, cursor=second.previous_cursor)
    assert [r.pk for r in back.items] == [r.pk for r in first.items]


# ---------------------------------------------------------------- identifiers


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("10.1186/s12913-024-10549-4", {SEED}),
        ("https://doi.org/10.1186/S12913-024-10549-4", {SEED}),
        ("doi:10.1186/s12913-024-10549-4", {SEED}),
        ("1472-6963", {SEED, CORRECTION}),
        ("14726963", {SEED, CORRECTION}),
        ("0000-0003-4364-9814", {SEED, CORRECTION}),
        ("https://orcid.org/0000-0003-4364-9814", {SEED, CORRECTION}),
        ("urn:nbn:se:his:diva-24521", {SEED}),
        ("38368329", {SEED}),
        ("001163766500001", {SEED}),
        ("WOS:001163766500001", {SEED}),
        ("2-s2.0-85185404972", {SEED}),
        ("diva2:1897829", {SEED}),
        ("identifier:38368329", {SEED}),
        ("orcid:0000-0003-4364-9814", {SEED, CORRECTION}),
        ("issn:1472-6963", {SEED, CORRECTION}),
    ],
)
def test_search_pasted_identifier_finds_its_records(anonymous, query, expected):
    assert ids(anonymous, query) == expected


def test_search_orcid_field_does_not_match_other_identifiers(anonymous):
    assert ids(anonymous, "orcid:38368329") == set()


# ---------------------------------------------------------------- language


def test_search_swedish_stemming_ledarskapet_finds_ledarskap(system, anonymous):
    record = create_record(
        system, data=record_input(title="Ledarskap i vården", language="swe", title_language="swe")
    )
    assert record.local_id in ids(anonymous, "ledarskapet")
    assert record.local_id in ids(anonymous, "ledarskapets")


def test_search_english_stemming_finds_other_forms(anonymous):
    assert ids(anonymous, "guided frameworks") == {SEED, CORRECTION}
    assert ids(anonymous, "vocalisation") >= CAT_PAPERS


def test_search_diacritics_folded_and_shown_intact(system, anonymous):
    record = create_record(system, data=record_input(title="Översikt av åtgärder för älgar", language="swe"))
    assert record.local_id in ids(anonymous, "oversikt atgarder algar")
    assert record.local_id in ids(anonymous, "ÖVERSIKT")
    page = search_records(anonymous, query="algar")
    assert page.items[0].title == "Översikt av åtgärder för älgar"


# ---------------------------------------------------------------- operators


def test_search_phrase_requires_adjacent_words(anonymous):
    assert ids(anonymous, '"domestic cat"') == CAT_PAPERS
    assert ids(anonymous, '"cat domestic"') == set()


def test_search_prefix_matches_word_starts(anonymous):
    assert ids(anonymous, "vocalis*") >= CAT_PAPERS
    assert ids(anonymous, "coprod*") == {SEED, CORRECTION}


def test_search_or_unites_and_not_excludes(anonymous):
    assert ids(anonymous, "stillbirths OR catalase") == STILLBIRTHS | {"diva:hj-37361"}
    assert ids(anonymous, "leadership NOT correction") == ids(anonymous, "leadership") - {CORRECTION}
    assert ids(anonymous, "leadership -correction") == ids(anonymous, "leadership NOT correction")


def test_search_only_exclusion_returns_everything_else(anonymous):
    everything = ids(anonymous)
    assert ids(anonymous, "-stillbirths") == everything - STILLBIRTHS


def test_search_fielded_title_and_author(anonymous):
    assert ids(anonymous, "title:leadership") == {SEED, CORRECTION}
    assert ids(anonymous, "author:Masterson") == {SEED, CORRECTION}
    assert ids(anonymous, "title:Masterson") == set()
    assert ids(anonymous, 'journal:"BMC Health"') == {SEED, CORRECTION}
    assert ids(anonymous, "keyword:coproduction") == {SEED}
    assert ids(anonymous, "organisation:Jönköping") >= {SEED, CORRECTION}


def test_search_query_filters_year_type_category(anonymous):
    assert ids(anonymous, "year:2016 stillbirths") == STILLBIRTHS
    assert ids(anonymous, "year:2010-2015 stillbirths") == set()
    assert ids(anonymous, "type:review-article") == {SEED}
    assert ids(anonymous, "leadership -type:review-article") == ids(anonymous, "leadership") - {SEED}
    assert ids(anonymous, "category:50202") == {SEED}
    assert SEED in ids(anonymous, "category:5")


# ---------------------------------------------------------------- facets


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ("", {}),
        ("health", {}),
        ("", {"type": ["publication/journal-article"]}),
        ("", {"category": ["3"], "year": "2010-2020"}),
        ("leadership", {"language": ["eng"]}),
    ],
)
def test_search_facet_counts_equal_orm_counts_of_the_results(anonymous, query, filters):
    filters = SearchFilters.model_validate(filters)
    page = search_records(anonymous, query=query, filters=filters)
    results = all_results(anonymous, query=query, filters=filters)
    assert page.total == len(results) == len(set(results))
    expected = orm_facets(results)
    found = flat_counts(page)
    for field, counts in expected.items():
        if field in ("author", "journal"):  # the most frequent values only
            shown = found.get(field, {})
            assert len(shown) == min(len(counts), 30), field
            assert all(counts[value] == n for value, n in shown.items()), field
            assert min(shown.values(), default=0) >= max(
                (n for v, n in counts.items() if v not in shown), default=0
            )
        else:
            assert found.get(field, {}) == dict(counts), field


def test_search_choosing_a_facet_value_gives_its_count(anonymous):
    page = search_records(anonymous)
    for facet in page.facets:
        for value in facet.values[:3]:
            if facet.field == "year":
                filters = SearchFilters(year=value.value)
            elif facet.field == "fulltext":
                filters = SearchFilters(fulltext=True)
            else:
                filters = SearchFilters.model_validate({facet.field: [value.value]})
            assert search_records(anonymous, filters=filters).total == value.count, (facet.field, value.value)


def test_search_two_facets_combine_and_chips_name_them(anonymous):
    person = Person.objects.get(orcid="0000-0003-4364-9814")
    filters = SearchFilters(author=[person.pk], type=["publication/review-article"])
    page = search_records(anonymous, filters=filters)
    assert [r.local_id for r in page.items] == [SEED]
    assert {(c.field, c.label) for c in page.chosen} == {
        ("author", "Masterson, Daniel"),
        ("type", "Article, review/survey"),
    }


def test_search_hierarchical_category_counts_parents(anonymous):
    page = search_records(anonymous, filters=SearchFilters(category=["50202"]))
    category = next(f for f in page.facets if f.field == "category")
    social = next(v for v in category.values if v.value == "5")
    assert social.count == 1
    assert [c.value for c in social.children] == ["502"]
    assert social.children[0].children[0].value == "50202"
    assert social.children[0].children[0].selected


def test_search_hierarchical_organisation_counts_parents(anonymous):
    university = "Jönköping University"
    page = search_records(anonymous, query="coproduction")
    organisation = next(f for f in page.facets if f.field == "organisation")
    top = next(v for v in organisation.values if v.label == university)
    assert top.count == 2
    assert top.children[0].label == "School of Health and Welfare"


def test_search_unknown_facet_value_gives_empty_page(anonymous):
    page = search_records(anonymous, filters=SearchFilters(type=["no/such-type"], category=["99999"]))
    assert (page.total, list(page.items), page.facets) == (0, [], ())


# ---------------------------------------------------------------- sort and paging


def _keys(actor, sort, key, **kwargs):
    found = all_results(actor, sort=sort, size=7, **kwargs)
    records = {r.local_id: r for r in Record.objects.filter(local_id__in=found)}
    return [key(records[i]) for i in found]


def test_search_sort_orders(anonymous):
    years = _keys(anonymous, "year_desc", lambda r: r.year or 0)
    assert years == sorted(years, reverse=True)
    years = _keys(anonymous, "year_asc", lambda r: r.year or 0)
    assert years == sorted(years)
    updated = _keys(anonymous, "updated", lambda r: r.last_updated)
    assert updated == sorted(updated, reverse=True)
    titles = _keys(anonymous, "title", lambda r: " ".join(words(r.title)))
    assert titles == sorted(titles)


def test_search_relevance_without_text_orders_by_year(anonymous):
    assert search_records(anonymous, sort="relevance").sort == "year_desc"


@pytest.mark.parametrize("sort", ["relevance", "year_desc", "year_asc", "title", "updated"])
def test_search_cursor_paging_visits_every_result_once(anonymous, sort):
    query = "health OR cat OR the"
    everything = all_results(anonymous, query=query, sort=sort, size=100)
    paged = all_results(anonymous, query=query, sort=sort, size=3)
    assert paged == everything
    assert len(paged) == len(set(paged)) == search_records(anonymous, query=query).total > 6


def test_search_previous_cursor_returns_the_page_before(anonymous):
    first = search_records(anonymous, size=5, sort="title")
    second = search_records(anonymous, size=5, sort="title", cursor=first.next_cursor)
    back = search_records(anonymous, size=5, sort="title", cursor=second.previous_cursor)
    assert [r.pk for r in back.items] == [r.pk for r in first.items]
    assert first.previous_cursor == ""
    assert back.next_cursor


def test_search_page_number_beyond_results_is_empty(anonymous):
    assert list(search_records(anonymous, page=500, size=10).items) == []


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "kwargs",
    [
        {"cursor": "not-a-cursor"},
        {"cursor": "eyJoIjoiMCJ9:1abc:tampered"},
        {"query": "x" * 10_000},
        {"sort": "random"},
        {"page": 100_000},
        {"filters": SearchFilters(year="20x0")},
        {"query": "a OR -b"},
    ],
)
def test_search_bad_input_raises_invalid_input(anonymous, kwargs):
    with pytest.raises(InvalidInput):
        search_records(anonymous, **kwargs)


def test_search_cursor_of_another_search_is_refused(anonymous):
    cursor = search_records(anonymous, query="health", size=2).next_cursor
    with pytest.raises(InvalidInput, match="another search"):
        search_records(anonymous, query="cat", size=2, cursor=cursor)


@pytest.mark.parametrize(
    "query",
    ['unbalanced "quote', "(a", "a)", "AND", "OR OR", "NOT", '" * ( ) : ^ - NEAR', "NEAR(a b)", "x:y:z"],
)
def test_search_odd_query_gives_a_normal_page(anonymous, query):
    page = search_records(anonymous, query=query)
    assert page.total >= 0


# ---------------------------------------------------------------- visibility and changes


def test_search_draft_is_seen_by_owner_and_curator_only(depositor, curator, anonymous, reader):
    record = create_record(
        depositor,
        data=record_input(title="Unpublished zebrafish draft", state="draft"),
        owner_id=depositor.user_id,
    )
    assert ids(anonymous, "zebrafish") == set()
    assert ids(reader, "zebrafish") == set()
    assert ids(depositor, "zebrafish") == {record.local_id}
    assert ids(curator, "zebrafish") == {record.local_id}


def test_search_index_follows_create_and_update_in_the_same_transaction(system, curator, anonymous):
    record = create_record(system, data=record_input(title="Quokka behaviour on Rottnest"))
    assert ids(anonymous, "quokka") == {record.local_id}
    data = record_to_input(record)
    data.title = "Wallaby behaviour"
    update_record(curator, local_id=record.local_id, data=data)
    assert ids(anonymous, "quokka") == set()
    assert ids(anonymous, "wallaby") == {record.local_id}
    withdraw_record(curator, local_id=record.local_id, reason="duplicate")
    assert ids(anonymous, "wallaby") == set()
    assert ids(curator, "wallaby") == {record.local_id}
    restore_record(curator, local_id=record.local_id)
    assert ids(anonymous, "wallaby") == {record.local_id}


def test_search_index_write_is_rolled_back_with_the_record(system, anonymous):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        create_record(system, data=record_input(title="Platypus rollback"))
        assert ids(anonymous, "platypus")
        raise RuntimeError
    assert ids(anonymous, "platypus") == set()


def test_search_backend_matches_database(anonymous):
    from samla.search.backends import backend_for

    assert backend_for().vendor == connection.vendor


# ---------------------------------------------------------------- facet sets held in memory


def _counts_match_orm(actor, query: str) -> None:
    page = search_records(actor, query=query, size=200)
    assert flat_counts(page)["type"] == dict(orm_facets([r.local_id for r in page.items])["type"])


def test_search_withdrawal_without_index_write_is_seen_at_once(system, anonymous):
    """withdraw_record changes the state only; the trigger's change counter still reaches every process."""
    assert SEED in ids(anonymous, "coproduction leadership")  # the facet sets are loaded now
    withdraw_record(system, local_id=SEED)
    assert SEED not in ids(anonymous, "coproduction leadership")
    _counts_match_orm(anonymous, "health")


def test_search_changes_are_patched_in_not_reloaded(system, anonymous):
    from samla.search.backends import backend_for
    from samla.search.memory import facet_sets

    _counts_match_orm(anonymous, "health")
    record = Record.objects.get(local_id=SEED)
    data = record_to_input(record)
    data.output_type = "publication/book"
    update_record(system, local_id=SEED, data=data)
    sets = facet_sets(backend_for())
    assert record.pk in sets.overlay  # caught up from search_change, only this record re-read
    page = search_records(
        anonymous, query="coproduction leadership", filters=SearchFilters(type=["publication/book"])
    )
    assert [r.local_id for r in page.items] == [SEED]
    assert flat_counts(page)["type"] == {"publication/book": 1}
    _counts_match_orm(anonymous, "health")


def test_search_counts_after_a_rolled_back_change_are_the_committed_ones(system, anonymous):
    from django.db import transaction

    before = flat_counts(search_records(anonymous, query="health"))
    with pytest.raises(RuntimeError), transaction.atomic():
        record = Record.objects.get(local_id=SEED)
        data = record_to_input(record)
        data.output_type = "publication/book"
        update_record(system, local_id=SEED, data=data)
        assert flat_counts(search_records(anonymous, query="health")) != before
        raise RuntimeError
    assert flat_counts(search_records(anonymous, query="health")) == before
    _counts_match_orm(anonymous, "health")


def test_search_counts_of_everything_are_patched_with_the_changes(system, anonymous):
    """The counts of all indexed records (what counting a broad search subtracts from) follow each change
    without being counted again, and still equal counting afresh."""
    from samla.search.backends import backend_for
    from samla.search.memory import facet_sets

    search_records(anonymous)  # loads the sets, counting every record once
    sets = facet_sets(backend_for())
    assert np.array_equal(sets._all_counts, sets._code_counts(sets.indexed))
    record = Record.objects.get(local_id=SEED)
    data = record_to_input(record)
    data.output_type = "publication/book"
    data.language = "swe"
    update_record(system, local_id=SEED, data=data)
    sets = facet_sets(backend_for())  # caught up with the change, before any search counts
    assert record.pk in sets.overlay
    assert np.array_equal(sets._all_counts, sets._code_counts(sets.indexed))
    page = search_records(anonymous)
    results = all_results(anonymous, query="", filters=SearchFilters())
    assert flat_counts(page)["type"] == dict(orm_facets(results)["type"])
    assert flat_counts(page)["language"] == dict(orm_facets(results)["language"])

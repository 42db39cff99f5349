"""`in_id_runs` and `in_text_array` select exactly the rows `__in` selects, whatever shape the ids or
texts have."""

import pytest

from samla.batch.queries import in_id_runs, in_text_array
from samla.journals.models import Journal

pytestmark = pytest.mark.django_db


@pytest.fixture
def journal_ids() -> list[int]:
    Journal.objects.bulk_create(Journal(title=f"Journal {n}") for n in range(40))
    return sorted(Journal.objects.values_list("pk", flat=True))


@pytest.mark.parametrize(
    "pick",
    [
        lambda ids: ids,  # one run
        lambda ids: ids[3:30],  # a run in the middle
        lambda ids: [i for i in ids if i % 7],  # a run with a few ids missing
        lambda ids: ids[::3],  # scattered
        lambda ids: ids[5:6],  # one id
        lambda ids: [],  # none
        lambda ids: [*ids[:10], ids[-1] + 1000],  # some that do not exist
        lambda ids: list(reversed(ids[:12])) * 2,  # unordered, repeated
    ],
)
def test_ids_in_ranges_selects_what_in_selects(journal_ids, pick):
    wanted = pick(journal_ids)
    expected = list(Journal.objects.filter(pk__in=wanted).order_by("pk").values_list("pk", flat=True))
    found = list(Journal.objects.filter(in_id_runs("pk", wanted)).order_by("pk").values_list("pk", flat=True))
    assert found == expected


TITLES = ["Acta Ö", 'Quote "double"', "Quote 'single'", "back\\slash", "emoji 🙂", "", "  spaced  ", "%_like"]


@pytest.mark.parametrize(
    "wanted",
    [
        TITLES,
        TITLES[1:3],
        ["nowhere", TITLES[4]],
        [],
        [*TITLES, *TITLES],  # repeated
        ["acta ö"],  # exact, not case-folded
        ["%", "_"],  # no pattern
    ],
)
def test_texts_in_one_parameter_selects_what_in_selects(wanted):
    Journal.objects.bulk_create(Journal(title=title) for title in TITLES)
    expected = sorted(Journal.objects.filter(title__in=wanted).values_list("title", flat=True))
    found = sorted(Journal.objects.filter(in_text_array("title", wanted)).values_list("title", flat=True))
    assert found == expected
    assert len(found) == len(set(wanted) & set(TITLES))

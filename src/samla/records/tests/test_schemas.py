"""The input schema keeps every text that is stored as given within its column: a longer value passed
SQLite, and PostgreSQL refused it with an error that stopped an import or answered 500."""

import pytest

from samla.journals.models import Journal
from samla.people.models import Person
from samla.records.models import Contribution, Record
from samla.records.schemas import ContributorIn, JournalIn, PersonRef, RecordIn

# Fields stored as the input gives them (the others are checked against a vocabulary or normalised).
STORED_AS_GIVEN = [
    (RecordIn, Record, "local_id"),
    *((RecordIn, Record, name) for name in ("volume", "issue", "article_number", "pages_start", "pages_end")),
    *((RecordIn, Record, name) for name in ("publisher", "place", "edition", "series_number")),
    (ContributorIn, Contribution, "family_name"),
    (ContributorIn, Contribution, "given_name"),
    (PersonRef, Person, "local_id"),
    (PersonRef, Person, "authority_id"),
    (JournalIn, Journal, "title"),
    (JournalIn, Journal, "publisher"),
]


def _max_length(schema, name: str) -> int:
    return next(m.max_length for m in schema.model_fields[name].metadata if getattr(m, "max_length", None))


@pytest.mark.parametrize(("schema", "model", "name"), STORED_AS_GIVEN)
def test_input_text_fits_its_column(schema, model, name):
    assert _max_length(schema, name) <= model._meta.get_field(name).max_length

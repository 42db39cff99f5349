"""Building record input for tests: a valid minimal record, changed per test with keyword overrides."""

from samla.records.schemas import RecordIn


def record_input(**overrides) -> RecordIn:
    data = {
        "title": "A study of test records",
        "output_type": "publication/journal-article",
        "content_type": "refereed",
        "publication_status": "published",
        "language": "eng",
        "issued": "2023",
        "contributors": [{"family_name": "Testsson", "given_name": "Tess"}],
    }
    data.update(overrides)
    return RecordIn.model_validate(data)


def many_authors_input(authors: int, identifiers: int, **overrides) -> RecordIn:
    """A record with `authors` contributors (each with an affiliation) and `identifiers` ISBN-free ids."""
    contributors = [
        {
            "family_name": f"Author{n}",
            "given_name": "Ann",
            "affiliations": [{"text": f"University {n}"}],
        }
        for n in range(authors)
    ]
    ids = [{"scheme": "pmid", "value": str(30_000_000 + n)} for n in range(identifiers)]
    return record_input(contributors=contributors, identifiers=ids, **overrides)

"""RIS: the seed record exactly, and what rispy reads back."""

import pytest
import rispy

from samla.core.access import Actor
from samla.exports import ris
from samla.exports.framing import render_record
from samla.exports.services import records_for_export

from .conftest import demo_ids, expected, format_named

pytestmark = pytest.mark.django_db


def test_ris_seed_record_equals_expected_reference(seed):
    text = render_record(format_named("ris"), seed)

    assert text == expected("diva2_1897829.ris")
    assert text.startswith("TY  - JOUR\n")
    assert text.endswith("ER  - \n")


def test_ris_seed_record_reads_back_with_rispy(seed):
    [reference] = rispy.loads(render_record(format_named("ris"), seed))

    assert reference["authors"] == ["Kjellström, Sofia", "Sarre, Sophie", "Masterson, Daniel"]
    assert reference["secondary_title"] == "BMC Health Services Research"
    assert reference["custom7"] == "219"
    assert reference["doi"] == "10.1186/s12913-024-10549-4"
    assert reference["urls"] == ["https://urn.kb.se/resolve?urn=urn:nbn:se:his:diva-24521"]


def test_ris_writes_no_counter_lines_and_one_line_abstracts(make_record):
    record = make_record(abstracts=[{"language": "eng", "text": "First paragraph.\nSecond paragraph."}])

    text = ris.write(record)

    assert not text.startswith("1.")
    assert "AB  - First paragraph. Second paragraph.\n" in text


def test_ris_chapter_has_book_title_isbn_and_editors(make_record):
    record = make_record(
        output_type="publication/book-chapter",
        host_title="A Handbook",
        identifiers=[{"scheme": "isbn", "value": "978-91-7873-255-5"}],
        contributors=[
            {"family_name": "Author", "given_name": "Ann"},
            {"family_name": "Editor", "given_name": "Ed", "role": "edt"},
        ],
    )

    reference = ris.reference(record)

    assert reference["type_of_reference"] == "CHAP"
    assert reference["secondary_title"] == "A Handbook"
    assert reference["issn"] == "978-91-7873-255-5"
    assert reference["secondary_authors"] == ["Editor, Ed"]


class RispyWriter(rispy.RisWriter):
    """rispy's own writer with Samla's tags and no counter lines: what `ris.write` lays out by hand."""

    DEFAULT_MAPPING = ris.TAGS
    DEFAULT_LIST_TAGS = ris.LIST_TAGS

    def set_header(self, count: int) -> str:
        return ""


def test_ris_references_are_laid_out_exactly_as_rispys_writer_lays_them_out():
    writer = RispyWriter(skip_unknown_tags=True)
    for record in records_for_export(Actor.anonymous(), demo_ids()):
        assert ris.write(record) == writer.formats([ris.reference(record)]), record.local_id

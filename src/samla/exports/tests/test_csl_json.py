"""CSL-JSON: the seed record exactly, item types, names and numbers."""

import json

import pytest

from samla.core.access import Actor
from samla.exports import csl_json
from samla.exports.framing import JsonArray, render_record
from samla.exports.services import records_for_export

from .conftest import demo_ids, expected, format_named

pytestmark = pytest.mark.django_db


def test_csl_json_seed_record_equals_expected_item(seed):
    text = render_record(format_named("csl-json"), seed)

    assert text == expected("diva2_1897829.csl.json")


def test_csl_json_seed_item_carries_the_citation_facts(seed):
    item = csl_json.write(seed)

    assert item["type"] == "article-journal"  # a review article is a journal article to CSL
    assert item["author"][0] == {"family": "Kjellström", "given": "Sofia"}
    assert (item["container-title"], item["volume"], item["issue"], item["number"]) == (
        "BMC Health Services Research",
        "24",
        "1",
        "219",
    )
    assert item["issued"] == {"date-parts": [[2024]]}
    assert item["URL"] == "https://urn.kb.se/resolve?urn=urn:nbn:se:his:diva-24521"
    assert item["ISSN"] == "1472-6963"


def test_csl_json_organisation_author_is_literal_and_editors_of_collection_are_authors(make_record):
    record = make_record(
        output_type="publication/edited-book",
        contributors=[
            {"family_name": "World Health Organization", "is_organisation": True, "role": "edt"},
            {"family_name": "Editor", "given_name": "Ed", "role": "edt"},
        ],
    )

    item = csl_json.write(record)

    assert item["type"] == "book"
    assert item["author"] == [{"literal": "World Health Organization"}, {"family": "Editor", "given": "Ed"}]
    assert "editor" not in item


def test_csl_json_pages_date_and_status(make_record):
    record = make_record(
        pages_start="974", pages_end="978", issued="2024-03-13", publication_status="in-press", language="swe"
    )

    item = csl_json.write(record)

    assert item["page"] == "974-978"
    assert item["issued"] == {"date-parts": [[2024, 3, 13]]}
    assert item["status"] == "in press"
    assert item["language"] == "sv"


def test_csl_json_poster_is_a_speech_as_csl_defines_it(make_record):
    assert csl_json.write(make_record(output_type="conference/poster"))["type"] == "speech"


def test_csl_json_single_record_is_an_array(seed):
    assert isinstance(json.loads(render_record(format_named("csl-json"), seed)), list)


def _stdlib_array(items: list[dict]) -> str:
    """The array as the standard library indents it, line by line: what the documents must equal."""
    entries = [
        "\n".join("  " + line for line in json.dumps(item, ensure_ascii=False, indent=2).split("\n"))
        for item in items
    ]
    return "[" + ",".join("\n" + entry for entry in entries) + "\n]\n"


def test_csl_json_list_is_written_exactly_as_the_standard_librarys_indented_json():
    items = [csl_json.write(r) for r in records_for_export(Actor.anonymous(), demo_ids())]
    items.append({"id": "x:1", "title": 'Quotes " and \\ and \u0001 and \u2028 and tabs\t', "author": []})

    assert "".join(JsonArray().stream(items)) == _stdlib_array(items)

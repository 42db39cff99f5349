"""schema.org JSON-LD: the seed record exactly, types and the journal hierarchy."""

import json

import pytest

from samla.exports import json_ld
from samla.exports.framing import render_record, render_records

from .conftest import expected, format_named

pytestmark = pytest.mark.django_db


def test_json_ld_seed_record_equals_expected_document(seed):
    assert render_record(format_named("json-ld"), seed) == expected("diva2_1897829.jsonld")


def test_json_ld_seed_is_a_scholarly_article_in_an_issue_of_a_periodical(seed):
    item = json_ld.write(seed)

    assert item["@type"] == "ScholarlyArticle"
    assert item["@id"] == "https://urn.kb.se/resolve?urn=urn:nbn:se:his:diva-24521"
    assert item["isPartOf"]["issueNumber"] == "1"
    assert item["isPartOf"]["isPartOf"]["isPartOf"]["name"] == "BMC Health Services Research"
    assert item["author"][2]["@id"] == "https://orcid.org/0000-0003-4364-9814"


def test_json_ld_data_set_is_a_dataset(make_record):
    assert json_ld.write(make_record(output_type="other/data-set", journal=None))["@type"] == "Dataset"


def test_json_ld_list_is_one_graph_under_one_context(seed, make_record):
    other = make_record(title="Second record")

    document = json.loads("".join(render_records(format_named("json-ld"), [seed, other])))

    assert document["@context"] == "https://schema.org"
    assert [item["name"] for item in document["@graph"]] == [seed.full_title, "Second record"]

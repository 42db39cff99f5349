"""Swepub MODS: the seed record exactly, shaped as DiVA serves swepub_mods, valid against MODS 3.7."""

import pytest
from lxml import etree

from samla.exports import swepub_mods
from samla.exports.framing import render_record
from samla.exports.mods import MODS_NS
from samla.imports.mods import map_mods
from samla.organisations.models import Organisation

from .conftest import assert_valid, expected, format_named, xml_schema

pytestmark = pytest.mark.django_db
NS = {"m": MODS_NS, "xlink": "http://www.w3.org/1999/xlink"}


def test_swepub_mods_seed_record_equals_expected_document(seed):
    text = render_record(format_named("swepub_mods"), seed)

    assert text == expected("diva2_1897829.swepub.xml")
    assert_valid(xml_schema("mods/mods-3-7.xsd"), etree.fromstring(text.encode()))


def seed_organisation() -> Organisation:
    return Organisation.objects.get(identifier="ju:jonkoping-academy")


def test_swepub_mods_seed_has_swepub_genres_notes_and_urn_uri(seed):
    element = swepub_mods.write(seed)

    genres = {(g.get("authority"), g.get("type")): g.text for g in element.iterfind("m:genre", NS)}
    assert genres == {
        ("kb.se", "outputType"): "publication/review-article",
        ("svep", "publicationType"): "for",
        ("svep", "contentType"): "ref",
    }
    notes = {n.get("type"): n.text for n in element.iterfind("m:note[@type]", NS)}
    assert notes["publicationStatus"] == "Published"
    assert notes["creatorCount"] == "3"
    uri = element.xpath("m:identifier[@type='uri']/text()", namespaces=NS)
    assert uri == ["https://urn.kb.se/resolve?urn=urn:nbn:se:his:diva-24521"]
    assert element.get("version") == "3.7"


def test_swepub_mods_seed_names_the_organisation_hierarchy(seed):
    element = swepub_mods.write(seed)

    [corporate] = element.xpath("m:name[@type='corporate']", namespaces=NS)
    assert (corporate.get("authority"), corporate.get(f"{{{NS['xlink']}}}href")) == (
        "ju",
        "jonkoping-academy",
    )
    assert corporate.xpath("m:namePart/text()", namespaces=NS) == [
        "Jönköping University",
        "Hälsohögskolan",
        "Jönköping Academy for Improvement of Health and Welfare",
    ]
    affiliation = element.xpath("m:name[1]/m:affiliation", namespaces=NS)[0]
    # A URI (issue #18: the id "jonkoping-academy" is none), the same as the corporate name's.
    uri = f"https://samla.example.org/organisation/{seed_organisation().pk}"
    assert (affiliation.get("authority"), affiliation.get("valueURI")) == ("ju", uri)
    assert corporate.get("valueURI") == uri


def test_swepub_mods_seed_maps_back_through_the_diva_importer(seed):
    mapped = map_mods(swepub_mods.write(seed)).record

    assert mapped.output_type == "publication/review-article"
    assert mapped.content_type == "refereed"
    assert mapped.publication_status == "published"
    assert [(c.family_name, c.given_name) for c in mapped.contributors] == [
        ("Kjellström", "Sofia"),
        ("Sarre", "Sophie"),
        ("Masterson", "Daniel"),
    ]
    assert mapped.contributors[0].affiliations[0].organisation == "ju:jonkoping-academy"
    assert (mapped.journal.title, mapped.volume, mapped.issue, mapped.article_number) == (
        "BMC Health Services Research",
        "24",
        "1",
        "219",
    )
    assert sorted(mapped.subjects) == ["30301", "50202"]
    assert {(i.scheme, i.value) for i in mapped.identifiers} >= {("doi", "10.1186/s12913-024-10549-4")}

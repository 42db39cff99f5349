"""The OAI-PMH endpoint against the specification: verbs, arguments, errors, tokens, sets, deletions.

Every response is validated against the OAI-PMH schema bundle in testdata/ (the strict OAI-PMH.xsd
with oai_dc, oai-identifier, MODS 3.8 and DataCite loaded).
"""

from functools import cache

import pytest
from django.test import override_settings
from lxml import etree
from tests import TESTDATA

from samla.core.access import Actor
from samla.oai import services
from samla.oai.tokens import ListState, make_token
from samla.records.models import Record
from samla.records.services import record_to_input, update_record, withdraw_record

pytestmark = pytest.mark.django_db
SCHEMAS = TESTDATA / "schemas"
NS = {"o": "http://www.openarchives.org/OAI/2.0/"}
SEED = "oai:samla.example.org:diva2:1897829"


@cache
def bundle() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "oai-pmh-bundle-mods38.xsd")))


def oai(client, method: str = "get", **params) -> etree._Element:
    response = getattr(client, method)("/oai", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    tree = etree.fromstring(response.content)
    bundle().assertValid(tree)
    return tree


def error_code(tree: etree._Element) -> str | None:
    errors = tree.xpath("o:error/@code", namespaces=NS)
    return errors[0] if errors else None


def test_identify_describes_the_repository(client):
    tree = oai(client, verb="Identify")
    identify = tree.find("o:Identify", NS)
    assert identify.findtext("o:protocolVersion", namespaces=NS) == "2.0"
    assert identify.findtext("o:deletedRecord", namespaces=NS) == "persistent"
    assert identify.findtext("o:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.findtext("o:baseURL", namespaces=NS).endswith("/oai")
    assert tree.xpath("//*[local-name()='repositoryIdentifier']/text()") == ["samla.example.org"]


def test_post_requests_are_answered_like_get(client):
    assert oai(client, "post", verb="Identify").find("o:Identify", NS) is not None


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "badVerb"),
        ({"verb": "Dance"}, "badVerb"),
        ({"verb": ["Identify", "Identify"]}, "badVerb"),
        ({"verb": "Identify", "extra": "1"}, "badArgument"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": ["oai_dc", "oai_dc"]}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-13-01"}, "badArgument"),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-01-01", "until": "2023-01-01"},
            "badArgument",
        ),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2024-01-01",
                "until": "2024-02-01T00:00:00Z",
            },
            "badArgument",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "nope"}, "cannotDisseminateFormat"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "no-such-set"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "bad set!"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2999-01-01"}, "noRecordsMatch"),
        ({"verb": "ListRecords", "resumptionToken": "garbage"}, "badResumptionToken"),
        ({"verb": "ListRecords", "resumptionToken": "x", "metadataPrefix": "oai_dc"}, "badArgument"),
        ({"verb": "ListSets", "resumptionToken": "x"}, "badResumptionToken"),
        ({"verb": "GetRecord", "identifier": SEED}, "badArgument"),
        (
            {"verb": "GetRecord", "identifier": "oai:elsewhere.org:1", "metadataPrefix": "oai_dc"},
            "idDoesNotExist",
        ),
        ({"verb": "GetRecord", "identifier": SEED, "metadataPrefix": "nope"}, "cannotDisseminateFormat"),
        ({"verb": "ListMetadataFormats", "identifier": "oai:samla.example.org:diva2:0"}, "idDoesNotExist"),
    ],
)
def test_protocol_errors_answer_the_specification_code(client, params, code):
    tree = oai(client, **params)
    assert error_code(tree) == code
    assert tree.findtext("o:error", namespaces=NS)
    if code in ("badVerb", "badArgument"):
        assert dict(tree.find("o:request", NS).attrib) == {}


def test_token_of_another_verb_or_tampered_is_bad(client):
    state = ListState("ListIdentifiers", "oai_dc", None, None, None, "", 0, 0, -1)
    token = make_token(state)
    assert error_code(oai(client, verb="ListRecords", resumptionToken=token)) == "badResumptionToken"
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert error_code(oai(client, verb="ListIdentifiers", resumptionToken=tampered)) == "badResumptionToken"


def test_list_sets_lists_hierarchies_and_flat_sets(client):
    specs = oai(client, verb="ListSets").xpath("//o:setSpec/text()", namespaces=NS)
    for spec in ("openaire", "swepub", "type:publication:review-article", "ssif:5:502:50202", "org"):
        assert spec in specs


def harvest(client, verb: str = "ListIdentifiers", **params) -> list[etree._Element]:
    items, token = [], None
    while True:
        args = {"verb": verb, "resumptionToken": token} if token else {"verb": verb, **params}
        tree = oai(client, **args)
        if error_code(tree) == "noRecordsMatch":
            return items
        assert error_code(tree) is None, tree.findtext("o:error", namespaces=NS)
        items += tree.xpath("//o:header", namespaces=NS)
        token = tree.xpath("//o:resumptionToken/text()", namespaces=NS)
        token = token[0] if token else None
        if not token:
            return items


def test_paged_harvest_visits_every_record_once(client, monkeypatch):
    monkeypatch.setattr(services, "PAGE_SIZE", 7)
    headers = harvest(client, metadataPrefix="oai_dc")
    identifiers = [h.findtext("o:identifier", namespaces=NS) for h in headers]
    assert len(identifiers) == len(set(identifiers)) == Record.objects.filter(state="published").count()
    assert SEED in identifiers


def test_token_carries_cursor_and_complete_list_size(client, monkeypatch):
    monkeypatch.setattr(services, "PAGE_SIZE", 10)
    first = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    token = first.xpath("//o:resumptionToken", namespaces=NS)[0]
    total = Record.objects.filter(state="published").count()
    assert (token.get("cursor"), token.get("completeListSize")) == ("0", str(total))
    second = oai(client, verb="ListIdentifiers", resumptionToken=token.text)
    assert second.xpath("//o:resumptionToken/@cursor", namespaces=NS) == ["10"]


def test_record_changed_during_harvest_is_not_lost(client, monkeypatch, system):
    monkeypatch.setattr(services, "PAGE_SIZE", 10)
    first = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    seen = [h.findtext("o:identifier", namespaces=NS) for h in first.xpath("//o:header", namespaces=NS)]
    token = first.xpath("//o:resumptionToken/text()", namespaces=NS)[0]
    changed = (
        Record.objects.filter(state="published")
        .exclude(local_id__in=[s.rsplit(":", 2)[-2] + ":" + s.rsplit(":", 1)[-1] for s in seen])
        .order_by("datestamp")[0]
    )
    data = record_to_input(changed)
    data.title += " (revised)"
    update_record(system, local_id=changed.local_id, data=data)
    rest = []
    while token:
        tree = oai(client, verb="ListIdentifiers", resumptionToken=token)
        rest += [h.findtext("o:identifier", namespaces=NS) for h in tree.xpath("//o:header", namespaces=NS)]
        found = tree.xpath("//o:resumptionToken/text()", namespaces=NS)
        token = found[0] if found else None
    assert services.oai_identifier(changed) in rest
    assert len(set(seen + rest)) == Record.objects.filter(state="published").count()


def test_from_until_are_inclusive_at_second_and_day_granularity(client):
    seed = Record.objects.get(local_id="diva2:1897829")
    second = services.format_datestamp(seed.datestamp)
    day = second[:10]
    for start, until in ((second, second), (day, day)):
        headers = harvest(client, metadataPrefix="oai_dc", **{"from": start, "until": until})
        assert SEED in [h.findtext("o:identifier", namespaces=NS) for h in headers]


def test_withdrawn_record_stays_as_deleted_header(client):
    withdraw_record(Actor.system("tests"), local_id="diva2:1897829")
    tree = oai(client, verb="GetRecord", identifier=SEED, metadataPrefix="oai_dc")
    header = tree.xpath("//o:header", namespaces=NS)[0]
    assert header.get("status") == "deleted"
    assert not tree.xpath("//o:metadata", namespaces=NS)
    headers = harvest(client, metadataPrefix="oai_dc")
    deleted = [h for h in headers if h.findtext("o:identifier", namespaces=NS) == SEED]
    assert deleted[0].get("status") == "deleted"


def test_sets_select_their_records(client):
    for spec in ("type:publication:review-article", "ssif:5:502:50202", "ssif:5", "swepub", "openaire"):
        headers = harvest(client, metadataPrefix="oai_dc", set=spec)
        identifiers = [h.findtext("o:identifier", namespaces=NS) for h in headers]
        assert SEED in identifiers, spec
        assert all(
            spec in h.xpath("o:setSpec/text()", namespaces=NS)
            or any(s.startswith(spec + ":") for s in h.xpath("o:setSpec/text()", namespaces=NS))
            for h in headers
        ), spec


def test_organisation_set_holds_records_of_its_units(client):
    from samla.organisations.models import Organisation

    university = Organisation.objects.get(identifier="ju:jonkoping-university")
    headers = harvest(client, metadataPrefix="oai_dc", set=f"org:{university.pk}")
    assert SEED in [h.findtext("o:identifier", namespaces=NS) for h in headers]


@override_settings(OAI_REPOSITORY_ID="repo.example.se")
def test_identifiers_use_the_configured_repository_id(client):
    tree = oai(
        client, verb="GetRecord", identifier="oai:repo.example.se:diva2:1897829", metadataPrefix="oai_dc"
    )
    assert tree.xpath("//o:header/o:identifier/text()", namespaces=NS) == [
        "oai:repo.example.se:diva2:1897829"
    ]


def test_every_set_lists_valid_headers_of_its_records_or_no_records_match(client):
    specs = oai(client, verb="ListSets").xpath("//o:setSpec/text()", namespaces=NS)
    assert len(specs) > 400
    for spec in specs:
        tree = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set=spec)
        assert error_code(tree) in (None, "noRecordsMatch"), spec
        for header in tree.xpath("//o:header", namespaces=NS):
            listed = header.xpath("o:setSpec/text()", namespaces=NS)
            assert any(s == spec or s.startswith(spec + ":") for s in listed) or spec in (
                "type",
                "ssif",
                "org",
            ), spec

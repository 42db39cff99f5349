"""Harvests served from kept record texts (`exports.rendered`): the same bytes as freshly written ones,
no record loaded while they hold, renewed when a record or an organisation it names changes, and written
ahead of harvesters by `samla oai keep`."""

import re

import pytest
from click.testing import CliRunner
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree

from samla.cli import main
from samla.core.errors import PermissionDenied
from samla.exports.models import RenderedItem
from samla.oai import services
from samla.oai.texts import keep
from samla.organisations.models import Organisation
from samla.organisations.services import update_organisation
from samla.records.services import withdraw_record

pytestmark = pytest.mark.django_db
NS = {"o": "http://www.openarchives.org/OAI/2.0/"}
SEED = "oai:samla.example.org:diva2:1897829"


def harvest(client, verb: str = "ListRecords", prefix: str = "swepub_mods") -> str:
    """Every page of a list, concatenated, with the response dates taken out."""
    params, pages = {"verb": verb, "metadataPrefix": prefix}, []
    while True:
        body = client.get("/oai", params).content.decode()
        pages.append(re.sub(r"<responseDate>[^<]*</responseDate>", "", body))
        token = etree.fromstring(body.encode()).xpath("//o:resumptionToken/text()", namespaces=NS)
        if not token:
            return "".join(pages)
        params = {"verb": verb, "resumptionToken": token[0]}


@pytest.mark.parametrize("verb", ["ListRecords", "ListIdentifiers"])
def test_a_second_harvest_is_the_same_and_loads_no_record(client, verb):
    first = harvest(client, verb)

    with CaptureQueriesContext(connection) as queries:
        second = harvest(client, verb)

    assert second == first
    statements = " ".join(q["sql"] for q in queries.captured_queries)
    assert "records_contribution" not in statements


def test_get_record_after_a_list_gives_the_record_text_the_list_gave(client):
    listed = harvest(client)
    body = client.get("/oai", {"verb": "GetRecord", "metadataPrefix": "swepub_mods", "identifier": SEED})
    record = re.search(r"<record>.*?</record>", body.content.decode(), re.S).group(0)

    assert SEED in record
    assert record in listed


def test_a_renamed_organisation_shows_in_the_next_harvest(client, curator):
    academy = Organisation.objects.get(identifier="ju:jonkoping-academy")
    assert f"<namePart>{academy.name_sv}</namePart>" in harvest(client)

    update_organisation(curator, organisation_id=academy.pk, name_sv="Den omdöpta akademin")

    after = harvest(client)
    assert "<namePart>Den omdöpta akademin</namePart>" in after
    assert f"<namePart>{academy.name_sv}</namePart>" not in after


def test_a_withdrawn_record_is_a_deleted_header_in_the_next_harvest(client, system):
    harvest(client)

    withdraw_record(system, local_id="diva2:1897829", reason="duplicate")

    body = client.get("/oai", {"verb": "GetRecord", "metadataPrefix": "swepub_mods", "identifier": SEED})
    header = etree.fromstring(body.content).find(".//o:header", NS)
    assert header.get("status") == "deleted"
    assert etree.fromstring(body.content).find(".//o:metadata", NS) is None


def test_keep_writes_every_stale_text_once_and_the_next_harvest_loads_no_record(client, system):
    harvestable = services.harvestable().count()

    assert keep(system, "oai_dc", chunk_size=7) == harvestable
    assert RenderedItem.objects.filter(format="oai:oai_dc").count() == harvestable
    with CaptureQueriesContext(connection) as queries:
        keep(system, "oai_dc")
        harvest(client, prefix="oai_dc")

    statements = " ".join(q["sql"] for q in queries.captured_queries)
    assert "INSERT" not in statements.upper()
    assert "records_contribution" not in statements


def test_keep_is_an_operators_job(reader):
    with pytest.raises(PermissionDenied):
        keep(reader, "oai_dc")


def test_cli_oai_keep_names_what_it_kept():
    result = CliRunner().invoke(main, ["oai", "keep", "mods", "headers"])

    assert result.exit_code == 0, result.output
    harvestable = services.harvestable().count()
    assert f"mods: {harvestable} records" in result.stdout
    assert f"headers: {harvestable} records" in result.stdout
    assert RenderedItem.objects.filter(format="oai-header").count() == harvestable


def test_cli_oai_keep_refuses_an_unknown_prefix_and_names_the_known_ones():
    result = CliRunner().invoke(main, ["oai", "keep", "dublin"])

    assert result.exit_code == 1
    assert "No metadata format 'dublin'. Known: mods, swepub_mods, oai_dc, datacite, marc21, headers." in (
        result.stderr
    )
    assert not RenderedItem.objects.exists()

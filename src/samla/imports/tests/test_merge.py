"""Re-imports and harvests that lose nothing: field provenance, the merge rule and proposed changes.

The issue's check: approve a record, edit one field as a curator, then re-import its MODS source and
re-harvest it in oai_dc from Samla itself (the OAI-PMH provider answering through the Django test client).
"""

import urllib.parse

import pytest
from django.test import Client

from samla.core.access import Actor
from samla.imports.harvest import harvest
from samla.imports.services import import_files
from samla.records.models import ImportRun, ProposedChange, Record, Revision
from samla.records.services import (
    accept_proposal,
    approve_record,
    get_record_for,
    record_to_input,
    reject_proposal,
    restore_record,
    update_record,
)

pytestmark = pytest.mark.django_db
IMPORTER = Actor.system("import")  # as `samla import` acts

LOCAL_ID = "diva2:9200001"
PUBLISHER = "KTH Royal Institute of Technology"
CHANGED_SOURCE = {
    f"<publisher>{PUBLISHER}</publisher>": f"<publisher>{PUBLISHER}, Stockholm</publisher>",
    "<topic>graphene</topic>": "<topic>Graphene</topic>",
    "<extent>73</extent>": "<extent>74</extent>",
}


def statuses(results) -> list[tuple[str, str]]:
    return [(r.status, r.record) for r in results]


def samla_fetch(client: Client):
    """Samla's own OAI-PMH provider, asked through the test client as a harvester asks a server."""

    def fetch(url: str) -> bytes:
        parts = urllib.parse.urlsplit(url)
        response = client.get(f"{parts.path}?{parts.query}")
        assert response.status_code == 200
        return response.content

    return fetch


def curated(curator, kth_thesis_copies) -> Record:
    """The KTH thesis imported from MODS, approved and with its publisher edited by a curator."""
    list(import_files(IMPORTER, [kth_thesis_copies((9200001, {}), name="source.xml")]))
    approve_record(curator, local_id=LOCAL_ID)
    data = record_to_input(get_record_for(curator, LOCAL_ID))
    data.publisher = "KTH"
    update_record(curator, local_id=LOCAL_ID, data=data)
    return Record.objects.get(local_id=LOCAL_ID)


def test_import_new_record_keeps_provenance_of_its_run_and_format(kth_thesis_copies):
    (result,) = import_files(IMPORTER, [kth_thesis_copies((9200001, {}))])

    record = Record.objects.get(local_id=LOCAL_ID)
    run = ImportRun.objects.get()
    assert result.status == "created"
    assert record.provenance == {"*": {"source": "mods", "run": run.pk, "at": record.provenance["*"]["at"]}}
    assert (run.command, run.actor, run.counts["created"]) == ("import", "system:import", 1)
    assert run.finished is not None


def test_person_edit_claims_only_the_fields_it_changes(curator, kth_thesis_copies):
    record = curated(curator, kth_thesis_copies)

    assert record.provenance["publisher"]["user"] == "curator"
    assert record.provenance["*"]["source"] == "mods"
    assert set(record.provenance) == {"*", "publisher"}


def test_reimport_and_oai_dc_harvest_keep_approval_created_and_the_curators_edit(
    curator, kth_thesis_copies, system
):
    before = curated(curator, kth_thesis_copies)
    changed = kth_thesis_copies((9200001, CHANGED_SOURCE), name="changed.xml")

    (result,) = import_files(IMPORTER, [changed])

    record = Record.objects.get(local_id=LOCAL_ID)
    assert (result.status, result.changed, result.proposed) == (
        "updated",
        ("page_count", "keywords"),
        ("publisher",),
    )
    assert (record.approved, record.created, record.publisher) == (True, before.created, "KTH")
    assert record.page_count == 74
    assert "Graphene" in record.keywords[0]["terms"]
    (proposal,) = ProposedChange.objects.filter(record=record)
    assert (proposal.field, proposal.source, proposal.value, proposal.decision) == (
        "publisher",
        "mods",
        f"{PUBLISHER}, Stockholm",
        "",
    )
    described = record_to_input(get_record_for(curator, LOCAL_ID)).model_dump()
    revisions = Revision.objects.filter(record=record).count()

    results = list(harvest(system, "http://testserver/oai", prefix="oai_dc", fetch=samla_fetch(Client())))

    assert ("unchanged", LOCAL_ID) in statuses(results)
    assert not [r for r in results if r.status not in ("unchanged", "deleted")]
    assert record_to_input(get_record_for(curator, LOCAL_ID)).model_dump() == described
    assert Revision.objects.filter(record=record).count() == revisions
    assert ProposedChange.objects.filter(record=record).count() == 1


def test_oai_dc_harvest_after_mods_removes_nothing(system, kth_thesis_copies):
    """The issue's diva2:1897829 harvested back from Samla in Dublin Core: nothing lost, nothing reset."""
    list(import_files(IMPORTER, [kth_thesis_copies((9200001, {}))]))
    stored = Record.objects.get(local_id=LOCAL_ID)
    described = record_to_input(get_record_for(system, LOCAL_ID)).model_dump()

    list(harvest(system, "http://testserver/oai", prefix="oai_dc", fetch=samla_fetch(Client())))

    record = Record.objects.get(local_id=LOCAL_ID)
    assert record_to_input(get_record_for(system, LOCAL_ID)).model_dump() == described
    assert (record.revision, record.datestamp, record.created) == (
        stored.revision,
        stored.datestamp,
        stored.created,
    )


def test_reimport_with_empty_values_clears_nothing(kth_thesis_copies, system):
    list(import_files(IMPORTER, [kth_thesis_copies((9200001, {}))]))
    emptied = kth_thesis_copies(
        (9200001, {f"<publisher>{PUBLISHER}</publisher>": "", "<extent>73</extent>": ""}), name="emptied.xml"
    )

    (result,) = import_files(IMPORTER, [emptied])

    record = Record.objects.get(local_id=LOCAL_ID)
    assert result.status == "unchanged"
    assert (record.publisher, record.page_count) == (PUBLISHER, 73)


def test_unchanged_reimport_after_an_edit_writes_nothing(curator, kth_thesis_copies):
    curated(curator, kth_thesis_copies)
    changed = kth_thesis_copies((9200001, CHANGED_SOURCE), name="changed.xml")
    list(import_files(IMPORTER, [changed]))
    record = Record.objects.get(local_id=LOCAL_ID)

    (result,) = import_files(IMPORTER, [changed])

    again = Record.objects.get(local_id=LOCAL_ID)
    assert result.status == "unchanged"
    assert (again.revision, again.datestamp, again.provenance) == (
        record.revision,
        record.datestamp,
        record.provenance,
    )
    assert ProposedChange.objects.filter(record=record).count() == 1


def test_accepted_proposal_writes_the_value_and_gives_the_field_back_to_the_source(
    curator, kth_thesis_copies
):
    curated(curator, kth_thesis_copies)
    list(import_files(IMPORTER, [kth_thesis_copies((9200001, CHANGED_SOURCE), name="changed.xml")]))
    proposal = ProposedChange.objects.get()

    accepted = accept_proposal(curator, proposal_id=proposal.pk)

    record = Record.objects.get(local_id=LOCAL_ID)
    assert (accepted.decision, accepted.decided_by) == ("accepted", "curator:curator")
    assert record.publisher == f"{PUBLISHER}, Stockholm"
    assert record.provenance["publisher"]["source"] == "mods"
    assert record.revisions.first().summary == "accepted publisher"


def test_rejected_proposal_keeps_the_record_and_is_not_proposed_again(curator, kth_thesis_copies):
    curated(curator, kth_thesis_copies)
    changed = kth_thesis_copies((9200001, CHANGED_SOURCE), name="changed.xml")
    list(import_files(IMPORTER, [changed]))
    proposal = ProposedChange.objects.get()

    reject_proposal(curator, proposal_id=proposal.pk)
    (result,) = import_files(IMPORTER, [changed])

    assert result.status == "unchanged"
    assert Record.objects.get(local_id=LOCAL_ID).publisher == "KTH"
    assert list(ProposedChange.objects.values_list("decision", flat=True)) == ["rejected"]


def test_dry_run_reports_each_change_and_writes_nothing(curator, kth_thesis_copies):
    from samla.imports.tests.test_services import row_counts

    curated(curator, kth_thesis_copies)
    changed = kth_thesis_copies((9200001, CHANGED_SOURCE), (9200002, {}), name="changed.xml")
    before = row_counts()
    record = Record.objects.get(local_id=LOCAL_ID)

    results = list(import_files(IMPORTER, [changed], dry_run=True))

    assert [(r.status, r.record, r.changed, r.proposed) for r in results] == [
        ("updated", LOCAL_ID, ("page_count", "keywords"), ("publisher",)),
        ("created", "diva2:9200002", (), ()),
    ]
    assert row_counts() == before
    again = Record.objects.get(local_id=LOCAL_ID)
    assert (again.revision, again.datestamp, again.page_count) == (record.revision, record.datestamp, 73)


def test_harvest_sending_one_record_twice_stores_it_once(system, kth_thesis_copies):
    path = kth_thesis_copies((9200001, {}), (9200001, {"<extent>73</extent>": "<extent>74</extent>"}))
    page = path.read_bytes()

    results = list(harvest(system, "https://diva.example/oai", prefix="swepub_mods", fetch=lambda url: page))

    assert statuses(results) == [("created", LOCAL_ID), ("updated", LOCAL_ID)]
    assert Record.objects.filter(local_id=LOCAL_ID).count() == 1
    assert Record.objects.get(local_id=LOCAL_ID).page_count == 74


def test_source_deleting_an_edited_record_withdraws_it_with_reason_and_curator_restores_it(
    curator, kth_thesis_copies, client
):
    curated(curator, kth_thesis_copies)
    deleted = kth_thesis_copies((9200001, {"<header>": '<header status="deleted">'}), name="deleted.xml")

    (result,) = import_files(IMPORTER, [deleted])

    record = Record.objects.get(local_id=LOCAL_ID)
    assert (result.status, record.state, record.publisher) == ("deleted", "withdrawn", "KTH")
    assert record.withdrawn_reason == "deleted at the source (oai:DiVA.org:kth-9200001)"
    page = client.get(f"/record/{LOCAL_ID}")
    assert page.status_code == 410
    assert "deleted at the source (oai:DiVA.org:kth-9200001)" in page.content.decode()

    restored = restore_record(curator, local_id=LOCAL_ID)

    assert (restored.state, restored.withdrawn_reason, restored.publisher) == ("published", "", "KTH")
    assert restored.revisions.first().summary == "restored"


def test_harvest_dry_run_reports_and_writes_nothing_not_even_where_it_stands(system, kth_thesis_copies):
    from samla.imports.models import HarvestState
    from samla.imports.tests.test_services import row_counts

    page = kth_thesis_copies((9200001, {})).read_bytes()
    before = row_counts()

    results = list(
        harvest(
            system, "https://diva.example/oai", prefix="swepub_mods", fetch=lambda url: page, dry_run=True
        )
    )

    assert statuses(results) == [("created", LOCAL_ID)]
    assert row_counts() == before
    assert not HarvestState.objects.filter(base_url="https://diva.example/oai").exists()


def test_updates_of_a_batch_ask_no_query_per_record(kth_thesis_copies):
    """Imported records that change are merged and written a batch at a time: updating four records asks
    as many queries as updating two."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    changed = {"<extent>73</extent>": "<extent>74</extent>"}
    counts = []
    for n in (2, 4):
        numbers = [9200100 + 10 * n + i for i in range(n)]
        list(import_files(IMPORTER, [kth_thesis_copies(*((k, {}) for k in numbers), name=f"first{n}.xml")]))
        path = kth_thesis_copies(*((k, changed) for k in numbers), name=f"changed{n}.xml")
        with CaptureQueriesContext(connection) as queries:
            results = list(import_files(IMPORTER, [path]))
        assert [r.status for r in results] == ["updated"] * n
        counts.append(len(queries))

    assert counts[0] == counts[1]
    assert set(
        Record.objects.filter(local_id__startswith="diva2:92001").values_list("page_count", flat=True)
    ) == {74}

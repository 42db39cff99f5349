"""Real OAI-PMH harvesters, written elsewhere, harvest the running server completely; and `samla harvest`
copies this repository into an empty one record for record."""

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PYOAI_PYTHON = ROOT / ".venv-pyoai" / "bin" / "python"


def published_count(live_url: str) -> int:
    with urllib.request.urlopen(live_url + "/api/records/?size=1") as response:
        return json.load(response)["meta"]["total"]


@pytest.mark.parametrize("prefix", ["oai_dc", "mods", "swepub_mods", "datacite", "marc21"])
def test_sickle_harvests_every_record(live_url, prefix):
    from sickle import Sickle

    records = list(Sickle(live_url + "/oai", max_retries=2).ListRecords(metadataPrefix=prefix))
    identifiers = [r.header.identifier for r in records]
    assert len(identifiers) == len(set(identifiers)) == published_count(live_url)


def test_oaipmh_scythe_harvests_every_identifier(live_url):
    from oaipmh_scythe import Scythe

    with Scythe(live_url + "/oai") as scythe:
        headers = list(scythe.list_identifiers(metadata_prefix="oai_dc"))
        sets = list(scythe.list_sets())
        identify = scythe.identify()
    assert len(headers) == published_count(live_url)
    assert identify.deletedRecord == "persistent"
    assert any(s.setSpec == "swepub" for s in sets)


PYOAI_SCRIPT = """
import sys
from oaipmh.client import Client
from oaipmh.metadata import MetadataRegistry, oai_dc_reader
registry = MetadataRegistry()
registry.registerReader("oai_dc", oai_dc_reader)
client = Client(sys.argv[1], registry)
client.updateGranularity()
records = list(client.listRecords(metadataPrefix="oai_dc"))
print(len(records), len({header.identifier() for header, _m, _a in records}))
"""


def test_pyoai_harvests_every_record_over_post(live_url):
    """pyoai (which needs lxml < 5, so it lives in its own virtualenv made by `make test`) sends POST."""
    result = subprocess.run(
        [PYOAI_PYTHON, "-c", PYOAI_SCRIPT, live_url + "/oai"], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == [str(published_count(live_url))] * 2


def dump_records(env: dict) -> dict[str, dict]:
    script = (
        "import json, django\ndjango.setup()\n"
        "from samla.records.models import Record\n"
        "from samla.records.services import record_to_input\n"
        "print(json.dumps({r.local_id: record_to_input(r).model_dump(mode='json')"
        " for r in Record.objects.filter(state='published')}))\n"
    )
    out = subprocess.run(
        [BIN / "python", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_harvesting_samla_into_an_empty_samla_gives_the_same_records(live_url, server_database, tmp_path):
    # Another installation, with OAI identifiers of its own: what it harvests is not its own records.
    target = {
        **os.environ,
        "SAMLA_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "samla.settings",
        "SAMLA_OAI_REPOSITORY_ID": "copy.samla.example.org",
    }
    target.pop("DATABASE_URL", None)
    subprocess.run([BIN / "python", "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=target, check=True)
    harvest = subprocess.run(
        [BIN / "samla", "harvest", live_url + "/oai", "--prefix", "swepub_mods"],
        cwd=ROOT,
        env=target,
        capture_output=True,
        text=True,
    )
    assert harvest.returncode == 0, harvest.stderr[-3000:]
    source, copy = dump_records(server_database), dump_records(target)
    assert sorted(copy) == sorted(source)
    for local_id, original in source.items():
        harvested = copy[local_id]
        # The copy also records where it came from: the source's OAI identifier of the record, and for a
        # record without a URN its page there (Swepub MODS gives that page as the record's uri).
        extra = [i for i in harvested.pop("identifiers") if i not in original["identifiers"]]
        source_page = {"scheme": "uri", "value": f"{live_url}/record/{local_id}"}
        expected = ["oai"] if any(i["scheme"] == "urn" for i in original["identifiers"]) else ["uri", "oai"]
        assert [i["scheme"] for i in extra] == expected, local_id
        assert all(i == source_page for i in extra if i["scheme"] == "uri"), extra
        original.pop("identifiers")
        assert harvested == original, local_id

"""Build the demo corpus, src/samla/demo/data/diva-corpus.json, from real DiVA/Swepub, Zenodo and DSpace data.

    .venv/bin/python -m samla.demo.build_corpus [TESTDATA_DIR]

TESTDATA_DIR defaults to the project's testdata/. Each record is mapped by the importer and
stored, on top of seed.json, in a throw-away SQLite database, as `samla demo load` will store it, so the
corpus is known to load. A record the services reject is skipped and counted, never edited by hand; a
record already taken (the same local id or OAI identifier) is skipped as a duplicate. The product reads only
the JSON this writes.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from samla.core.access import Actor

if TYPE_CHECKING:
    from samla.imports.mapping import MappedRecord
    from samla.organisations.models import Organisation
    from samla.records.schemas import RecordIn

DEMO_DATA = Path(__file__).resolve().parent / "data"
OUTPUT = DEMO_DATA / "diva-corpus.json"
DEFAULT_TESTDATA = Path(__file__).resolve().parents[3] / "testdata"
SOURCES = (
    "oai-pmh/diva-swepub/*.xml",
    "records/mods/diva/*.xml",
    "oai-pmh/zenodo-invenio/ListRecords-oai_dc*.xml",
    "oai-pmh/zenodo-invenio/GetRecord-oai_dc.xml",
    "oai-pmh/dspace-erasmus/ListRecords.xml",
    "oai-pmh/dspace-erasmus/GetRecord*.xml",
)
ABOUT = (
    "Real publication records: DiVA and SwePub swepub_mods OAI-PMH responses and DiVA MODS files (test data "
    "of libris/swepub-redux), Zenodo (InvenioRDM) and DSpace oai_dc responses, mapped by samla.imports. "
    "Regenerate with `python -m samla.demo.build_corpus`; do not edit by hand."
)


@dataclass
class Build:
    """The records and organisations the corpus gets, and what was left out and why."""

    records: list[dict[str, Any]] = field(default_factory=list)
    organisations: list[dict[str, str]] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def report(self) -> str:
        lines = [
            f"{len(self.records)} records, {len(self.organisations)} organisations written to {OUTPUT}",
            f"{len(self.duplicates)} duplicates left out: {', '.join(self.duplicates)}",
            f"{len(self.skipped)} records or files skipped because the importer rejects them:",
        ]
        return "\n".join(lines + [f"  {reason}" for reason in self.skipped])


def main(argv: list[str] | None = None) -> None:
    """Build in a throw-away database, so neither the developer's data nor a DATABASE_URL is touched."""
    args = sys.argv[1:] if argv is None else argv
    testdata = Path(args[0]) if args else DEFAULT_TESTDATA
    with tempfile.TemporaryDirectory() as data_dir:
        os.environ["SAMLA_DATA_DIR"] = data_dir
        os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samla.settings")
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        build = build_corpus(testdata)
    corpus = {"about": ABOUT, "organisations": build.organisations, "records": build.records}
    OUTPUT.write_text(json.dumps(corpus, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(build.report())


def source_paths(testdata: Path) -> list[Path]:
    return [path for pattern in SOURCES for path in sorted(testdata.glob(pattern))]


def build_corpus(testdata: Path) -> Build:
    """Import every record of the sources after the seed, keeping those the services accept."""
    from samla.demo.services import load_demo_corpus

    actor = Actor.system("build demo corpus")
    failed = [r for r in load_demo_corpus(actor, paths=[DEMO_DATA / "seed.json"]) if r.status == "failed"]
    if failed:
        raise SystemExit(f"seed.json does not load: {failed}")
    build = Build()
    mapped = [item for path in source_paths(testdata) for item in _map_file(path, build)]
    # DiVA's own copy of a publication first: where the test data has one from DiVA and from another
    # source, the corpus shows DiVA's, with its full-text links and authority ids.
    mapped.sort(key=lambda item: not item[1].record.local_id.startswith("diva"))
    accepted = [local_id for place, item in mapped if (local_id := _add(actor, place, item, build))]
    build.records = [_as_stored(local_id) for local_id in accepted]
    build.organisations = list(_organisations(_seed_organisations()))
    return build


def _as_stored(local_id: str) -> dict[str, Any]:
    """The record as Samla stores it, with journals and people as their authority records end up.

    A source may name a journal or person with fewer or other ids than another record (an ISSN only, a
    second local id); stored, every record shows the merged authority record, so the corpus loads the
    same way whatever the order, and loading it again changes nothing.
    """
    from samla.records.models import Record
    from samla.records.services import record_to_input

    return record_to_input(Record.objects.get(local_id=local_id)).model_dump(
        mode="json", exclude_defaults=True
    )


def _map_file(path: Path, build: Build) -> list[tuple[str, MappedRecord]]:
    """The file's records mapped by the importer, each with its place ("file.xml:line")."""
    from samla.core.errors import SamlaError

    from .errors import UnreadableFile
    from .oai_pmh import read_records

    try:
        sources = read_records(path)
    except UnreadableFile as error:
        build.skipped.append(error.message)
        return []
    mapped = []
    for source in sources:
        if source.header.deleted:
            continue
        place = f"{path.name}:{source.line}"
        try:
            mapped.append((place, source.map()))
        except SamlaError as error:
            build.skipped.append(f"{place}: {error.message}")
    return mapped


def _add(actor: Actor, place: str, mapped: MappedRecord, build: Build) -> str | None:
    """Import one record unless the corpus has it already; its local id when stored."""
    from samla.core.errors import SamlaError

    from .services import import_record

    try:
        if existing := _taken_already(mapped.record):
            build.duplicates.append(f"{existing} ({place})")
            return None
        record, _status = import_record(actor, mapped=mapped)
    except SamlaError as error:
        build.skipped.append(f"{place}: {error.message}")
        return None
    return record.local_id


def _taken_already(record: RecordIn) -> str | None:
    """The local id of the stored record that `record` is the same publication as: the same local id or
    OAI identifier, or, from another source, what an import of a file would call a duplicate (a shared
    DOI, PubMed or ISI id or URN:NBN, else title, year and first author; or the record a Web of Science
    or Scopus id would update). The test data holds one
    publication from several sources (Swepub's dedup files); kept each time, it gave the corpus its
    authors twice, as authority records under each source's id (Larsson, Dennis; Lavesson; Lendaro)."""
    from samla.records.services import find_existing_record
    from samla.records.services.duplicates import find_duplicates
    from samla.records.services.writing import local_ids_by_source_identifiers

    if existing := find_existing_record(record):
        return existing
    without_identity = record.model_copy(
        update={"local_id": "", "identifiers": [i for i in record.identifiers if i.scheme != "oai"]}
    )
    if duplicate := find_duplicates([without_identity]).get(0):
        return duplicate.local_id
    # One with a Web of Science or Scopus id is no duplicate to an import, which updates the record.
    return local_ids_by_source_identifiers({0: without_identity}).get(0)


def _seed_organisations() -> set[str]:
    seed = json.loads((DEMO_DATA / "seed.json").read_text(encoding="utf-8"))
    return {item["identifier"] for item in seed["organisations"]}


def _organisations(seed: set[str]) -> Iterator[dict[str, str]]:
    """The organisations the import created, parents first, in the corpus format.

    The format names every organisation by identifier, but DiVA identifies only the unit at the end of a
    path; a unit above it gets "<prefix>:<slug of its name>", with the prefix of a unit below it.
    """
    from django.utils.text import slugify

    from samla.organisations.models import Organisation

    organisations = [o for o in Organisation.objects.order_by("pk") if o.identifier not in seed]
    by_pk = {o.pk: o for o in organisations}
    identifiers = {o.pk: o.identifier for o in organisations if o.identifier}
    for organisation in sorted(organisations, key=lambda o: -_depth(o, by_pk)):
        if organisation.parent_id in by_pk and organisation.parent_id not in identifiers:
            prefix = identifiers[organisation.pk].split(":")[0]
            slug = slugify(by_pk[organisation.parent_id].name_en)
            candidate = f"{prefix}:{slug}"
            while candidate in identifiers.values():
                candidate += "-2"
            identifiers[organisation.parent_id] = candidate
    for organisation in sorted(organisations, key=lambda o: _depth(o, by_pk)):
        yield {
            "identifier": identifiers[organisation.pk],
            "name_en": organisation.name_en,
            "name_sv": organisation.name_sv,
            "kind": organisation.kind,
            "parent": identifiers.get(organisation.parent_id, ""),
            "country": "SE",  # every organisation here comes from a Swedish DiVA or SwePub record
        }


def _depth(organisation: Organisation, by_pk: dict[int, Organisation]) -> int:
    depth = 0
    while organisation.parent_id in by_pk:
        organisation, depth = by_pk[organisation.parent_id], depth + 1
    return depth


if __name__ == "__main__":
    main()

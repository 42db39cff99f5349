"""The real DiVA (and Swepub MODS) corpus the project carries, imported as `samla import` imports it:
what the round-trip and Swepub tests read back."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from samla.core.access import Actor
from samla.core.errors import SamlaError
from samla.imports.readers import read_file
from samla.imports.services import ImportResult, import_files

from . import TESTDATA

FOLDERS = ("oai-pmh/diva-swepub", "diva-more", "records/mods/diva")
WRITTEN = ("created", "updated", "unchanged")


@dataclass(frozen=True)
class Imported:
    """A source record that the import wrote: where it is, its <mods>, and the record it became."""

    path: str
    line: int | None
    mods: etree._Element
    local_id: str

    def __str__(self) -> str:
        return f"{Path(self.path).relative_to(TESTDATA)}:{self.line} {self.local_id}"


def corpus_files() -> list[Path]:
    return sorted(path for folder in FOLDERS for path in (TESTDATA / folder).glob("*.xml"))


def import_corpus() -> tuple[list[Imported], list[ImportResult]]:
    """Import every file; the records written, each with the source it was last written from (the
    corpus holds some records twice, edited), and every other result (a duplicate, a deleted header, a
    file that cannot be read, a failed record)."""
    results = list(import_files(Actor.system("tests"), corpus_files()))
    written = {(r.path, r.line): r.record for r in results if r.status in WRITTEN}
    imported: dict[str, Imported] = {}
    for path in corpus_files():
        try:
            sources = read_file(path)
        except SamlaError:
            continue  # reported among the results
        for source in sources:
            if (key := (source.path, source.line)) in written and source.metadata is not None:
                local_id = written[key]
                imported.pop(local_id, None)
                imported[local_id] = Imported(source.path, source.line, source.metadata, local_id)
    return list(imported.values()), [r for r in results if r.status not in WRITTEN]

"""Loading the demo corpus the product ships: the seed record and real DiVA publications.

The same corpus is what `make run` shows and what the tests run against.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from samla.core.access import Actor
from samla.core.errors import SamlaError
from samla.organisations.models import Organisation
from samla.organisations.services import create_organisation
from samla.records.schemas import RecordIn
from samla.records.services import upsert_record

DATA = Path(__file__).parent / "data"
CORPUS_FILES = ("seed.json", "diva-corpus.json")


@dataclass(frozen=True)
class LoadResult:
    local_id: str
    status: str  # created, updated, unchanged, failed
    message: str = ""


def corpus_paths() -> list[Path]:
    return [DATA / name for name in CORPUS_FILES if (DATA / name).exists()]


def count_demo_records() -> int:
    return sum(len(json.loads(p.read_text(encoding="utf-8"))["records"]) for p in corpus_paths())


def load_demo_corpus(
    actor: Actor, *, paths: list[Path] | None = None, progress: Callable[[int], None] | None = None
) -> Iterator[LoadResult]:
    """Create or update every organisation and record of the corpus files; yields one result a record."""
    for path in paths or corpus_paths():
        corpus = json.loads(path.read_text(encoding="utf-8"))
        _ensure_organisations(actor, corpus.get("organisations", []))
        for raw in corpus["records"]:
            yield _load_one(actor, raw)
            if progress:
                progress(1)


def _load_one(actor: Actor, raw: dict) -> LoadResult:
    label = raw.get("local_id", "?")
    try:
        record, status = upsert_record(actor, data=RecordIn.model_validate(raw), summary="demo corpus")
    except SamlaError as error:
        return LoadResult(label, "failed", error.message)
    return LoadResult(record.local_id, status)


@transaction.atomic
def _ensure_organisations(actor: Actor, organisations: list[dict]) -> None:
    """Organisations are listed parents first; existing ones (by identifier) are left as they are."""
    for item in organisations:
        if Organisation.objects.filter(identifier=item["identifier"]).exists():
            continue
        parent = Organisation.objects.get(identifier=item["parent"]) if item.get("parent") else None
        create_organisation(
            actor,
            name_en=item["name_en"],
            name_sv=item.get("name_sv", ""),
            kind=item.get("kind", "unit"),
            parent=parent,
            identifier=item["identifier"],
            country=item.get("country", ""),
        )

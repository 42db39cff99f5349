"""Field-level provenance, and the rule by which an import or harvest merges into a stored record.

`Record.provenance` says, per field of the input shape (`RecordIn`), where its value came from: an
import (the format and the `ImportRun`), a person's edit (the user name), or another job; with the time.
The entry under "*" stands for every field not named, so a new record costs one small entry whatever
its number of fields, and a field changes entry only when its value changes.

The merge rule (`merge_import`), for each field a source gives differently from the record:
- an empty or missing value never clears one;
- a field a person edited is kept, and the source's value becomes a proposed change for a curator;
- a poorer format (oai_dc) never changes a field a richer source (MODS, DataCite, …) gave, not even
  one it left empty: the richer description is taken as a whole;
- otherwise the source's value is taken, and the field is the source's from now on.
Approval, creation date and local id are never taken from an import; the OAI identifiers a record has
stay with it. Fields of unknown origin (stored before provenance was kept, or by a job such as the demo
loader) count as the richest source's, so no source's update is refused for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from samla.core.access import Actor

from ..schemas import RecordIn

# How complete each format's description is: a poorer one never replaces what a richer one gave. Dublin
# Core is the poor one (no subtitle, journal, volume, funders, affiliations, person ids…); the others
# (MODS, Swepub MODS, DataCite, BibTeX, RIS, CSL-JSON, EndNote, Web of Science, Scopus) count as rich, so
# a Web of Science record matched by its UT updates a DiVA record like a newer MODS would.
RICHNESS = {"oai_dc": 1}
RICHEST = 2
# Fields no import decides: the record's own identity, history and the curators' approval.
UNTRACKED = frozenset({"local_id", "created", "last_updated", "approved", "quality_flags"})
TRACKED = tuple(name for name in RecordIn.model_fields if name not in UNTRACKED)
KEPT_SCHEMES = ("oai",)  # identifiers a record keeps whatever a source later lists


@dataclass(frozen=True)
class Origin:
    """Where imported values come from: the format they came in and the import run that brought them."""

    format: str
    run: int | None = None


def import_entry(origin: Origin, at: str) -> dict[str, Any]:
    return {"source": origin.format, "run": origin.run, "at": at}


def actor_entry(actor: Actor, at: str) -> dict[str, Any]:
    """A person's edit names the user; a job without an import origin (demo loader, tests) its label."""
    if actor.user_id is not None:
        return {"user": actor.name or actor.label, "at": at}
    return {"source": actor.label, "at": at}


def owner(provenance: dict, field: str) -> dict:
    """The entry of the field's value: its own, else the record's "*", else {} (unknown)."""
    return provenance.get(field) or provenance.get("*") or {}


def edited_by_person(entry: dict) -> bool:
    return "user" in entry


def richness(entry: dict) -> int:
    return RICHNESS.get(entry.get("source", ""), RICHEST)


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def merge_import(
    old: dict[str, Any], new: dict[str, Any], provenance: dict, origin: Origin, at: str
) -> dict[str, Any]:
    """Merge a source's input `new` into the stored record `old` (both as JSON-mode dumps of `RecordIn`)
    by the rule above: `new` becomes what is to be stored and `provenance` its provenance. Returns the
    proposed changes: {field: the source's value} for the fields a person edited."""
    proposals: dict[str, Any] = {}
    changed = False
    kept_old: set[str] = set()  # fields whose stored value stays although the source gave another
    for field in TRACKED:
        if new[field] == old[field]:
            continue
        if field == "identifiers":
            new[field] = _keeping_repository_identifiers(old[field], new[field])
            if new[field] == old[field]:
                continue
        entry = owner(provenance, field)
        if is_empty(new[field]):
            new[field] = old[field]
            kept_old.add(field)
        elif edited_by_person(entry):
            proposals[field] = new[field]
            new[field] = old[field]
            kept_old.add(field)
        elif richness(entry) > RICHNESS.get(origin.format, RICHEST):
            new[field] = old[field]
            kept_old.add(field)
        else:
            provenance[field] = import_entry(origin, at)
            changed = True
    new["quality_flags"] = _merged_flags(old["quality_flags"], new["quality_flags"], kept_old)
    if not changed:
        new["last_updated"] = old["last_updated"]  # a source's date moves only with a change it makes
    return proposals


def _merged_flags(old: list[dict], new: list[dict], kept_old: set[str]) -> list[dict]:
    """The quality flags of the merged record: a field's flags come with its value, the stored one's for
    a field kept, the source's for the others (so a source that gives a value without the problem clears
    its flag)."""

    def field_of(flag: dict) -> str:
        return flag["field"].split(".", 1)[0].split("[", 1)[0]

    flags = [f for f in new if field_of(f) not in kept_old] + [f for f in old if field_of(f) in kept_old]
    return sorted(flags, key=lambda f: (f["field"], f["kind"], f["scheme"], f["value"]))


def _keeping_repository_identifiers(old: list[dict], new: list[dict]) -> list[dict]:
    """The source's identifiers, with the OAI identifiers the record has that the source no longer lists."""
    if not new:
        return new
    return new + [i for i in old if i["scheme"] in KEPT_SCHEMES and i not in new]


def claim(provenance: dict, fields: list[str], entry: dict[str, Any]) -> None:
    """Make `entry` the provenance of each of these fields (those that are tracked)."""
    for field in fields:
        if field not in UNTRACKED:
            provenance[field] = entry

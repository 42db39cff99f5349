"""Finding the stored record an imported one duplicates, so an import reports it instead of creating it.

Only inputs without an identity of their own are checked: a record that names its local id or OAI
identifier (DiVA's MODS, OAI-PMH harvests) is matched on that identity by `writing`, updated when stored
and created when not, so a harvest mirrors its source. The others (BibTeX, RIS, CSL-JSON, DataCite, a
JabRef MODS file) duplicate a record when they share a DOI, PubMed id, ISI id or URN:NBN with it (exact),
or failing that its normalised title, year and first author's family name (fuzzy). An input that repeats
an earlier one of the same batch duplicates the record made from that one.

A Web of Science or Scopus record (an input carrying a UT or an EID) that shares its UT, EID, PubMed id
or DOI with a stored record is no duplicate: `writing` matches it to that record and updates it
(`local_ids_by_source_identifiers`), as a harvest updates what it harvested before. Only its repeats in
the batch and its fuzzy matches are reported.

Lookups are per batch: a few queries whatever its size.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.db.models.functions import Lower

from samla.core.access import Actor
from samla.vocabularies.identifiers import InvalidIdentifier, normalise_identifier

from ..models import Contribution, Identifier, Record
from ..schemas import RecordIn
from .merging import Origin
from .writing import ImportOutcome, import_records, local_ids_by_source_identifiers

EXACT_SCHEMES = ("doi", "pmid", "isi", "scopus", "urn")
CREATOR_ROLES = ("aut", "edt")
_PUNCTUATION = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Duplicate:
    """Input `index` duplicates the stored record `local_id`, or the input `earlier` of the same batch."""

    index: int
    reason: str  # "DOI 10.1186/…", "title, year and first author"
    local_id: str = ""
    earlier: int | None = None


@dataclass(frozen=True)
class DuplicateOutcome(ImportOutcome):
    """An input not written because it duplicates `record`; `reason` says what matched."""

    reason: str = ""


def import_new_records(
    actor: Actor,
    inputs: Sequence[RecordIn],
    *,
    summary: str = "imported",
    careful: bool = True,
    origins: Sequence[Origin | None] | None = None,
) -> list[ImportOutcome]:
    """`import_records` (`careful` and `origins` as there), except that an input duplicating a stored
    record (or an earlier input) is not written but reported as "duplicate" with the record it
    duplicates."""
    origins = origins or [None] * len(inputs)
    duplicates = find_duplicates(inputs)
    matched = {
        r.local_id: r for r in Record.objects.filter(local_id__in={d.local_id for d in duplicates.values()})
    }
    outcomes: dict[int, ImportOutcome] = {
        d.index: DuplicateOutcome(d.index, "duplicate", matched[d.local_id], reason=d.reason)
        for d in duplicates.values()
        if d.local_id in matched
    }
    rest = [i for i in range(len(inputs)) if i not in duplicates]
    written = import_records(
        actor,
        [inputs[i] for i in rest],
        summary=summary,
        careful=careful,
        origins=[origins[i] for i in rest],
    )
    for index, outcome in zip(rest, written, strict=True):
        outcomes[index] = replace(outcome, index=index)
    retry = []
    for duplicate in duplicates.values():
        if duplicate.earlier is None:
            continue
        first = outcomes[duplicate.earlier]
        if first.record is not None and first.status != "failed":
            outcomes[duplicate.index] = DuplicateOutcome(
                duplicate.index, "duplicate", first.record, reason=duplicate.reason
            )
        else:
            retry.append(duplicate.index)  # what it repeats was refused: it is judged on its own
    if retry:
        again = import_new_records(
            actor,
            [inputs[i] for i in retry],
            summary=summary,
            careful=careful,
            origins=[origins[i] for i in retry],
        )
        outcomes.update({index: replace(o, index=index) for index, o in zip(retry, again, strict=True)})
    return [outcomes[i] for i in sorted(outcomes)]


def find_duplicates(inputs: Sequence[RecordIn]) -> dict[int, Duplicate]:
    """For each input without an identity of its own that duplicates a stored record or an earlier
    input, the duplicate; the others are not in the result."""
    candidates = {i: d for i, d in enumerate(inputs) if not d.local_id and not _oai(d)}
    keys = {i: _identifier_keys(d) for i, d in candidates.items()}
    fuzzy = {i: _fuzzy_key(d) for i, d in candidates.items()}
    stored_ids = _stored_identifiers({k for ks in keys.values() for k in ks})
    stored_fuzzy = _stored_fuzzy(
        [d for i, d in candidates.items() if fuzzy[i]], {k for k in fuzzy.values() if k}
    )
    updates = local_ids_by_source_identifiers(candidates)
    found: dict[int, Duplicate] = {}
    seen_ids: dict[tuple[str, str], int] = {}
    seen_fuzzy: dict[tuple, int] = {}
    for index in candidates:
        found_here = None
        if index not in updates or any(key in seen_ids for key in keys[index]):
            found_here = _match(
                index, keys[index], fuzzy[index], stored_ids, stored_fuzzy, seen_ids, seen_fuzzy
            )
        if found_here:
            found[index] = found_here
            continue
        seen_ids.update(dict.fromkeys(keys[index], index))
        if fuzzy[index]:
            seen_fuzzy[fuzzy[index]] = index
    return found


def _match(
    index: int,
    keys: list[tuple[str, str]],
    fuzzy: tuple | None,
    stored_ids: dict[tuple[str, str], str],
    stored_fuzzy: dict[tuple, str],
    seen_ids: dict[tuple[str, str], int],
    seen_fuzzy: dict[tuple, int],
) -> Duplicate | None:
    for key in keys:
        reason = f"{key[0].upper()} {key[1]}"
        if key in stored_ids:
            return Duplicate(index, reason, local_id=stored_ids[key])
        if key in seen_ids:
            return Duplicate(index, reason, earlier=seen_ids[key])
    if fuzzy and fuzzy in stored_fuzzy:
        return Duplicate(index, "title, year and first author", local_id=stored_fuzzy[fuzzy])
    if fuzzy and fuzzy in seen_fuzzy:
        return Duplicate(index, "title, year and first author", earlier=seen_fuzzy[fuzzy])
    return None


def _oai(data: RecordIn) -> bool:
    return any(i.scheme == "oai" for i in data.identifiers)


def _identifier_keys(data: RecordIn) -> list[tuple[str, str]]:
    """The input's DOIs, PubMed, ISI ids and URN:NBNs in their stored form (invalid ones are left to
    validation, which fails the record)."""
    keys = []
    for identifier in data.identifiers:
        if identifier.scheme in EXACT_SCHEMES:
            try:
                value = normalise_identifier(identifier.scheme, identifier.value)
            except InvalidIdentifier:
                continue
            keys.append((identifier.scheme, value.lower()))  # DOIs and URNs ignore case
    return keys


def normalised_text(text: str) -> str:
    """Case, accents, punctuation and spacing removed: "The  Café: a Study." → "the cafe a study"."""
    text = text.casefold()
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(_PUNCTUATION.sub(" ", text).split())


def _fuzzy_key(data: RecordIn) -> tuple[str, int, str] | None:
    """(title with subtitle, year, first creator's family name), normalised; None when one is missing."""
    creators = [c for c in data.contributors if c.role == "aut"] or [
        c for c in data.contributors if c.role in CREATOR_ROLES
    ]
    year = data.issued[:4]
    if not (creators and year.isdigit() and data.title):
        return None
    title = normalised_text(f"{data.title} {data.subtitle}")
    return (title, int(year), normalised_text(creators[0].family_name)) if title else None


def _stored_identifiers(keys: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(scheme, value) → the local id of the (first) record holding it as its own identifier. Values are
    compared lowercased; the query asks for the common spellings, so it can use the value index."""
    if not keys:
        return {}
    values = {
        variant for _s, v in keys for variant in (v, v.upper(), v.upper().replace("URN:NBN:", "urn:nbn:"))
    }
    rows = (
        Identifier.objects.filter(relation="", scheme__in=EXACT_SCHEMES, value__in=values)
        .order_by("record_id")
        .values_list("scheme", "value", "record__local_id")
    )
    found: dict[tuple[str, str], str] = {}
    for scheme, value, local_id in rows:
        if (scheme, value.lower()) in keys:
            found.setdefault((scheme, value.lower()), local_id)
    return found


def _stored_fuzzy(inputs: list[RecordIn], keys: set[tuple]) -> dict[tuple, str]:
    """Fuzzy key → local id of a stored record with that key. Candidates are the records of those years
    whose title or a creator's family name is one of the inputs' as given (case aside); their keys are
    then computed as the inputs' are."""
    if not keys:
        return {}
    years = {year for _t, year, _n in keys}
    names = {c.family_name.lower() for d in inputs for c in d.contributors if c.role in CREATOR_ROLES}
    by_name = (
        Contribution.objects.annotate(name=Lower("family_name"))
        .filter(record__year__in=years, role__in=CREATOR_ROLES, name__in=names)
        .values_list("record_id", flat=True)
    )
    titles = {t for d in inputs for t in (d.title.lower(), d.title.partition(":")[0].strip().lower())}
    by_title = (
        Record.objects.annotate(lower_title=Lower("title"))
        .filter(year__in=years, lower_title__in=titles)
        .values_list("pk", flat=True)
    )
    ids = set(by_name) | set(by_title)
    return {key: local_id for key, local_id in _keys_of(ids).items() if key in keys}


def _keys_of(record_ids: set[int]) -> dict[tuple, str]:
    """The fuzzy key of each stored record, oldest record first when two share one."""
    if not record_ids:
        return {}
    creators: dict[int, list[tuple[str, str]]] = {}
    for record_id, role, family in (
        Contribution.objects.filter(record_id__in=record_ids, role__in=CREATOR_ROLES)
        .order_by("record_id", "position")
        .values_list("record_id", "role", "family_name")
    ):
        creators.setdefault(record_id, []).append((role, family))
    found: dict[tuple, str] = {}
    records = Record.objects.filter(pk__in=record_ids).order_by("pk")
    for pk, local_id, title, subtitle, year in records.values_list(
        "pk", "local_id", "title", "subtitle", "year"
    ):
        names = creators.get(pk, [])
        first = next((f for r, f in names if r == "aut"), None) or next((f for _r, f in names), None)
        if first and year:
            found.setdefault((normalised_text(f"{title} {subtitle}"), year, normalised_text(first)), local_id)
    return found

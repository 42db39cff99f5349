"""Fingerprints of source records: what lets a re-import or re-harvest pass over records that have not
changed since they were last written, without mapping, merging or writing them.

A record's fingerprint is a hash of its bytes as the source wrote them (the OAI-PMH <record>, header and
metadata, with the envelope's start tag that declares its namespaces), salted with VERSION. After an
import writes or compares a record, the fingerprint is kept beside it (`ImportFingerprint`, one a
record and source format) with the record's revision and the quality flags its values came with. A
later record with the same fingerprint is the same source record again: while the stored record is at
that revision (no person, curator or other source has changed it since), importing it again would
change nothing, so it is counted unchanged. Once the record has moved on, the fingerprint no longer
counts, and the record is mapped and merged as usual, which keeps the merge rule in charge of every
record that could change.

The bytes are found without parsing (`record_spans`): a file of unchanged records is then not parsed
at all, and parsing is most of what reading an unchanged record cost. The spans are trusted only when
they are exactly the file's OAI-PMH records (`read_records` checks their number against the parsed
file), and a file is passed over unparsed only when every one of its records is known, so a file that
is damaged or new in any part is parsed, and refused or imported, as before.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from samla.batch.queries import in_id_runs, in_text_array
from samla.records.models import Record
from samla.records.services.rows import insert_rows

from .models import ImportFingerprint

# Raise when the mapping of a format changes what it makes of the same bytes: every fingerprint kept
# before no longer matches, and the next import maps and merges every record once again.
VERSION = b"samla-import-1\n"

# A <record> start tag is found by its name, then checked back to its "<": searching for the name is a
# search for a literal, several times quicker than trying the whole pattern at every "<" of the file.
_NAME = re.compile(rb"record(?=[\s/>])")
_OPENING = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?")
_LONGEST_PREFIX = 256
_ENVELOPE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?OAI-PMH[\s>][^>]*>")
_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?OAI-PMH\s*>\s*$")
_IDENTIFIER = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?identifier>([^<]*)<")


@dataclass(frozen=True)
class Span:
    """Where a source record's bytes are in its file (start, end), the line it starts on, its fingerprint,
    and the first <identifier> in it (its header's), as written."""

    start: int
    end: int
    line: int
    fingerprint: str
    identifier: bytes = b""


@dataclass(frozen=True)
class Known:
    """What was kept of a fingerprint's record: its local id, the revision the fingerprint holds for,
    and the quality flags of its source values, as (field, message)."""

    local_id: str
    revision: int
    flags: tuple[tuple[str, str], ...]


def record_spans(raw: bytes) -> list[Span] | None:
    """The OAI-PMH <record> elements of a response's bytes, in order, with their fingerprints; None when
    the bytes are no OAI-PMH response, declare a DTD, do not end as one, or hold a <record> inside
    another (nested or commented records of some other vocabulary)."""
    envelope = _ENVELOPE.search(raw)
    if envelope is None or b"<!DOCTYPE" in raw[: envelope.start()] or not _END.search(raw[-200:]):
        return None
    salt = VERSION + envelope[0]
    view = memoryview(raw)
    spans: list[Span] = []
    end, line, counted_to = 0, 1, 0
    for match in _record_starts(raw, envelope.end()):
        start = match.start()
        if start < end:
            return None
        close = b"</" + (match[1] + b":" if match[1] else b"") + b"record>"
        found = raw.find(close, start)
        if found < 0:
            return None
        end = found + len(close)
        line += raw.count(b"\n", counted_to, start)
        counted_to = start
        digest = hashlib.blake2b(salt, digest_size=16)
        digest.update(view[start:end])
        identifier = _IDENTIFIER.search(raw, start, end)
        spans.append(Span(start, end, line, digest.hexdigest(), identifier[1].strip() if identifier else b""))
    return spans


def _record_starts(raw: bytes, position: int) -> Iterator[re.Match[bytes]]:
    """The "<record" or "<prefix:record" of each start tag named record, from `position` on."""
    for name in _NAME.finditer(raw, position):
        found = raw.rfind(b"<", max(position, name.start() - _LONGEST_PREFIX), name.start())
        if found >= 0 and (opening := _OPENING.fullmatch(raw, found, name.start())):
            yield opening


def sent_twice(spans: list[Span]) -> set[str]:
    """The fingerprints of records whose header identifier the file gives more than once: none of them is
    passed over, so the record ends as the file's last copy says whichever copy was known (the copies
    of one batch are looked up before any of them is written)."""
    seen: dict[bytes, list[str]] = {}
    for span in spans:
        if span.identifier:
            seen.setdefault(span.identifier, []).append(span.fingerprint)
    return {fingerprint for found in seen.values() if len(found) > 1 for fingerprint in found}


def known_fingerprints(fingerprints: Iterable[str]) -> dict[str, Known]:
    """The fingerprints kept for records still at the revision they were kept for, one query."""
    rows = ImportFingerprint.objects.filter(in_text_array("fingerprint", set(fingerprints))).values_list(
        "fingerprint", "record__local_id", "revision", "record__revision", "flags"
    )
    return {
        fingerprint: Known(local_id, revision, tuple(tuple(flag) for flag in flags))
        for fingerprint, local_id, revision, current, flags in rows
        if revision == current
    }


def still_at(expected: dict[str, int]) -> set[str]:
    """Of these local ids, those whose records are still at the revision given: the reading process looks
    fingerprints up ahead of the writing one, which may have changed a record since (a source that sends
    the same record twice, changed in between)."""
    rows = Record.objects.filter(in_text_array("local_id", expected)).values_list("local_id", "revision")
    return {local_id for local_id, revision in rows if expected[local_id] == revision}


def keep_fingerprints(rows: Iterable[tuple[int, str, str, int, list, bool]]) -> None:
    """Keep (record id, source format, fingerprint, revision, flags, new) for each record written or
    compared, replacing what that source's earlier import kept (a new record has nothing kept): a delete
    a source for the records that were here, and one insert (plain `executemany`, as records are)."""
    last: dict[tuple[int, str], tuple] = {}  # a record the batch has twice: its last, new if its first is
    for row in rows:
        key = (row[0], row[1])
        last[key] = (*row[:5], last[key][5]) if key in last else row
    rows = list(last.values())
    earlier: dict[str, list[int]] = {}
    for record_id, source, *_kept, new in rows:
        if not new:
            earlier.setdefault(source, []).append(record_id)
    for source, record_ids in earlier.items():
        ImportFingerprint.objects.filter(in_id_runs("record_id", record_ids), source=source).delete()
    insert_rows(
        ImportFingerprint,
        ("record", "source", "fingerprint", "revision", "flags"),
        (row[:5] for row in rows),
    )

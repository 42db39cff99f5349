"""Importing records from MODS, Swepub MODS and OAI-PMH files: the service behind `samla import`.

Records are written in batches through `records.services.import_records`, each record whole or not at
all, after the organisations they link to. A record that fails is reported and the others go on; an
interrupted run loses at most the batch in progress and leaves no half-written record, and running it again
resumes, because re-importing a record changes nothing.

Each run is an `ImportRun`, which the provenance of the fields it writes names. Stored records are updated
by the merge rule of `records.services.merging` (a person's edits are kept, the source's differing values
proposed). A dry run does all of it in one transaction that is rolled back, and reports what it would do.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from ctypes import c_byte
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from django.db import connections, transaction
from django.utils import timezone

from samla.batch.collection import collect_batch, collecting_per_batch
from samla.batch.pipeline import run_in_worker
from samla.core.access import Actor
from samla.core.errors import SamlaError
from samla.organisations.services import ensure_organisation_path
from samla.records.models import ImportRun, Record
from samla.records.services import (
    BatchNeedsCare,
    DuplicateOutcome,
    Origin,
    clean_record_input,
    import_new_records,
    local_id_for_identifier,
    upsert_record,
    withdraw_record,
)
from samla.search.indexing import using_work_ahead, work_ahead, writing_many

from .errors import UnreadableFile
from .fingerprints import (
    Known,
    Span,
    keep_fingerprints,
    known_fingerprints,
    record_spans,
    sent_twice,
    still_at,
)
from .mapping import Header, MappedRecord
from .oai_pmh import SourceRecord
from .readers import file_kind, read_file

STATUSES = ("created", "updated", "unchanged", "deleted", "failed", "duplicate", "proposed")
DELETED_FORMAT = "oai-pmh"  # the provenance of a state a source's deletion (an OAI-PMH header) set


@dataclass(frozen=True)
class ImportResult:
    """What happened to one record (or to a file that could not be read at all)."""

    path: str
    line: int | None
    record: str  # the local id, else the OAI identifier; "" when the file could not be read
    status: str  # one of STATUSES
    field: str = ""
    message: str = ""
    duplicate_of: str = ""  # the local id of the record a "duplicate" repeats
    warnings: tuple[str, ...] = ()  # "field: what was left out" of a record written without it
    changed: tuple[str, ...] = ()  # the fields an update changed
    proposed: tuple[str, ...] = ()  # the fields whose source value waits as a proposed change
    # The record's quality flags as (field, message): values kept aside or guessed (`RecordIn.quality_flags`).
    flags: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        return f"{self._where()} {self.field or '-'}: {self.message or self.status}"

    def _where(self) -> str:
        return f"{f'{self.path}:{self.line}' if self.line else self.path} {self.record or '-'}"

    def flag_lines(self) -> list[str]:
        """One line a quality flag, as FILE:LINE RECORD FIELD: MESSAGE."""
        return [f"{self._where()} {field}: {message}" for field, message in self.flags]

    def warning_lines(self) -> list[str]:
        """FILE:LINE RECORD FIELD: warning: MESSAGE, one a warning."""
        return [
            f"{self._where()} {field}: warning: {message}"
            for field, _, message in (w.partition(": ") for w in self.warnings)
        ]


# Records a transaction writes. Larger batches commit less often (each commit writes the index pages a
# batch touched, and a batch of 500 touches nearly as many as one of 1,000), but past 1,000 the reading
# and writing processes wait longer for each other in smaller imports and the writer holds more memory;
# an interrupted run loses one batch at most. The measurements: docs/benchmarks.md, "Design measurements".
BATCH_SIZE = 1000


def import_files(
    actor: Actor,
    paths: Iterable[Path],
    *,
    progress: Callable[[int], None] | None = None,
    found: Callable[[int], None] | None = None,
    dry_run: bool = False,
) -> Iterator[ImportResult]:
    """Import every record of every file; yields one result a record, or one for an unreadable file.

    `found` hears how many records each file holds as it is read (each file is parsed once, whole, before
    any of it is imported), `progress` how many have been imported since. Large imports are read and
    mapped in a second process (`pipeline`) while this one writes, with the index's settings for writing
    many records (`search.indexing.writing_many`); small ones are not worth either. `dry_run` writes
    nothing and yields what would happen.
    """
    names = [str(path) for path in paths]
    with import_run(actor, "import", " ".join(names), dry_run=dry_run) as run:
        yield from run.counted(_import_files(actor, names, run, progress, found))


def _import_files(
    actor: Actor,
    names: list[str],
    run: Run,
    progress: Callable[[int], None] | None,
    found: Callable[[int], None] | None,
) -> Iterator[ImportResult]:
    organisations: dict[tuple, int] = {}
    large = _worth_a_worker(names)
    # Whether the reading process works out stems ahead (`MappedSource.stems`): only while batches bring
    # records to write. In shared memory, so the reading process sees what this one sets.
    stems_wanted = multiprocessing.RawValue("b", large)
    with collecting_per_batch(), writing_many() if large else nullcontext():
        items = (
            run_in_worker(partial(mapped_batches, own_connections=True), names, stems_wanted)
            if large
            else mapped_batches(names)
        )
        for item in items:
            if isinstance(item, ImportResult):
                yield item
            elif isinstance(item, int):
                if found:
                    found(item)
            else:
                count, results = len(item), _import_batch(actor, item, organisations, run)
                del item  # garbage before the collector's pass, which would walk it otherwise
                collect_batch()
                stems_wanted.value = large and _mostly_written(results)
                yield from results
                if progress:
                    progress(count)


def _mostly_written(results: list[ImportResult]) -> bool:
    """Whether most of a batch was written (created or updated): a re-run or re-harvest of records already
    here is mostly unchanged, and their stems would be worked out for nothing."""
    return 2 * sum(r.status in ("created", "updated") for r in results) > len(results)


WORKER_MIN_BYTES = 5_000_000  # about 500 MODS records: less is read sooner than a process starts


def _worth_a_worker(paths: list[str]) -> bool:
    return sum(Path(p).stat().st_size for p in paths if Path(p).is_file()) >= WORKER_MIN_BYTES


@dataclass(frozen=True)
class MappedSource:
    """A source record mapped for writing: where it is, its header, and its record or why it failed.

    What the reading process hands on: plain data, so it pickles."""

    path: str
    line: int | None
    header: Header
    mapped: MappedRecord | None = None  # None when deleted at the source or failed
    failure: ImportResult | None = None
    warnings: tuple[str, ...] = ()
    # The stems of the record's titles, keywords and abstracts (`search.indexing.work_ahead`),
    # worked out here so that the writing process, the slower one, does not have to.
    stems: dict[tuple[str, str], str] = field(default_factory=dict)
    # The source record's fingerprint (`fingerprints`), kept with the record once written; "" when the
    # file's records have none.
    fingerprint: str = ""
    # What was kept of a record this fingerprint names, when the record is still as that import left it:
    # the record is then not mapped (`mapped` is None) and counts as unchanged.
    known: Known | None = None
    position: int = 0  # the record's place in its file, to read it again should `known` be out of date


# What the reading side hands on: a file's failure, its number of records, or a batch of them mapped.
Read = ImportResult | int | list[MappedSource]


def mapped_batches(
    paths: list[str], stems_wanted: c_byte | None = None, *, own_connections: bool = False
) -> Iterator[Read]:
    """For each file, how many records it holds, then its records mapped BATCH_SIZE at a time; or the
    failure of a file that cannot be read. Each batch comes with the stems of its records' texts while
    `stems_wanted.value` is true. Records whose fingerprints are known are not mapped (`fingerprints`).

    `own_connections`: in the reading process, which looks fingerprints up on database connections of its
    own (the one it inherits is the importing process's)."""
    if own_connections:
        _connect_afresh()
    for path in paths:
        yield from _file_batches(path, stems_wanted)


_INHERITED: list = []  # the reading process's inherited connections: kept referenced, never closed there


def _connect_afresh() -> None:
    for wrapper in connections.all(initialized_only=True):
        _INHERITED.append(wrapper.connection)
        wrapper.connection = None  # the next query connects afresh


def _file_batches(path: str, stems_wanted: c_byte | None) -> Iterator[Read]:
    """One file's part of `mapped_batches`. Its parsed tree is freed when the file is done, before the
    next file is parsed: a second tree beside it would double what the reading process holds (a parsed
    file is several times its size: docs/benchmarks.md) and take fresh pages from the system for it.

    A file whose every record is known by its fingerprint is not parsed at all."""
    spans = _spans(path)
    twice = sent_twice(spans or [])
    known = _known([span.fingerprint for span in spans or () if span.fingerprint not in twice])
    if spans and len(known) == len(spans):
        yield len(spans)
        for start in range(0, len(spans), BATCH_SIZE):
            yield [
                MappedSource(path, span.line, Header(), fingerprint=span.fingerprint,
                             known=known[span.fingerprint], position=start + n)
                for n, span in enumerate(spans[start : start + BATCH_SIZE])
            ]  # fmt: skip
        return
    try:
        records = read_file(Path(path))
    except UnreadableFile as error:
        yield ImportResult(error.path, error.line, "", "failed", "", error.reason)
        return
    yield len(records)
    fingerprints = [s.fingerprint for s in spans] if spans and len(spans) == len(records) else None
    for start in range(0, len(records), BATCH_SIZE):
        with_stems = bool(stems_wanted and stems_wanted.value)
        yield [
            _map(source, with_stems=with_stems, fingerprint=fingerprints[start + n] if fingerprints else "",
                 known=known, position=start + n)
            for n, source in enumerate(records[start : start + BATCH_SIZE])
        ]  # fmt: skip
        collect_batch()


def _spans(path: str) -> list[Span] | None:
    """The fingerprinted records of an OAI-PMH file (`fingerprints.record_spans`); None for other files."""
    try:
        if file_kind(Path(path)) != "xml":
            return None
        return record_spans(Path(path).read_bytes())
    except (OSError, UnreadableFile):
        return None  # read_file says what is wrong with it


def _known(fingerprints: list[str]) -> dict[str, Known]:
    known: dict[str, Known] = {}
    for start in range(0, len(fingerprints), BATCH_SIZE):
        known.update(known_fingerprints(fingerprints[start : start + BATCH_SIZE]))
    return known


def _map(
    source: SourceRecord,
    *,
    with_stems: bool = False,
    fingerprint: str = "",
    known: dict[str, Known] | None = None,
    position: int = 0,
) -> MappedSource:
    """The source record mapped; with the stems of its texts for the writing process if `with_stems` (in
    one process, working them out ahead would only add to its work). Not mapped when its `fingerprint`
    is `known`: it is the same as when the record was last written."""
    where = (source.path, source.line, source.header)
    if source.header.deleted:
        return MappedSource(*where)
    if known and fingerprint in known:
        return MappedSource(*where, fingerprint=fingerprint, known=known[fingerprint], position=position)
    try:
        mapped = source.map()
    except SamlaError as error:
        return MappedSource(*where, failure=_failure(source, source.header.identifier, error))
    stems = work_ahead(mapped.values) if with_stems else {}
    return MappedSource(
        *where, mapped=mapped, warnings=source.warnings, stems=stems, fingerprint=fingerprint,
        position=position,
    )  # fmt: skip


@dataclass
class Run:
    """An import or harvest under way and what its records came to. Its `ImportRun` row is stored when
    it first writes a record, so a run that writes none (an unreadable file, a dry run) leaves none."""

    actor: Actor
    command: str
    source: str
    dry_run: bool = False
    row: ImportRun | None = None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))

    def origin(self, format: str) -> Origin:
        """Where the records of this run in `format` come from, for their field provenance."""
        if self.row is None and not self.dry_run:
            self.row = ImportRun.objects.create(
                command=self.command, source=self.source, actor=self.actor.label, started=timezone.now()
            )
        return Origin(format or "unknown", self.row.pk if self.row else None)

    def counted(self, results: Iterator[ImportResult]) -> Iterator[ImportResult]:
        for result in results:
            self.counts[result.status] += 1
            yield result


@contextmanager
def import_run(actor: Actor, command: str, source: str, *, dry_run: bool = False) -> Iterator[Run]:
    """A run of `command` ("import", "harvest") from `source`, whose `ImportRun` is given its counts at
    the end. A dry run is one transaction, rolled back at the end."""
    run = Run(actor, command, source, dry_run=dry_run)
    if dry_run:
        with transaction.atomic():
            try:
                yield run
            finally:
                transaction.set_rollback(True)
        return
    try:
        yield run
    finally:
        if run.row is not None:
            run.row.finished, run.row.counts = timezone.now(), run.counts
            run.row.save(update_fields=["finished", "counts"])


def import_sources(
    actor: Actor,
    sources: list[SourceRecord],
    organisations: dict[tuple, int],
    run: Run,
    *,
    progress: Callable[[int], None] | None = None,
) -> Iterator[ImportResult]:
    """Import records read from a file or a harvested page, BATCH_SIZE to a transaction.

    `organisations` caches the organisation paths created so far in `run`. Records whose fingerprints
    (`SourceRecord.fingerprint`, a harvested page's) are known are not mapped, unless the page sends
    their record twice.
    """
    sent = Counter(source.header.identifier for source in sources)
    for start in range(0, len(sources), BATCH_SIZE):
        batch = sources[start : start + BATCH_SIZE]
        known = _known([s.fingerprint for s in batch if s.fingerprint and sent[s.header.identifier] == 1])
        mapped = [_map(source, fingerprint=source.fingerprint, known=known) for source in batch]
        yield from run.counted(_import_batch(actor, mapped, organisations, run))
        if progress:
            progress(len(batch))


def _import_batch(
    actor: Actor, sources: list[MappedSource], organisations: dict[tuple, int], run: Run
) -> list[ImportResult]:
    """Create the organisations a mapped batch names, then write its records in one transaction.

    The batch's new records are first inserted together without a savepoint (`import_records` with
    careful=False). In the rare batch where that insert fails, the transaction is rolled back, with the
    organisations it created, and the batch is written again carefully, a savepoint a record."""
    if run.dry_run:
        return _write_batch(actor, sources, organisations, run, careful=True)
    row = run.row
    try:
        with _forgotten_if_rolled_back(organisations):
            return _write_batch(actor, sources, organisations, run, careful=False)
    except BatchNeedsCare:
        run.row = row  # a run row stored in the rolled-back transaction is gone with it
        return _write_batch(actor, sources, organisations, run, careful=True)


@transaction.atomic
def _write_batch(
    actor: Actor, sources: list[MappedSource], organisations: dict[tuple, int], run: Run, *, careful: bool
) -> list[ImportResult]:
    results: dict[int, ImportResult] = {}
    mapped: dict[int, MappedRecord] = {}
    sources = _known_still(sources)
    for index, source in enumerate(sources):
        if source.known:
            results[index] = _unchanged(source)
        elif source.failure:
            results[index] = source.failure
        elif source.header.deleted:
            results[index] = _withdraw(actor, source, run)
        else:
            try:
                mapped[index] = source.mapped.checked()  # the reading process hands records on unchecked
            except SamlaError as error:
                results[index] = _failure(source, source.header.identifier, error)
    for index in list(mapped):
        try:
            _prepare(actor, mapped[index], organisations)
        except SamlaError as error:
            results[index] = _failure(sources[index], mapped.pop(index).record.local_id, error)
    with using_work_ahead({key: stems for i in mapped for key, stems in sources[i].stems.items()}):
        outcomes = import_new_records(
            actor,
            [item.record for item in mapped.values()],
            summary="imported",
            careful=careful,
            origins=[run.origin(item.format) for item in mapped.values()],
        )
    for index, outcome in zip(mapped, outcomes, strict=True):
        source, label = sources[index], mapped[index].record.local_id or sources[index].header.identifier
        if outcome.error is not None:
            results[index] = _failure(source, label, outcome.error)
        elif isinstance(outcome, DuplicateOutcome):
            results[index] = _duplicate(source, label, outcome)
        else:
            flags = tuple((f.field, f.message) for f in mapped[index].record.quality_flags)
            results[index] = ImportResult(
                source.path,
                source.line,
                outcome.record.local_id,
                outcome.status,
                warnings=source.warnings,
                changed=outcome.changed,
                proposed=outcome.proposed,
                flags=flags,
            )
    if not run.dry_run:
        keep_fingerprints(_fingerprints(sources, mapped, outcomes))
    return [results[i] for i in sorted(results)]


def _unchanged(source: MappedSource) -> ImportResult:
    known = source.known
    return ImportResult(source.path, source.line, known.local_id, "unchanged", flags=known.flags)


def _known_still(sources: list[MappedSource]) -> list[MappedSource]:
    """The batch with the records known by their fingerprints checked against their records as they are
    now, one query: a record this run has changed since the reading process looked (a source that sent it
    twice) is read from its file again and mapped here."""
    expected = {s.known.local_id: s.known.revision for s in sources if s.known}
    if not expected:
        return sources
    current = still_at(expected)
    stale = [i for i, s in enumerate(sources) if s.known and s.known.local_id not in current]
    if not stale:
        return sources
    sources = list(sources)
    for path in {sources[i].path for i in stale}:
        records = read_file(Path(path))
        for i in (i for i in stale if sources[i].path == path):
            sources[i] = _map(records[sources[i].position], fingerprint=sources[i].fingerprint)
    return sources


def _fingerprints(
    sources: list[MappedSource], mapped: dict[int, MappedRecord], outcomes: list
) -> Iterator[tuple[int, str, str, int, list, bool]]:
    """What to keep of each fingerprinted record the batch wrote or found unchanged (and whether new)."""
    for index, outcome in zip(mapped, outcomes, strict=True):
        source, record = sources[index], outcome.record
        if source.fingerprint and outcome.error is None and not isinstance(outcome, DuplicateOutcome):
            flags = [[f.field, f.message] for f in mapped[index].record.quality_flags]
            format, new = mapped[index].format or "unknown", outcome.status == "created"
            yield record.pk, format, source.fingerprint, record.revision, flags, new


def _withdraw(actor: Actor, source: MappedSource, run: Run) -> ImportResult:
    """A deleted header: withdraw the record it names, if it is here. A tombstone stays that shows why,
    the description is kept, and a curator can restore it (`records.services.restore_record`)."""
    identifier = source.header.identifier
    found = local_id_for_identifier("oai", identifier)
    if found:
        reason, origin = f"deleted at the source ({identifier})", run.origin(DELETED_FORMAT)
        withdraw_record(actor, local_id=found, reason=reason, origin=origin)
    return ImportResult(source.path, source.line, found or identifier, "deleted")


def _duplicate(source: MappedSource, label: str, outcome: DuplicateOutcome) -> ImportResult:
    of = outcome.record.local_id
    message = f"duplicate of {of} (same {outcome.reason})"
    return ImportResult(source.path, source.line, label, "duplicate", message=message, duplicate_of=of)


def _failure(source: SourceRecord | MappedSource, label: str, error: SamlaError) -> ImportResult:
    field = next(iter(error.fields), "")
    return ImportResult(source.path, source.line, label, "failed", field, error.message)


def _prepare(actor: Actor, mapped: MappedRecord, organisations: dict[tuple, int]) -> None:
    """Create the organisations a record names and check the record against them, or neither: a
    refused record leaves no new organisation behind. Nothing to do once its organisations exist."""
    if all((tuple(o.names), o.identifier) in organisations for o in mapped.organisations):
        return
    with _forgotten_if_rolled_back(organisations), transaction.atomic():
        _ensure_organisations(actor, mapped, organisations)
        clean_record_input(mapped.record, lenient=True)


@contextmanager
def _forgotten_if_rolled_back(organisations: dict[tuple, int]) -> Iterator[None]:
    """The organisations created in the block are forgotten again when it raises: the transaction or
    savepoint that created them is then rolled back (the block runs in it)."""
    known = dict(organisations)
    try:
        yield
    except BaseException:
        organisations.clear()
        organisations.update(known)
        raise


def _ensure_organisations(actor: Actor, mapped: MappedRecord, known: dict[tuple, int]) -> None:
    """Create the organisation paths a record names, once per run."""
    for organisation in mapped.organisations:
        key = (tuple(organisation.names), organisation.identifier)
        if key not in known:
            known[key] = ensure_organisation_path(
                actor, names=list(organisation.names), identifier=organisation.identifier
            ).pk


@transaction.atomic
def import_record(actor: Actor, *, mapped: MappedRecord) -> tuple[Record, str]:
    """Create the organisations one record links to, then create or update it, all or nothing.

    Returns the record and "created", "updated" or "unchanged".
    """
    _ensure_organisations(actor, mapped, {})
    return upsert_record(actor, data=mapped.record, summary="imported", origin=Origin(mapped.format))

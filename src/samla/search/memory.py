"""The facet values of the index, held in memory by each process: what makes exact counts over tens of
thousands of results take milliseconds instead of a GROUP BY over a million rows.

Every facet value (field, value) gets an integer code. Arrays hold `search_facet` both ways: the records
of each code (to filter), and for counting, a bitmap of each code that many records have (type, year,
language, the upper levels of categories and organisations: counted by AND and popcount over the bitmap
of the results) and the other codes of each record (people, journals, rare values: gathered for the
results and counted with one `bincount`). Sets of records are boolean masks indexed by record id.

The arrays are those of the committed index and are checked against `search_state` at every search: the
counter and token in that row change, in the same transaction, with every index write and every change of
a record's state or owner (migration 0003's triggers). A process that is behind re-reads only the records
listed in `search_change` since its counter (they go to an overlay that supersedes the arrays); when the
history does not reach back (a token that was rolled back, a pruned log, a large change) it loads
everything again. Counts therefore always agree with the results, whatever changed and how.

The records matching recent search texts are kept the same way (`match_mask`): a kept match is brought up to
date by matching again only the records changed since it was taken.
"""

from __future__ import annotations

import random
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

# More changed records than this since the last load: load everything again rather than patch.
MAX_OVERLAY = 20_000
# Bytes of kept matches (`FacetSets.match_mask`) a process holds at most: 256 bitmaps of a million records.
MAX_KEPT_MATCH_BYTES = 32_000_000
# How many visibility rules (anonymous, each signed-in depositor…) a process keeps masks for.
MAX_VISIBILITY_MASKS = 16
CHUNK = 500
# How many changes `search_change` keeps (pruned every so many changes).
KEPT_CHANGES = 1_000
# Facets with many values (people, journals) are cut to the most frequent; the others are listed whole.
LIMITED_FACETS = ("author", "journal")
# A code held by at least one record in DENSE_SHARE is counted from a bitmap (an eighth of a byte a
# record, read whole) rather than gathered record by record (four bytes for each record that has it).
DENSE_SHARE = 32
_CACHE: dict[tuple[str, str], FacetSets] = {}
_LOCK = threading.Lock()


def bump(connection: Any, record_ids: Iterable[int]) -> None:
    """Record a change of these records' index entries, in the caller's transaction."""
    ids = sorted(set(record_ids))
    if not ids:
        return
    token = random.getrandbits(62)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO search_state (id, counter, token) VALUES (1, 1, %s)"
            " ON CONFLICT (id) DO UPDATE SET counter = search_state.counter + 1, token = excluded.token",
            [token],
        )
        cursor.execute("SELECT counter FROM search_state WHERE id = 1")
        counter = cursor.fetchone()[0]
        cursor.executemany(
            "INSERT INTO search_change (counter, record_id, token) VALUES (%s, %s, %s)",
            [(counter, record_id, token) for record_id in ids],
        )
        if counter % KEPT_CHANGES == 0:  # a process further behind than this loads everything again
            cursor.execute("DELETE FROM search_change WHERE counter < %s", [counter - KEPT_CHANGES])


def prune_changes(connection: Any) -> None:
    """After a full rebuild: forget the change log (every process then loads afresh) and bump the counter."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_change")
        cursor.execute(
            "INSERT INTO search_state (id, counter, token) VALUES (1, 1, %s)"
            " ON CONFLICT (id) DO UPDATE SET counter = search_state.counter + 1, token = excluded.token",
            [random.getrandbits(62)],
        )


def current_counter(connection: Any) -> int:
    """The change counter as committed: every index write after this moment has a larger one."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT counter FROM search_state WHERE id = 1")
        row = cursor.fetchone()
        return row[0] if row else 0


def changed_since(connection: Any, counter: int, first_id: int, last_id: int) -> set[int] | None:
    """The records from `first_id` to `last_id` whose index entries changed after `counter` (see
    `current_counter`); None when the log no longer reaches back that far."""
    if current_counter(connection) == counter:
        return set()
    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(counter) FROM search_change")
        oldest = cursor.fetchone()[0]
        if oldest is None or oldest > counter + 1:
            return None
        cursor.execute(
            "SELECT DISTINCT record_id FROM search_change WHERE counter > %s AND record_id BETWEEN %s AND %s",
            [counter, first_id, last_id],
        )
        return {row[0] for row in cursor.fetchall()}


def facet_sets(backend: Any) -> FacetSets:
    """This process's facet sets of the backend's database, brought up to date with what is committed."""
    connection = backend.connection
    key = (connection.alias, str(connection.settings_dict["NAME"]))
    with _LOCK:
        sets = _CACHE.get(key)
        if sets is None:
            sets = _CACHE[key] = FacetSets()
        sets.refresh(backend)
        return sets


def _padded(counts: np.ndarray, length: int) -> np.ndarray:
    """Counts by code, with zeros for the codes added since they were counted."""
    return np.concatenate([counts, np.zeros(length - len(counts), dtype=counts.dtype)])


def unpacked(bits: np.ndarray, capacity: int) -> np.ndarray:
    """A bitmap (numpy.packbits of a mask) as a mask of `capacity` records: records past the bitmap's end
    are not in it."""
    mask = np.zeros(capacity, dtype=bool)
    size = min(capacity, len(bits) * 8)
    mask[:size] = np.unpackbits(bits, count=size).view(bool)
    return mask


def id_array(text: str | None) -> np.ndarray:
    """Record ids from a comma-separated aggregate (group_concat / string_agg)."""
    if not text:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",")


def _changes_after(
    cursor: Any, version: tuple[int, int] | None, current: tuple[int, int], limit: int
) -> list[int] | None:
    """The records whose index entries changed after `version` (a counter and its token, as read from
    `search_state`), up to `current`; None when they cannot be known or are more than `limit`."""
    if version is None or current[0] <= version[0]:
        return None
    counter, token = version
    cursor.execute("SELECT token FROM search_change WHERE counter = %s LIMIT 1", [counter])
    row = cursor.fetchone()
    if row is None or row[0] != token:
        return None  # that version was a change rolled back, or the log was pruned since
    return _changed_records(cursor, counter, limit)


def changes_after_counter(cursor: Any, counter: int, limit: int) -> list[int] | None:
    """The records whose index entries changed after `counter`, a change counter committed together with
    what it dates (`LexemeSet`); None when the change log no longer reaches back that far, or when they
    are more than `limit`."""
    cursor.execute("SELECT counter FROM search_state WHERE id = 1")
    row = cursor.fetchone()
    current = row[0] if row else 0
    if current == counter:
        return []
    cursor.execute("SELECT MIN(counter) FROM search_change")
    oldest = cursor.fetchone()[0]
    if current < counter or oldest is None or oldest > counter + 1:
        return None
    return _changed_records(cursor, counter, limit)


def _changed_records(cursor: Any, counter: int, limit: int) -> list[int] | None:
    cursor.execute(
        "SELECT DISTINCT record_id FROM search_change WHERE counter > %s LIMIT %s", [counter, limit + 1]
    )
    changed = [r[0] for r in cursor.fetchall()]
    return None if len(changed) > limit else changed


class FacetSets:
    def __init__(self) -> None:
        self.version: tuple[int, int] | None = None
        self.values: list[tuple[str, str]] = []  # code -> (field, value)
        self.codes: dict[tuple[str, str], int] = {}
        self.capacity = 0
        self.indexed = np.zeros(0, dtype=bool)
        self.year = np.zeros(0, dtype=np.int16)  # each record's year facet (0: none), for relevance order
        # Records of each code (the arrays as loaded): inv_ids[inv_offsets[c]:inv_offsets[c + 1]].
        self.inv_offsets = np.zeros(1, dtype=np.int64)
        self.inv_ids = np.zeros(0, dtype=np.int32)
        # The codes counted from bitmaps, and their bitmaps (as loaded): a row of 64-bit words per code,
        # bit r of the row (in np.packbits order) set when record r has it.
        self.dense_codes = np.zeros(0, dtype=np.int64)
        self.dense_bits = np.zeros((0, 0), dtype=np.uint8)
        # The other codes of each record (as loaded): fwd_codes[fwd_offsets[r]:fwd_offsets[r + 1]].
        self.fwd_offsets = np.zeros(1, dtype=np.int64)
        self.fwd_codes = np.zeros(0, dtype=np.int32)
        # Records changed since the load: their codes now (the arrays above no longer apply to them).
        self.dirty = np.zeros(0, dtype=bool)
        self.overlay: dict[int, np.ndarray] = {}
        self.overlay_by_code: dict[int, set[int]] = defaultdict(set)
        self.visibility: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._all_counts = np.zeros(0, dtype=np.int64)  # counts of every indexed record, by code
        self._field_codes: tuple[int, dict[str, np.ndarray]] | None = None  # (codes known, by field)
        # The records matching recent search texts, by the text's SQL: the version the match holds for,
        # and its mask packed into bits.
        self.kept_matches: OrderedDict[tuple, tuple[tuple[int, int], np.ndarray]] = OrderedDict()

    # ------------------------------------------------------------ keeping up

    def refresh(self, backend: Any) -> None:
        with backend.connection.cursor() as cursor:
            cursor.execute("SELECT counter, token FROM search_state WHERE id = 1")
            row = cursor.fetchone()
            current = (row[0], row[1]) if row else (0, 0)
            if current == self.version:
                return
            changed = _changes_after(cursor, self.version, current, MAX_OVERLAY - len(self.overlay))
        if changed is None:
            self._load(backend)
        else:
            self._patch(backend, changed)
        self.version = current

    def _load(self, backend: Any) -> None:
        aggregate = backend.id_aggregate
        with backend.connection.cursor() as cursor:
            cursor.execute(f"SELECT {aggregate.format('record_id')} FROM search_entry")
            indexed = id_array(cursor.fetchone()[0])
            ids = aggregate.format("record_id")
            cursor.execute(f"SELECT field, value, {ids} FROM search_facet GROUP BY field, value")
            rows = cursor.fetchall()
        self.values = [(field, value) for field, value, _ids in rows]
        self.codes = {pair: code for code, pair in enumerate(self.values)}
        per_code = [id_array(ids) for _f, _v, ids in rows]
        self.capacity = int(max(indexed.max(initial=0), *(ids.max(initial=0) for ids in per_code), 0)) + 1
        self.indexed = np.zeros(self.capacity, dtype=bool)
        self.indexed[indexed] = True
        lengths = np.array([len(ids) for ids in per_code], dtype=np.int64)
        self.inv_offsets = np.concatenate([[0], np.cumsum(lengths)])
        self.inv_ids = np.concatenate(per_code).astype(np.int32) if per_code else np.zeros(0, dtype=np.int32)
        codes = np.repeat(np.arange(len(per_code), dtype=np.int32), lengths)
        self._load_counting(codes, lengths)
        self._all_counts = np.bincount(codes[self.indexed[self.inv_ids]], minlength=len(self.values))
        self.dirty = np.zeros(self.capacity, dtype=bool)
        self.year = np.zeros(self.capacity, dtype=np.int16)
        for code, (field, value) in enumerate(self.values):
            if field == "year" and value.isdigit():
                self.year[self.inv_ids[self.inv_offsets[code] : self.inv_offsets[code + 1]]] = int(value)
        self.overlay = {}
        self.overlay_by_code = defaultdict(set)
        self.visibility.clear()
        self._field_codes = None
        self.kept_matches.clear()

    def _load_counting(self, codes: np.ndarray, lengths: np.ndarray) -> None:
        """The bitmaps of the codes many records have, and the other codes by record (`codes` is the code
        of each entry of `inv_ids`)."""
        dense = lengths >= max(1, self.capacity // DENSE_SHARE)
        self.dense_codes = np.flatnonzero(dense)
        row_bits = -(-self.capacity // 64) * 64
        self.dense_bits = np.zeros((len(self.dense_codes), row_bits // 8), dtype=np.uint8)
        for row, code in enumerate(self.dense_codes):
            members = np.zeros(row_bits, dtype=bool)
            members[self.inv_ids[self.inv_offsets[code] : self.inv_offsets[code + 1]]] = True
            self.dense_bits[row] = np.packbits(members)
        sparse = ~dense[codes]
        ids = self.inv_ids[sparse]
        order = np.argsort(ids, kind="stable")
        self.fwd_codes = codes[sparse][order]
        self.fwd_offsets = np.concatenate([[0], np.cumsum(np.bincount(ids, minlength=self.capacity))])

    def _patch(self, backend: Any, changed: Sequence[int]) -> None:
        if not changed:
            return
        self._grow(max(changed) + 1)
        counted_before = self._indexed_code_counts(changed)
        with backend.connection.cursor() as cursor:
            present: set[int] = set()
            fresh: dict[int, list[int]] = defaultdict(list)
            for start in range(0, len(changed), CHUNK):
                chunk = list(changed[start : start + CHUNK])
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"SELECT record_id FROM search_entry WHERE record_id IN ({marks})", chunk)
                present.update(r[0] for r in cursor.fetchall())
                cursor.execute(
                    f"SELECT record_id, field, value FROM search_facet WHERE record_id IN ({marks})", chunk
                )
                for record_id, field, value in cursor.fetchall():
                    fresh[record_id].append(self._code(field, value))
        for record_id in changed:
            self.indexed[record_id] = record_id in present
            for code in self.overlay.get(record_id, ()):
                self.overlay_by_code[int(code)].discard(record_id)
            codes = np.array(sorted(set(fresh.get(record_id, ()))), dtype=np.int32)
            self.overlay[record_id] = codes
            self.dirty[record_id] = True
            self.year[record_id] = self._year_of(codes)
            for code in codes:
                self.overlay_by_code[int(code)].add(record_id)
        for key, mask in list(self.visibility.items()):
            self.visibility[key] = self._visible_patch(backend, key, mask, changed)
        now = self._indexed_code_counts(changed)
        self._all_counts = _padded(self._all_counts, len(now)) + now - _padded(counted_before, len(now))

    def _indexed_code_counts(self, record_ids: Sequence[int]) -> np.ndarray:
        """What these records add to the counts of all indexed records: `_all_counts` is patched by
        the difference, since counting every record again after each change grows with the repository
        (docs/benchmarks.md)."""
        ids = np.unique(np.asarray(record_ids, dtype=np.int64))
        return self._id_code_counts(ids[self.indexed[ids]])

    def _code(self, field: str, value: str) -> int:
        pair = (field, value)
        if pair not in self.codes:
            self.codes[pair] = len(self.values)
            self.values.append(pair)
        return self.codes[pair]

    def _year_of(self, codes: np.ndarray) -> int:
        years = [int(v) for f, v in (self.values[c] for c in codes) if f == "year" and v.isdigit()]
        return max(years, default=0)

    def _grow(self, capacity: int) -> None:
        if capacity <= self.capacity:
            return
        extra = capacity - self.capacity
        self.indexed = np.concatenate([self.indexed, np.zeros(extra, dtype=bool)])
        self.dirty = np.concatenate([self.dirty, np.ones(extra, dtype=bool)])
        self.year = np.concatenate([self.year, np.zeros(extra, dtype=np.int16)])
        for key, mask in self.visibility.items():
            self.visibility[key] = np.concatenate([mask, np.zeros(extra, dtype=bool)])
        self.capacity = capacity

    # ------------------------------------------------------------ visibility

    def visible(self, backend: Any, where: str, params: Sequence[Any]) -> np.ndarray:
        """The indexed records the visibility rule (SQL over records_record) lets through."""
        key = (where, tuple(params))
        mask = self.visibility.get(key)
        if mask is None:
            with backend.connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {backend.id_aggregate.format('id')} FROM records_record WHERE {where}", params
                )
                ids = id_array(cursor.fetchone()[0])
            mask = np.zeros(self.capacity, dtype=bool)
            mask[ids[ids < self.capacity]] = True
            self.visibility[key] = mask
            while len(self.visibility) > MAX_VISIBILITY_MASKS:
                self.visibility.popitem(last=False)
        self.visibility.move_to_end(key)
        return mask & self.indexed

    def _visible_patch(
        self, backend: Any, key: tuple, mask: np.ndarray, changed: Sequence[int]
    ) -> np.ndarray:
        where, params = key
        with backend.connection.cursor() as cursor:
            for start in range(0, len(changed), CHUNK):
                chunk = list(changed[start : start + CHUNK])
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"SELECT id FROM records_record WHERE id IN ({marks}) AND ({where})", [*chunk, *params]
                )
                mask[chunk] = False
                mask[[r[0] for r in cursor.fetchall()]] = True
        return mask

    # ------------------------------------------------------------ text matches

    def match_mask(self, backend: Any, node: Any) -> np.ndarray:
        """The mask of the records whose text matches `node`: a match kept from an earlier search of the
        same text, brought up to date by matching again only the records changed since, or matched
        afresh.

        Why: paging, choosing a facet and popular words repeat the text of a search, and a broad word
        costs PostgreSQL the most to match (every matching row is visited: docs/benchmarks.md), while
        the changes since are a few records. Kept as bitmaps: an eighth of a byte a record."""
        version = self.version
        sql, params = backend.hits_sql(node)
        key = (sql, tuple(params))
        with _LOCK:
            kept = self.kept_matches.pop(key, None)
        mask = self._kept_up_to_date(backend, node, kept, version) if kept is not None else None
        if mask is None:
            mask = backend.fresh_match(self, node)
        if version is not None:
            self._keep_match(key, version, mask)
        return mask

    def _kept_up_to_date(
        self, backend: Any, node: Any, kept: tuple[tuple[int, int], np.ndarray], version: tuple[int, int]
    ) -> np.ndarray | None:
        """A kept match as of `version`; None when the changes since it was taken cannot be known."""
        since, bits = kept
        mask = unpacked(bits, self.capacity)
        if since == version:
            return mask
        with backend.connection.cursor() as cursor:
            changed = _changes_after(cursor, since, version, MAX_OVERLAY)
        return None if changed is None else self.rematched(backend, node, mask, changed)

    def rematched(self, backend: Any, node: Any, mask: np.ndarray, changed: Sequence[int]) -> np.ndarray:
        """`mask` (a match of `node`, changed in place) with the records `changed` matched again."""
        if changed:
            ids = np.array(sorted(changed), dtype=np.int64)
            mask[ids[ids < self.capacity]] = False
            mask |= self.mask_of(backend.matching_ids(*backend.hits_among_sql(node, ids.tolist())))
        return mask

    def _keep_match(self, key: tuple, version: tuple[int, int], mask: np.ndarray) -> None:
        bits = np.packbits(mask)
        with _LOCK:
            self.kept_matches.pop(key, None)
            self.kept_matches[key] = (version, bits)
            held = self.kept_bytes
            while held > MAX_KEPT_MATCH_BYTES and len(self.kept_matches) > 1:
                _key, (_version, oldest) = self.kept_matches.popitem(last=False)
                held -= oldest.nbytes

    @property
    def kept_bytes(self) -> int:
        return sum(bits.nbytes for _version, bits in self.kept_matches.values())

    # ------------------------------------------------------------ filters and counts

    def mask_of(self, ids: np.ndarray) -> np.ndarray:
        mask = np.zeros(self.capacity, dtype=bool)
        mask[ids[(ids >= 0) & (ids < self.capacity)]] = True
        return mask

    def having(self, field: str, values: Iterable[str]) -> np.ndarray:
        """The records with any of these values of `field`."""
        mask = np.zeros(self.capacity, dtype=bool)
        codes = [self.codes[(field, v)] for v in values if (field, v) in self.codes]
        for code in codes:
            if code + 1 < len(self.inv_offsets):
                mask[self.inv_ids[self.inv_offsets[code] : self.inv_offsets[code + 1]]] = True
        if self.overlay:
            mask &= ~self.dirty
            for code in codes:
                mask[list(self.overlay_by_code.get(code, ()))] = True
        return mask

    def years(self, start: int, end: int) -> np.ndarray:
        """The records whose year facet lies in start..end."""
        wanted = [v for f, v in self.values if f == "year" and v.isdigit() and start <= int(v) <= end]
        return self.having("year", wanted)

    def counts(self, mask: np.ndarray, limit: int) -> dict[str, list[tuple[str, int]]]:
        """Facet counts over the records of `mask`: every value of every field, people and journals cut to
        the `limit` most frequent; values in count order (ties by value)."""
        if int(mask.sum()) * 2 > self.capacity:
            counts = self._all_counts - self._code_counts(self.indexed & ~mask)
        else:
            counts = self._code_counts(mask)
        found: dict[str, list[tuple[str, int]]] = {}
        for field, codes in self._codes_by_field().items():
            field_counts = counts[codes]
            present = np.flatnonzero(field_counts)
            if field in LIMITED_FACETS and len(present) > limit:
                # Only values that can be among the `limit` most frequent go on to be sorted (ties at
                # the edge included, so the order by value among equal counts is kept).
                edge = np.partition(field_counts[present], len(present) - limit)[len(present) - limit]
                present = present[field_counts[present] >= edge]
            if not len(present):
                continue
            values = [(self.values[codes[i]][1], int(field_counts[i])) for i in present]
            values.sort(key=lambda v: (-v[1], v[0]))
            found[field] = values[:limit] if field in LIMITED_FACETS else values
        return found

    def _codes_by_field(self) -> dict[str, np.ndarray]:
        if self._field_codes is None or self._field_codes[0] != len(self.values):
            by_field: dict[str, list[int]] = defaultdict(list)
            for code, (field, _value) in enumerate(self.values):
                by_field[field].append(code)
            arrays = {field: np.array(codes, dtype=np.int64) for field, codes in by_field.items()}
            self._field_codes = (len(self.values), arrays)
        return self._field_codes[1]

    def _code_counts(self, mask: np.ndarray) -> np.ndarray:
        return self._id_code_counts(np.flatnonzero(mask))

    def _id_code_counts(self, ids: np.ndarray) -> np.ndarray:
        """How many of the records `ids` (ascending, no repeats) have each facet code: changed records
        from the overlay, the others from the bitmaps and the gathered codes as loaded."""
        parts = []
        if self.overlay:
            dirty = self.dirty[ids]
            parts += [self.overlay[int(r)] for r in ids[dirty]]
            ids = ids[~dirty]
        ids = ids[ids + 1 < len(self.fwd_offsets)]
        starts = self.fwd_offsets[ids]
        lengths = self.fwd_offsets[ids + 1] - starts
        total = int(lengths.sum())
        if total:
            shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
            parts.append(self.fwd_codes[shift + np.arange(total)])
        codes = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
        counts = np.bincount(codes, minlength=len(self.values))
        counts[self.dense_codes] += self._dense_counts(ids)
        return counts

    def _dense_counts(self, ids: np.ndarray) -> np.ndarray:
        """How many of the records `ids` (all loaded, none changed since) each bitmap holds. A few records
        have their bits read one by one; more are packed into a bitmap of their own, ANDed with each
        code's and counted a 64-bit word at a time."""
        rows, row_bytes = self.dense_bits.shape
        if not rows or not len(ids):
            return np.zeros(rows, dtype=np.int64)
        if len(ids) * 16 < row_bytes:
            shifts = (7 - (ids & 7)).astype(np.uint8)
            return ((self.dense_bits[:, ids >> 3] >> shifts) & 1).sum(axis=1, dtype=np.int64)
        members = np.zeros(row_bytes * 8, dtype=bool)
        members[ids] = True
        words = np.packbits(members).view(np.uint64)
        return np.bitwise_count(self.dense_bits.view(np.uint64) & words).sum(axis=1, dtype=np.int64)

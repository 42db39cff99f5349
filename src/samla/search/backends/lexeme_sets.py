"""PostgreSQL: bitmaps of the records holding each of the lexemes many records hold (`LexemeSet`).

A GIN match visits the row of every record it finds, so a word many records hold costs a search the most,
however cheap the rest of it is (docs/benchmarks.md). After each full reindex, the lexemes that a sample
of the documents says at least MIN_RECORDS records hold (the LEXEME_SETS most frequent) get a bitmap of
their records. A query's word whose lexemes have bitmaps is matched from them, ORed and brought up to
date from the change log (the records changed since a bitmap's counter are matched again through the GIN
index); every other part of the query goes to the GIN index as before. A bitmap the log can no longer
bring up to date (more than MAX_PATCH records changed since, or the log pruned) is built again when next
used.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from django.db import DatabaseError, connections, transaction

from ..memory import FacetSets, changes_after_counter, current_counter, unpacked
from ..query import And, Node, Not, Or, Phrase, Term
from .tsquery import field_lexemes, quote

logger = logging.getLogger(__name__)

LEXEME_SETS = 256  # bitmaps at most: 32 MB at a million records
MIN_RECORDS = 50_000  # fewer matches than this cost the GIN index little (docs/benchmarks.md)
SAMPLED_DOCUMENTS = 10_000
MAX_PATCH = 5_000
BUILDERS = 2  # connections matching lexemes at once after a full reindex

# A lexeme's records: the change counter they hold for, and their bitmap (numpy.packbits of the mask).
Entry = tuple[int, bytes]


class LexemeSets:
    def __init__(self, backend: Any) -> None:
        self.backend = backend
        self.connection = backend.connection

    # ------------------------------------------------------------ building

    def build(self) -> int:
        """Bitmaps for the lexemes many records hold, instead of the earlier ones; how many were built."""
        lexemes = self._frequent_lexemes()
        entries = self._entries(lexemes)
        with transaction.atomic(using=self.connection.alias), self.connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_lexeme_set")
            self._write(cursor, entries)
        return len(entries)

    def _frequent_lexemes(self) -> list[str]:
        """The lexemes a sample of about SAMPLED_DOCUMENTS documents says MIN_RECORDS records hold, most
        frequent first (ts_stat over every document would read them all: minutes at a million)."""
        total = self.backend.indexed_count()
        if total < MIN_RECORDS:
            return []
        with self.connection.cursor() as cursor:
            percent = min(100.0, 100.0 * SAMPLED_DOCUMENTS / total)
            sample = f"FROM search_text TABLESAMPLE SYSTEM ({percent:.6f}) REPEATABLE (1)"
            cursor.execute(f"SELECT COUNT(*) {sample}")
            sampled = cursor.fetchone()[0]
            # "~…" is the filler that stores small documents out of line (`postgres._filler`).
            cursor.execute(
                "SELECT word FROM ts_stat(%s) WHERE CAST(ndoc AS bigint) * %s >= %s AND word NOT LIKE '~%%'"
                " ORDER BY ndoc DESC, word LIMIT %s",
                [f"SELECT document {sample}", total, MIN_RECORDS * max(sampled, 1), LEXEME_SETS],
            )
            return [row[0] for row in cursor.fetchall()]

    def _entries(self, lexemes: list[str]) -> dict[str, Entry]:
        """Each lexeme's bitmap as matched now, dated by the counter read before matching (a change
        committed meanwhile is in the log after it, so it is matched again when the bitmap is used).

        Outside a transaction, BUILDERS connections match at once (a match is PostgreSQL's work, on a
        core of its own, while the threads wait); inside one, this connection alone, since other
        connections would not see what it has not committed."""
        counter = current_counter(self.connection)
        if self.connection.in_atomic_block or len(lexemes) < 2:
            bitmaps = _bitmaps(self.backend, lexemes)
        else:
            chunks = [lexemes[start::BUILDERS] for start in range(BUILDERS)]
            built: dict[str, bytes] = {}
            with ThreadPoolExecutor(BUILDERS) as pool:
                for part in pool.map(self._bitmaps_elsewhere, chunks):
                    built.update(part)
            bitmaps = [built[lexeme] for lexeme in lexemes]
        return {lexeme: (counter, bits) for lexeme, bits in zip(lexemes, bitmaps, strict=True)}

    def _bitmaps_elsewhere(self, lexemes: list[str]) -> dict[str, bytes]:
        """In a thread: the bitmaps of `lexemes` on that thread's own connection, closed afterwards."""
        connection = connections[self.connection.alias]
        try:
            return dict(zip(lexemes, _bitmaps(type(self.backend)(connection), lexemes), strict=True))
        finally:
            connection.close()

    @staticmethod
    def _write(cursor: Any, entries: dict[str, Entry]) -> None:
        cursor.executemany(
            "INSERT INTO search_lexeme_set (lexeme, counter, records) VALUES (%s, %s, %s)"
            " ON CONFLICT (lexeme) DO UPDATE SET counter = excluded.counter, records = excluded.records",
            [(lexeme, counter, bits) for lexeme, (counter, bits) in entries.items()],
        )

    def _rebuilt(self, lexemes: list[str]) -> dict[str, Entry]:
        """These lexemes' bitmaps built again now, and kept for the next search when the database lets
        this one write (best effort: the search goes on either way)."""
        entries = self._entries(lexemes)
        try:
            with transaction.atomic(using=self.connection.alias), self.connection.cursor() as cursor:
                self._write(cursor, entries)
        except DatabaseError as error:
            logger.warning("Could not keep the bitmaps of %d lexemes: %s", len(entries), error)
        return entries

    # ------------------------------------------------------------ matching

    def match(self, sets: FacetSets, node: Node) -> np.ndarray | None:
        """The mask of the records matching `node`, using the bitmaps of its words' lexemes; None when
        none of them has one, or when the change log cannot bring them up to date even once rebuilt."""
        lexemes = _tree_lexemes(node)
        stored = self._read(lexemes) if lexemes else {}
        if not stored:
            return None
        changed = self._changes(min(counter for counter, _bits in stored.values()))
        if changed is None:  # rebuilt now, dated by one counter
            stored = self._rebuilt(list(stored))
            changed = self._changes(next(iter(stored.values()))[0])
        if changed is None:  # changed again past what the log holds, meanwhile
            return None
        return self._mask(sets, node, stored, changed)

    def _read(self, lexemes: set[str]) -> dict[str, Entry]:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT lexeme, counter, records FROM search_lexeme_set WHERE lexeme = ANY(%s)",
                [sorted(lexemes)],
            )
            return {lexeme: (counter, bytes(records)) for lexeme, counter, records in cursor.fetchall()}

    def _changes(self, counter: int) -> list[int] | None:
        with self.connection.cursor() as cursor:
            return changes_after_counter(cursor, counter, MAX_PATCH)

    def _mask(self, sets: FacetSets, node: Node, stored: dict[str, Entry], changed: list[int]) -> np.ndarray:
        """The matches of `node` as of now: its words with bitmaps from them (`changed`: the records
        changed since the oldest of them), every other part through the GIN index."""
        if not _tree_lexemes(node) & stored.keys():
            return sets.mask_of(self.backend.matching_ids(*self.backend.hits_sql(node)))
        if isinstance(node, Term):
            return self._term(sets, node, stored, changed)
        if isinstance(node, Or):
            mask = np.zeros(sets.capacity, dtype=bool)
            for child in node.children:
                mask |= self._mask(sets, child, stored, changed)
            return mask
        if isinstance(node, And):
            mask = np.ones(sets.capacity, dtype=bool)
            for child in node.children:
                if isinstance(child, Not):
                    mask &= ~self._mask(sets, child.child, stored, changed)
                else:
                    mask &= self._mask(sets, child, stored, changed)
            return mask
        raise ValueError(f"cannot match {node!r}")

    def _term(self, sets: FacetSets, term: Term, stored: dict[str, Entry], changed: list[int]) -> np.ndarray:
        """A word's matches: its lexemes' bitmaps ORed, its other lexemes matched through the GIN index,
        and the records changed since matched again."""
        mask = np.zeros(sets.capacity, dtype=bool)
        rest = []
        for lexeme in _term_lexemes(term):
            if lexeme in stored:
                mask |= unpacked(np.frombuffer(stored[lexeme][1], dtype=np.uint8), sets.capacity)
            else:
                rest.append(lexeme)
        if rest:
            mask |= sets.mask_of(self.backend.matching_ids(*_any_sql(rest)))
        return sets.rematched(self.backend, term, mask, changed)


def _bitmaps(backend: Any, lexemes: list[str]) -> list[bytes]:
    return [_bits(backend.matching_ids(*_any_sql([lexeme]))) for lexeme in lexemes]


def _any_sql(lexemes: list[str]) -> tuple[str, list[Any]]:
    return (
        "SELECT record_id AS id FROM search_text WHERE document @@ CAST(%s AS tsquery)",
        [" | ".join(quote(lexeme) for lexeme in lexemes)],
    )


def _term_lexemes(term: Term) -> list[str]:
    return [lexeme for form in term.forms for lexeme in field_lexemes(form, term.columns)]


def _tree_lexemes(node: Node) -> set[str]:
    """The lexemes of the whole words of `node` (prefixes and phrases are matched through the index)."""
    if isinstance(node, Term):
        return set() if node.prefix else set(_term_lexemes(node))
    if isinstance(node, Phrase):
        return set()
    if isinstance(node, Not):
        return _tree_lexemes(node.child)
    return set().union(*(_tree_lexemes(child) for child in node.children))


def _bits(ids: np.ndarray) -> bytes:
    mask = np.zeros(int(ids.max(initial=-1)) + 1, dtype=bool)
    mask[ids] = True
    return np.packbits(mask).tobytes()

"""Seeded, time-bounded fuzzers over Samla's inputs (issue 17): mutations of the real files in testdata/ for
every import format, OAI-PMH arguments, search parameters, the streaming routes of a search (exports,
the Atom feed, bibliographies) and REST bodies.

Each target keeps a `Tally`: inputs tried, inputs that failed (a traceback, an HTTP 500, an answer that is
not what the route promises, or an error message naming a Python type), and inputs that took more than
HANG_SECONDS. Failures are caught and counted instead of stopping the run, so a campaign reports every
one. The CI suite runs a short version (`test_fuzz.py`); `make stress` a long one (`campaign.py`), which
sets SAMLA_FUZZ_SCALE (inputs), SAMLA_FUZZ_SECONDS (time per target) and SAMLA_FUZZ_REPORT (where the
tallies are written as JSON).
"""

from __future__ import annotations

import json
import os
import re
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from hypothesis import strategies as st

from tests import TESTDATA

SEED = int(os.environ.get("SAMLA_FUZZ_SEED", "17"))
SCALE = float(os.environ.get("SAMLA_FUZZ_SCALE", "1"))
SECONDS = float(os.environ.get("SAMLA_FUZZ_SECONDS", "15"))
HANG_SECONDS = 10.0
# What an error message must not say: Python's own words for a type or a traceback.
PYTHON_WORDS = re.compile(r"'\w+' object|NoneType|Traceback|\bdict\b|\blist\b object|instance of \w+In\b")


def budget(examples: int) -> int:
    """The number of inputs a target tries: `examples` scaled for the campaign."""
    return max(1, round(examples * SCALE))


@dataclass
class Tally:
    target: str
    tried: int = 0
    failed: list[str] = field(default_factory=list)
    slow: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def out_of_time(self) -> bool:
        return time.monotonic() - self.started > SECONDS

    @contextmanager
    def trying(self, what: str) -> Iterator[None]:
        """Count one input; an exception escaping the block is a failure, recorded with the input."""
        start = time.monotonic()
        self.tried += 1
        try:
            yield
        except Exception:  # a failure of the code under test, of any kind: counted, not raised
            self.failed.append(f"{what[:300]}\n{traceback.format_exc(limit=-4)}")
        finally:
            if time.monotonic() - start > HANG_SECONDS:
                self.slow.append(f"{what[:300]} ({time.monotonic() - start:.1f} s)")


TALLIES: dict[str, Tally] = {}


def tally(target: str) -> Tally:
    return TALLIES.setdefault(target, Tally(target))


def write_report() -> None:
    """The tallies as JSON, where SAMLA_FUZZ_REPORT says (the campaign reads them)."""
    if path := os.environ.get("SAMLA_FUZZ_REPORT"):
        tallies = [{k: v for k, v in asdict(t).items() if k != "started"} for t in TALLIES.values()]
        Path(path).write_text(json.dumps(tallies, indent=1), encoding="utf-8")


# ---------------------------------------------------------------- import files

RECORDS = TESTDATA / "records"
FILES = {
    "bibtex": sorted([*RECORDS.glob("bibtex/**/*.bib"), *RECORDS.glob("mapping-citation-js/*.bib")]),
    "ris": sorted(RECORDS.glob("ris/**/*.ris")),
    "csl-json": sorted([*RECORDS.glob("csl-json/**/*.json"), *RECORDS.glob("mapping-citation-js/*.json")]),
    "datacite": sorted(RECORDS.glob("datacite/*.xml")),
    "mods": sorted(p for p in RECORDS.glob("mods/**/*.xml") if p.stat().st_size < 100_000),
    "web-of-science": sorted(RECORDS.glob("wos/*.txt")),
    "scopus": sorted(RECORDS.glob("scopus/*.csv")),
    "endnote": sorted(RECORDS.glob("endnote/*.enw")),
    "oai-pmh": sorted(
        [*(TESTDATA / "oai-pmh").glob("*/*.xml"), *RECORDS.glob("dublin-core/*.xml")],
    ),
}
FILES["oai-pmh"] = [p for p in FILES["oai-pmh"] if p.stat().st_size < 100_000]
# Pieces that break each format in its own way, and values that once broke a mapper.
TOKENS = [
    b"\x00", b"\xff\xfe", b"\xe9", b"\xc3", b"<", b"</x>", b"&", b"&lol;", b"]]>", b"<!DOCTYPE x>", b"{",
    b"}", b"[", b"]", b'"', b"#", b",", b":", b"@string{jn = ", b" # jn", b"\nER  - \n", b"\nTY  - JOUR\n",
    b"TX  - ", b"\r\n", b"\\", b"%", b"99999999999999999999999999", b"-1", b"2020-13-45", b"2020-02-30",
    b"\xe2\x80\xa8", b"[" * 3000, b"<a>" * 300, b"{}", b"null", b"1e999", b'{"title": {}}',
]  # fmt: skip
MUTATIONS = st.lists(
    st.tuples(
        st.sampled_from(["flip", "delete", "insert", "truncate", "repeat"]),
        st.floats(0, 1),
        st.sampled_from(TOKENS) | st.binary(min_size=1, max_size=6),
    ),
    min_size=1,
    max_size=6,
)


def mutate(data: bytes, mutations: list[tuple[str, float, bytes]]) -> bytes:
    """The bytes after each mutation, at a position given as a fraction of their length."""
    for kind, where, piece in mutations:
        at = int(where * len(data))
        if kind == "flip" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([data[at] ^ (piece[0] or 1)]) + data[at + 1 :]
        elif kind == "delete":
            data = data[:at] + data[at + len(piece) * 8 :]
        elif kind == "insert":
            data = data[:at] + piece + data[at:]
        elif kind == "truncate":
            data = data[:at]
        elif kind == "repeat":
            data = data[:at] + data[at : at + 200] * 3 + data[at:]
    return data


# ---------------------------------------------------------------- HTTP parameters

SPECIAL_TEXT = st.sampled_from(
    ["", "*", "(", ")", '"', "\\", "a NOT", "a OR", "title:", "a%00b", "\x00", "\x07", "2024", "1e9",
     "-1", "99999999999999999999", "2020-2024", "-2010", "2020-", "diva2:1897829", "eng", " ", "%", "'",
     "<script>", "ö", "\ud7ff", "\u2028"]
)  # fmt: skip
TEXT = SPECIAL_TEXT | st.text(max_size=40) | st.integers(-(2**70), 2**70).map(str)
OAI_VERBS = ["Identify", "ListRecords", "ListIdentifiers", "GetRecord", "ListSets", "ListMetadataFormats"]
OAI_ARGS = ["verb", "metadataPrefix", "identifier", "from", "until", "set", "resumptionToken"]
OAI_VALUES = (
    st.sampled_from(
        [*OAI_VERBS, "oai_dc", "mods", "swepub_mods", "oai:samla:diva2:1897829", "2024-01-01",
         "2024-01-01T00:00:00Z", "2024-13-01", "0000-01-01"]
    )
    | TEXT
)  # fmt: skip
OAI_QUERIES = st.lists(st.tuples(st.sampled_from([*OAI_ARGS, "verb", "verb", "x"]), OAI_VALUES), max_size=6)
SEARCH_KEYS = [
    "q", "sort", "cursor", "page", "size", "type", "year", "year_from", "year_to", "content", "category",
    "organisation", "language", "journal", "author", "fulltext", "x",
]  # fmt: skip
SEARCH_QUERIES = st.lists(st.tuples(st.sampled_from(SEARCH_KEYS), TEXT), max_size=6)
# The streaming routes of a search take its parameters and, for a bibliography, the Cite box's; the query
# is often one that matches nothing, one that matches everything (over the limit: a 413) or a real word.
EXPORT_FORMATS = [
    "bibtex", "ris", "endnote", "mods", "swepub_mods", "oai_dc", "datacite", "csl-json", "marcxml",
    "json-ld", "csv",
]  # fmt: skip
CITE_VALUES = {
    "style": ["apa", "ieee", "vancouver", "chicago-author-date", "harvard-cite-them-right",
              "modern-language-association", "nonexistent-style"],
    "locale": ["en-US", "sv-SE", "de-DE", "xx-YY", "en"],
    "format": ["html", "text", "rtf", "asciidoc", "pdf"],
    "other_style": ["Nature", "Cell", "APA 7th", "zzzz"],
    "other_locale": ["sv-SE", "fr-FR", "?"],
}  # fmt: skip
STREAM_WORDS = st.sampled_from(["", "leadership", "health", "care", "*", "a NOT", "2024", "\\", "("])
STREAM_QUERIES = st.lists(
    st.one_of(
        st.tuples(st.just("q"), STREAM_WORDS),
        st.tuples(st.sampled_from(SEARCH_KEYS), TEXT),
        st.sampled_from(list(CITE_VALUES)).flatmap(
            lambda key: st.tuples(st.just(key), st.sampled_from(CITE_VALUES[key]) | TEXT)
        ),
    ),
    max_size=6,
)
STREAM_ROUTES = st.one_of(
    st.sampled_from(EXPORT_FORMATS).map(lambda name: f"/search/export/{name}"),
    st.from_regex(r"[a-z0-9_-]{1,12}", fullmatch=True).map(lambda name: f"/search/export/{name}"),
    st.just("/search/feed.atom"),
    st.just("/search/cite"),
)

# ---------------------------------------------------------------- REST bodies

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
RECORD_FIELDS = [
    "title", "subtitle", "output_type", "language", "issued", "identifiers", "contributors", "journal",
    "abstracts", "keywords", "subjects", "funders", "notes", "page_count", "volume", "licence", "local_id",
]  # fmt: skip
NEW_RECORD = {
    "title": "Leading coproduction in municipal welfare services",
    "output_type": "publication/journal-article",
    "language": "eng",
    "issued": "2025",
    "identifiers": [{"scheme": "doi", "value": "10.1186/s12913-025-00001-1"}],
    "contributors": [{"family_name": "Masterson", "given_name": "Daniel"}],
}
# A valid record with some fields replaced (nested values included), or any JSON at all.
BODIES = st.one_of(
    st.dictionaries(st.sampled_from(RECORD_FIELDS), JSON, max_size=4).map(lambda d: {**NEW_RECORD, **d}),
    st.builds(
        lambda name, value: {**NEW_RECORD, "contributors": [{"family_name": "A", name: value}]},
        st.sampled_from(["given_name", "role", "person", "affiliations", "is_organisation"]),
        JSON,
    ),
    JSON,
)

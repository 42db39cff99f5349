"""Text analysis shared by indexing and querying, and by both backends.

Text is folded (case and diacritics: "Jönköping" → "jonkoping"), split into words, and stemmed with
Snowball (Swedish for Swedish text, English otherwise). The backends store and match the words this
module produces, so SQLite FTS5 and PostgreSQL find exactly the same records. Identifiers are reduced
to one compact word ("10.1186/S12913-024-10549-4" → "101186s12913024105494") on both sides, so a
pasted DOI, ISSN, ORCID or URN:NBN is one term, whatever punctuation, case or resolver prefix it has.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import snowballstemmer

from samla.vocabularies.identifiers import InvalidIdentifier, normalise_identifier, normalise_orcid

MAX_WORD_LENGTH = 64
MAX_CACHED_STEMS = 200_000  # per language: a cache this large is emptied and starts again
WORD = re.compile(r"[^\W_]+")
# Each ASCII byte that is not a letter or digit as a space: the words of ASCII text are then split on
# whitespace, the same words WORD finds, in less time (most text is ASCII once folded; docs/benchmarks.md).
_ASCII_SPACED = bytes(c if c < 128 and chr(c).isalnum() else 32 for c in range(256))
_ASCII_NOT_ALNUM = bytes(c for c in range(128) if not chr(c).isalnum())
# Letters that are not "letter + combining mark" in Unicode, folded the way a Swedish reader expects.
_SPECIAL = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ß": "ss"})
_SPECIAL_FOUND = re.compile("[øæœłđðþß]")
# Combining marks (Unicode category Mn) of the scripts NFKD decomposes: what "remove diacritics" removes.
_COMBINING = re.compile(
    "[" + "".join(re.escape(chr(c)) for c in range(0x300, 0x2000) if unicodedata.combining(chr(c))) + "]"
)


class _Stems(dict):
    """The stems of the words seen so far: a plain dict, because a reindex looks up hundreds of millions
    of words and a dict lookup (one `map` over a text's words) costs a fraction of an lru_cache call."""

    def __init__(self, algorithm: str) -> None:
        super().__init__()
        self.stemmer = snowballstemmer.stemmer(algorithm)

    def __missing__(self, word: str) -> str:
        if len(self) >= MAX_CACHED_STEMS:
            self.clear()
        stem = self[word] = self.stemmer.stemWord(word)
        return stem


_STEMS = {"sv": _Stems("swedish"), "en": _Stems("english")}
# Schemes whose values a reader pastes into the search box, in the order they are tried.
_PASTED_SCHEMES = ("doi", "urn", "isi", "scopus", "issn", "isbn", "handle", "arxiv")
_IDENTIFIER_LIKE = re.compile(r"^(?=.*\d)[\w.\-/:]{6,}$")


def fold(text: str) -> str:
    """Lower case without diacritics: what matching compares."""
    if text.isascii():
        return text.lower()
    text = text.casefold()
    if _SPECIAL_FOUND.search(text):  # translate() is slow on long text: only when there is work for it
        text = text.translate(_SPECIAL)
    text = unicodedata.normalize("NFKD", text)
    return text if text.isascii() else _COMBINING.sub("", text)


def words(text: str) -> list[str]:
    """The folded words of `text`, in order (overlong runs, such as base64 noise, are dropped)."""
    folded = fold(text)
    if folded.isascii():
        found = folded.encode("ascii").translate(_ASCII_SPACED).decode("ascii").split()
    else:
        found = WORD.findall(folded)
    if found and max(map(len, found)) > MAX_WORD_LENGTH:
        return [w for w in found if len(w) <= MAX_WORD_LENGTH]
    return found


def stemmer_for(language: str) -> str:
    """The stemmer used for indexing text in `language` (ISO 639-3): Swedish for Swedish, else English."""
    return "sv" if language in ("swe", "sv") else "en"


def stem(word: str, stemmer: str) -> str:
    return _STEMS[stemmer][word]


def stems_of(text: str, language: str = "") -> str:
    """Natural-language text as indexed: its words folded, then stemmed for the text's language, and
    separated by spaces (an index document keeps a text as one piece: `documents.IndexDocument`)."""
    stemmer = stemmer_for(language)
    ahead = _PRECOMPUTED_STEMS.get((text, stemmer))
    return ahead if ahead is not None else _stems(text, stemmer)


def precompute_stems(text: str, language: str = "") -> tuple[tuple[str, str], str]:
    """`stems_of(text, language)` worked out ahead, in the form `using_precomputed_stems` takes it."""
    stemmer = stemmer_for(language)
    return (text, stemmer), _stems(text, stemmer)


def _stems(text: str, stemmer: str) -> str:
    return " ".join(map(_STEMS[stemmer].__getitem__, words(text)))


# Stems worked out ahead, by (text, stemmer): what `stems_of` gives. Only ever the output of this
# module's own functions, so a text found here is stemmed exactly as it would be, whichever process
# worked it out.
_PRECOMPUTED_STEMS: dict[tuple[str, str], str] = {}


@contextmanager
def using_precomputed_stems(stems: Mapping[tuple[str, str], str]) -> Iterator[None]:
    """Let `stems_of` take these stems (`precompute_stems`) instead of working them out again, meanwhile.

    Why: an import's reading process works out the stems of each record's titles, keywords and
    abstracts while the writing process, the slower of the two, writes the batch before; stems cross
    between them as one string a text, the piece an index document keeps."""
    _PRECOMPUTED_STEMS.update(stems)
    try:
        yield
    finally:
        _PRECOMPUTED_STEMS.clear()


def query_forms(word: str) -> list[str]:
    """The indexed forms a query word may match: itself (names, identifiers), its Swedish and its English
    stem ("ledarskapet" → "ledarskap"), without repeats."""
    return list(dict.fromkeys([word, stem(word, "sv"), stem(word, "en")]))


def compact(value: str) -> str:
    """An identifier as one word: folded, letters and digits only. (Most are ASCII: their bytes lose what is
    not a letter or digit in one call, a fifth of the time of finding the words.)"""
    folded = fold(value)
    if folded.isascii():
        return folded.encode("ascii").translate(None, _ASCII_NOT_ALNUM).decode("ascii")
    return "".join(WORD.findall(folded))


def identifier_word(text: str) -> str | None:
    """The compact word of a pasted identifier (DOI, URN:NBN, ORCID, ISSN, ISBN, ISI, Scopus, Handle, arXiv,
    with or without a resolver prefix), normalised as `vocabularies.identifiers` normalises stored values;
    None when `text` is not one."""
    text = text.strip()
    if not _IDENTIFIER_LIKE.match(text):
        return None
    try:
        return compact(normalise_orcid(text))
    except (InvalidIdentifier, ValueError, TypeError):
        pass
    for scheme in _PASTED_SCHEMES:
        try:
            value = normalise_identifier(scheme, text)
        except (InvalidIdentifier, ValueError, TypeError):
            continue
        return compact(value)
    return None


def isbn_words(value: str) -> list[str]:
    """An ISBN as both its ISBN-13 and (when it has one) ISBN-10 word, so either form finds it."""
    from stdnum import isbn

    found = [compact(value)]
    try:
        found.append(compact(isbn.to_isbn13(value)))
        found.append(compact(isbn.to_isbn10(value)))
    except Exception:
        pass
    return list(dict.fromkeys(found))

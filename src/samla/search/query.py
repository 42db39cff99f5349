"""The search language, parsed into a small syntax tree that each backend compiles itself.

    leadership "health and welfare" coprod* title:framework author:Masterson year:2020-2024
    (covid OR corona) NOT children        -influenza        orcid:0000-0003-4364-9814

Words are ANDed; `OR` binds tighter than the implicit `AND` (as in web search engines); `NOT` or a
leading `-` excludes. Operators are upper case; lower-case "and" is a word. Fielded terms search one part
of the record (`title:` `author:` `orcid:` `journal:` `issn:` `keyword:` `identifier:` `organisation:`);
`year:` `type:` `category:` narrow the whole search like the facets and so stand at the top level.

User text never reaches the database as query syntax: every leaf of the tree holds words produced by
`analysis` (letters and digits only), and the backends write the operators themselves. Mistakes are
forgiven where the intent is clear (an unclosed quote or bracket is closed, a lone operator is dropped);
what has no sensible reading is an `InvalidInput` with a message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext

from samla.core.errors import InvalidInput

from . import analysis

MAX_QUERY_LENGTH = 1000
MAX_TERMS = 40
MAX_DEPTH = 8
MIN_PREFIX = 2

# Fields that search text, and the index columns each covers.
TEXT_FIELDS = {
    "title": ("title",),
    "author": ("author",),
    "orcid": ("orcid",),
    "journal": ("journal", "issn"),
    "issn": ("issn",),
    "keyword": ("keyword",),
    "identifier": ("identifier",),
    "organisation": ("organisation",),
}
IDENTIFIER_FIELDS = {"orcid", "issn", "identifier"}
FIELD_ALIASES = {"organization": "organisation", "subject": "category", "id": "identifier", "kw": "keyword"}
# Fields that narrow the whole search like facets.
FILTER_FIELDS = {"year", "type", "category"}
# The parts of a record where a match is ranked by relevance (`head_node`); results that match only
# elsewhere (abstract, organisations, journal, full text…) follow the ranked ones.
HEAD_COLUMNS = ("title", "author", "orcid", "issn", "keyword", "identifier")


class Node:
    """A node of the query tree."""


@dataclass(frozen=True)
class Term(Node):
    """One word, matched in any of its forms (the word, its stems; or one compact identifier)."""

    forms: tuple[str, ...]
    prefix: bool = False
    columns: tuple[str, ...] = ()  # empty: every column


@dataclass(frozen=True)
class Phrase(Node):
    """Words next to each other, in any of the variants (unstemmed, Swedish stems, English stems)."""

    variants: tuple[tuple[str, ...], ...]
    prefix: bool = False
    columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class And(Node):
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or(Node):
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not(Node):
    child: Node


@dataclass(frozen=True)
class FilterTerm(Node):
    name: str
    value: str


@dataclass(frozen=True)
class QueryFilter:
    """`year:`, `type:` or `category:` from the query text; `negated` for `-type:…`."""

    name: str
    value: str
    negated: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    """What the backends run: `match` (text every result matches; NOT only beside a positive term),
    `exclude` (text no result matches, when the query had only exclusions) and the filters."""

    match: Node | None = None
    exclude: Node | None = None
    filters: tuple[QueryFilter, ...] = field(default_factory=tuple)

    @property
    def has_text(self) -> bool:
        return self.match is not None or self.exclude is not None


def parse_query(text: str) -> ParsedQuery:
    """Parse the search language; InvalidInput when the query is too long or has no sensible reading."""
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidInput(
            gettext("The search is too long: at most %(limit)s characters.")
            % {"limit": f"{MAX_QUERY_LENGTH:,}"},
            fields={"q": "too long"},
        )
    parser = _Parser(_lex(text))
    tree = parser.parse()
    if parser.leaves > MAX_TERMS:
        raise InvalidInput(
            gettext("The search has too many terms: at most %(limit)s.") % {"limit": MAX_TERMS},
            fields={"q": "too many terms"},
        )
    return _split(tree)


# ---------------------------------------------------------------- lexer

_FIELD_PREFIX = re.compile(r"^([A-Za-z]+):(.*)$", re.S)


def _field_name(name: str) -> str | None:
    name = FIELD_ALIASES.get(name.lower(), name.lower())
    return name if name in TEXT_FIELDS or name in FILTER_FIELDS else None


def _lex(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "()":
            tokens.append((c, c))
            i += 1
        elif c == '"':
            end = text.find('"', i + 1)
            end = n if end < 0 else end
            tokens.append(("PHRASE", text[i + 1 : end]))
            i = end + 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in '()"':
                j += 1
            _lex_chunk(text[i:j], tokens, followed_by=text[j] if j < n else "")
            i = j
    return tokens


def _lex_chunk(chunk: str, tokens: list[tuple[str, str]], followed_by: str) -> None:
    if chunk in ("AND", "&&", "+"):
        tokens.append(("AND", chunk))
        return
    if chunk in ("OR", "||", "|"):
        tokens.append(("OR", chunk))
        return
    if chunk in ("NOT", "!") or (chunk == "-" and followed_by in '"('):
        tokens.append(("NOT", chunk))
        return
    if chunk[:1] in "-!" and len(chunk) > 1:
        tokens.append(("NOT", chunk[0]))
        chunk = chunk[1:]
    elif chunk[:1] == "+":
        chunk = chunk[1:]
    match = _FIELD_PREFIX.match(chunk)
    if match and (name := _field_name(match.group(1))):
        tokens.append(("FIELD", name))
        chunk = match.group(2)
    if chunk:
        tokens.append(("WORD", chunk))


# ---------------------------------------------------------------- parser


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.position = 0
        self.depth = 0
        self.leaves = 0
        self.fields: list[str] = []

    def peek(self) -> str | None:
        return self.tokens[self.position][0] if self.position < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def parse(self) -> Node | None:
        items: list[Node] = []
        while self.peek() is not None:
            node = self.parse_and()
            if node is not None:
                items.append(node)
            if self.peek() == ")":  # a stray closing bracket
                self.take()
        return _and(items)

    def parse_and(self) -> Node | None:
        items: list[Node] = []
        while (kind := self.peek()) is not None and kind != ")":
            if kind == "AND":
                self.take()
                continue
            node = self.parse_or()
            if node is not None:
                items.append(node)
        return _and(items)

    def parse_or(self) -> Node | None:
        items = [self.parse_not()]
        while self.peek() == "OR":
            self.take()
            items.append(self.parse_not())
        kept = [i for i in items if i is not None]
        if len(kept) <= 1:
            return kept[0] if kept else None
        return Or(tuple(kept))

    def parse_not(self) -> Node | None:
        if self.peek() == "NOT":
            self.take()
            inner = self.parse_not()
            if inner is None:
                return None
            return inner.child if isinstance(inner, Not) else Not(inner)
        return self.parse_primary()

    def parse_primary(self) -> Node | None:
        kind = self.peek()
        if kind is None or kind == ")":
            return None
        kind, value = self.take()
        if kind == "(":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise InvalidInput(gettext("The search nests brackets too deeply."), fields={"q": "too deep"})
            node = self.parse_and()
            if self.peek() == ")":
                self.take()
            self.depth -= 1
            return node
        if kind == "FIELD":
            return self.parse_fielded(value)
        if kind in ("AND", "OR"):  # an operator with nothing on its left
            return None
        if kind == "PHRASE":
            return self.leaf(value, phrase=True)
        return self.leaf(value, phrase=False)

    def parse_fielded(self, name: str) -> Node | None:
        if self.peek() not in ("WORD", "PHRASE", "("):
            return None  # "title:" with nothing after it
        if name in FILTER_FIELDS:
            kind, value = self.take()
            if kind == "(":
                raise InvalidInput(
                    gettext("%(name)s: takes one value, like %(name)s:2020-2024.") % {"name": name},
                    fields={"q": name},
                )
            return FilterTerm(name, value.strip())
        self.fields.append(name)
        try:
            return self.parse_primary()
        finally:
            self.fields.pop()

    def leaf(self, text: str, *, phrase: bool) -> Node | None:
        name = self.fields[-1] if self.fields else ""
        columns = TEXT_FIELDS.get(name, ())
        node = _analyse(text, phrase=phrase, identifier_field=name in IDENTIFIER_FIELDS, columns=columns)
        if node is not None:
            self.leaves += 1
        return node


def _and(items: list[Node]) -> Node | None:
    if len(items) <= 1:
        return items[0] if items else None
    return And(tuple(items))


def _analyse(text: str, *, phrase: bool, identifier_field: bool, columns: tuple[str, ...]) -> Node | None:
    """A word, phrase or identifier of the query as a tree leaf over the analysed forms."""
    text = text.strip()
    prefix = text.endswith("*")
    text = text.rstrip("*")
    if identifier_field:
        word = analysis.identifier_word(text) or analysis.compact(text)
        return Term((word,), columns=columns) if word else None
    pasted = None if phrase else analysis.identifier_word(text)
    if pasted:
        return Term((pasted,), columns=columns)
    found = analysis.words(text)
    if not found:
        return None
    if len(found) == 1:
        word = found[0]
        return Term(tuple(analysis.query_forms(word)), prefix and len(word) >= MIN_PREFIX, columns)
    variants = (
        tuple(found),
        tuple(analysis.stem(w, "sv") for w in found),
        tuple(analysis.stem(w, "en") for w in found),
    )
    node: Node = Phrase(tuple(dict.fromkeys(variants)), prefix and len(found[-1]) >= MIN_PREFIX, columns)
    if not phrase and any(c.isdigit() for c in text):
        # "diva2:1897829", "2018-01431": an id of some other scheme is also tried as one compact word.
        node = Or((Term((analysis.compact(text),), columns=columns), node))
    return node


# ---------------------------------------------------------------- relevance


def head_node(node: Node) -> Node:
    """What relevance ranks a match by: any of the query's words or phrases in HEAD_COLUMNS (a fielded
    one in its own field). Words ANDed become ORed, so a result with one word in its title and the other
    in its abstract is ranked too (usually below those with both in the head); exclusions are left out
    (results have none of them anywhere)."""
    if isinstance(node, Term | Phrase):
        return node if node.columns else replace(node, columns=HEAD_COLUMNS)
    children = node.children if isinstance(node, And | Or) else ()
    heads = [head_node(c) for c in children if not isinstance(c, Not)]
    if not heads:
        raise ValueError(f"no head in {node!r}")
    return heads[0] if len(heads) == 1 else Or(tuple(heads))


# ---------------------------------------------------------------- top level


def _split(tree: Node | None) -> ParsedQuery:
    items = list(tree.children) if isinstance(tree, And) else ([tree] if tree is not None else [])
    positives: list[Node] = []
    negatives: list[Node] = []
    filters: list[QueryFilter] = []
    for item in items:
        if isinstance(item, FilterTerm):
            filters.append(QueryFilter(item.name, item.value))
        elif isinstance(item, Not) and isinstance(item.child, FilterTerm):
            filters.append(QueryFilter(item.child.name, item.child.value, negated=True))
        elif isinstance(item, Not):
            _check(item.child)
            negatives.append(item.child)
        else:
            _check(item)
            positives.append(item)
    if positives:
        match = _and(positives + [Not(n) for n in negatives])
        return ParsedQuery(match=match, filters=tuple(filters))
    exclude = negatives[0] if len(negatives) == 1 else (Or(tuple(negatives)) if negatives else None)
    return ParsedQuery(exclude=exclude, filters=tuple(filters))


def _check(node: Node) -> None:
    """NOT needs something to exclude from, and filters narrow the whole search: both are checked here."""
    if isinstance(node, FilterTerm):
        raise InvalidInput(
            gettext("%(name)s: narrows the whole search; it cannot stand inside brackets or beside OR.")
            % {"name": node.name},
            fields={"q": node.name},
        )
    if isinstance(node, Or):
        for child in node.children:
            if isinstance(child, Not):
                raise InvalidInput(gettext("NOT cannot be one side of OR."), fields={"q": "NOT"})
            _check(child)
    elif isinstance(node, And):
        if all(isinstance(c, Not) for c in node.children):
            raise InvalidInput(
                gettext("A bracket of only NOT terms excludes from nothing."), fields={"q": "NOT"}
            )
        for child in node.children:
            _check(child.child if isinstance(child, Not) else child)
    elif isinstance(node, Not):
        _check(node.child)

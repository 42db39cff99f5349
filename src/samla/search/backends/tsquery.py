"""PostgreSQL tsquery literals compiled from a query tree, and the lexemes a word is indexed under.

Fielded words are indexed a second time with their field's code ("t:leadership", `FIELD_CODES`), so a
field is searched by its coded lexemes. Words are letters and digits only (`analysis`), quoted all the
same: no user text is ever read as tsquery syntax.
"""

from __future__ import annotations

from ..query import And, Node, Not, Or, Phrase, Term

FIELD_CODES = {
    "title": "t", "author": "a", "orcid": "o", "journal": "j", "issn": "s", "keyword": "k",
    "identifier": "i", "organisation": "g",
}  # fmt: skip


def quote(lexeme: str) -> str:
    return "'" + escape(lexeme) + "'"


def escape(lexeme: str) -> str:
    return lexeme.replace("\\", "\\\\").replace("'", "''")


def tsquery(node: Node) -> str:
    """The tsquery literal for a tree; words are letters and digits only, quoted all the same."""
    if isinstance(node, Term):
        star = ":*" if node.prefix else ""
        lexemes = [lexeme for form in node.forms for lexeme in field_lexemes(form, node.columns)]
        return _any([quote(lexeme) + star for lexeme in lexemes])
    if isinstance(node, Phrase):
        alternatives = []
        for words in node.variants:
            for code in _codes(node.columns):
                quoted = [quote(f"{code}{w}") for w in words]
                if node.prefix:
                    quoted[-1] += ":*"
                alternatives.append(" <-> ".join(quoted))
        return _any(alternatives)
    if isinstance(node, Or):
        return " | ".join(f"({tsquery(c)})" for c in node.children)
    if isinstance(node, And):
        parts = [f"({tsquery(c)})" for c in node.children if not isinstance(c, Not)]
        parts += [f"!({tsquery(c.child)})" for c in node.children if isinstance(c, Not)]
        return " & ".join(parts)
    raise ValueError(f"cannot compile {node!r}")


def _codes(columns: tuple[str, ...]) -> list[str]:
    return [f"{FIELD_CODES[c]}:" for c in columns] if columns else [""]


def field_lexemes(form: str, columns: tuple[str, ...]) -> list[str]:
    return [f"{code}{form}" for code in _codes(columns)]


def _any(alternatives: list[str]) -> str:
    return alternatives[0] if len(alternatives) == 1 else "(" + " | ".join(alternatives) + ")"

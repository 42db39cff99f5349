"""No mapping table is written twice (issue 18): a table another module needs, or its inverse, is imported
or derived from the one definition, never copied, so the two cannot drift apart."""

import ast
from collections import defaultdict
from pathlib import Path

import samla

SOURCE = Path(samla.__file__).resolve().parent
SMALLEST = 4  # entries; smaller literals (a pair of roles, three kinds) repeat by coincidence


def _literal_tables() -> dict[frozenset, list[str]]:
    """Each module-level dict or set literal of at least SMALLEST constant entries, as a set of pairs
    (a dict, read both ways) or of items (a set), with where it is written."""
    found: dict[frozenset, list[str]] = defaultdict(list)
    for path in sorted(SOURCE.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.parse(path.read_text("utf-8")).body:
            if not isinstance(node, ast.Assign | ast.AnnAssign) or node.value is None:
                continue
            where = f"{path.relative_to(SOURCE)}:{node.lineno}"
            for shape in _shapes(node.value):
                found[shape].append(where)
    return found


def _shapes(value: ast.expr) -> list[frozenset]:
    try:
        literal = ast.literal_eval(value)
    except ValueError:
        return []
    if isinstance(literal, dict) and len(literal) >= SMALLEST:
        if not all(isinstance(v, str | int | bool) for v in literal.values()):
            return []
        return [frozenset(literal.items()), frozenset((v, k) for k, v in literal.items())]
    if isinstance(literal, set | frozenset) and len(literal) >= SMALLEST:
        return [frozenset(literal)]
    return []


def test_no_mapping_table_or_its_inverse_is_written_twice():
    copies = {tuple(sorted(set(places))) for places in _literal_tables().values() if len(set(places)) > 1}
    assert sorted(copies) == []

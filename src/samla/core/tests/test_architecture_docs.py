"""docs/architecture.md stays true to the code: its apps table names every app, and every path its
"Where does my code go?" table points at exists."""

import re
from pathlib import Path

from django.conf import settings

SAMLA = Path(settings.BASE_DIR)
ARCHITECTURE = SAMLA.parents[1] / "docs" / "architecture.md"


def _section(title: str) -> str:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def _packages() -> set[str]:
    """Every package of samla that holds code (templates and locale hold none)."""
    return {path.parent.name for path in SAMLA.glob("*/__init__.py")}


def test_apps_table_lists_every_app():
    first_cells = re.findall(r"^\| ([^|]+) \|", _section("Apps"), flags=re.MULTILINE)
    listed = {name for cell in first_cells for name in re.findall(r"`(\w+)`", cell)}
    assert listed == _packages()


def test_where_does_my_code_go_names_paths_that_exist():
    paths = re.findall(r"`((?:[a-z_]+)/[\w./*]*)`", _section("Where does my code go?"))
    app_paths = [path for path in paths if path.split("/")[0] in _packages()]
    assert app_paths
    missing = [path for path in app_paths if not list(SAMLA.glob(path.rstrip("/")))]
    assert not missing, missing

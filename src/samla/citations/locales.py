"""CSL locales: the 63 `locales-*.xml` files of the CSL locales repository as the PyPI package
`citeproc-py` ships them (`citeproc/data/locales`), with their language names (`locales.json`).

A locale is named as CSL names it (`sv-SE`), case-insensitively, with `_` for `-`; a bare language takes
its primary dialect (`de` → `de-DE`); DiVA's `nn-NB` is an alias of `nb-NO`.
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from pathlib import Path

import citeproc
from django.utils.translation import gettext

from .errors import UnknownCitationOption, did_you_mean

LOCALES_DIR = Path(citeproc.__file__).resolve().parent / "data" / "locales"
ALIASES = {"nn-NB": "nb-NO"}
# The languages DiVA's Cite box offers, in its order; "Other locale" reaches every other one.
DIVA_LOCALES = ("de-DE", "en-GB", "en-US", "fi-FI", "nn-NO", "nb-NO", "sv-SE")


def get_locale(code: str) -> str:
    """The CSL locale `code` names; UnknownCitationOption (400) names the closest ones."""
    wanted = code.strip().replace("_", "-")
    by_lower = {c.lower(): c for c in all_locales()}
    by_lower.update({alias.lower(): target for alias, target in ALIASES.items()})
    by_lower.update({lang.lower(): dialect for lang, dialect in _metadata()["primary-dialects"].items()})
    if wanted.lower() in by_lower:
        return by_lower[wanted.lower()]
    close = difflib.get_close_matches(wanted, [*all_locales(), *ALIASES], n=5, cutoff=0.5)
    raise UnknownCitationOption(
        gettext("There is no citation locale %(locale)s.") % {"locale": repr(code)} + did_you_mean(close),
        option="locale",
        closest=close,
    )


@cache
def all_locales() -> tuple[str, ...]:
    """Every CSL locale code, sorted."""
    return tuple(sorted(p.name[len("locales-") : -len(".xml")] for p in LOCALES_DIR.glob("locales-*.xml")))


def locale_name(code: str) -> str:
    """The language's own name and its English name ("Svenska (Sverige) – Swedish (Sweden)")."""
    names = _metadata()["language-names"].get(ALIASES.get(code, code))
    if not names:
        return code
    return names[0] if names[0] == names[1] else f"{names[0]} – {names[1]}"


@cache
def locale_xml() -> dict[str, str]:
    """Every locale's XML by code, as citeproc-js's `retrieveLocale` asks for them."""
    return {code: (LOCALES_DIR / f"locales-{code}.xml").read_text("utf-8") for code in all_locales()}


@cache
def _metadata() -> dict:
    return json.loads((LOCALES_DIR / "locales.json").read_text("utf-8"))

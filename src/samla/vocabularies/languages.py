"""Languages by ISO 639 code, named in the reader's language (pycountry's ISO 639-3 data and translations)."""

import gettext
from functools import cache, lru_cache

import pycountry
from django.utils.translation import get_language


@lru_cache(maxsize=1024)
def normalise_language(code: str) -> str | None:
    """The ISO 639-3 (= 639-2/T) code for a 639-1, 639-2/B or 639-3 code; None when unknown.

    Cached: pycountry took 9-16 us a look-up, and every record of an import names its
    language, its title's and each abstract's and keyword list's, from a handful of codes."""
    code = (code or "").strip().lower()
    if not code:
        return None
    language = (
        pycountry.languages.get(alpha_2=code)
        if len(code) == 2
        else pycountry.languages.get(alpha_3=code) or pycountry.languages.get(bibliographic=code)
    )
    return language.alpha_3 if language else None


@cache
def _translation(lang: str) -> gettext.NullTranslations:
    return gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=[lang], fallback=True)


@cache
def _entry(code: str):
    """pycountry's entry of an ISO 639-3 code. Cached, with the forms below: a few codes are asked for
    every record written out, and each attribute of an entry is read through its __getattr__ (2% of a
    BibTeX list export)."""
    return pycountry.languages.get(alpha_3=code) if code else None


def language_name(code: str) -> str:
    """ "English" or "Engelska" for "eng", depending on the active UI language."""
    language = _entry(code)
    if not language:
        return code or ""
    ui = (get_language() or "en").split("-")[0]
    return language.name if ui == "en" else _translation(ui).gettext(language.name)


@cache
def english_language_name(code: str) -> str:
    """The English name whatever the UI language, as reference formats write it: "English", "Swedish"."""
    language = _entry(code)
    return language.name if language else code


@cache
def language_alpha2(code: str) -> str:
    """The two-letter code ("en") where one exists, for xml:lang, BCP 47 and CSL; else the three-letter
    code."""
    language = _entry(code)
    return getattr(language, "alpha_2", code) if language else code


@cache
def language_bibliographic(code: str) -> str:
    """ISO 639-2/B (MARC, MODS iso639-2b): "dut" for "nld", "swe" for "swe"."""
    language = _entry(code)
    return getattr(language, "bibliographic", code) if language else code

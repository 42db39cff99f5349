"""The Cite box's query parameters, shared by the record page (no JavaScript) and `/record/<id>/cite`.

`?style=apa&locale=sv-SE&format=html`; "Other style" and "Other locale" are free text (`other_style`,
`other_locale`) that win over the selects when filled in. A style may be named by its id or by its title
(or part of it, when that names one style only).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict
from django.utils.translation import get_language, gettext

from . import locales, styles
from .errors import UnknownCitationOption

PARAMETERS = frozenset({"style", "other_style", "locale", "other_locale", "format"})
DEFAULT_STYLE = "apa"
DEFAULT_OUTPUT = "html"


@dataclass(frozen=True)
class CiteQuery:
    style: str
    locale: str
    output: str

    @classmethod
    def from_query(cls, query: QueryDict) -> CiteQuery:
        """The style, locale and format a request asks for; the defaults are APA, the locale of the page's
        language (en → en-US, sv → sv-SE) and HTML."""
        other_style = query.get("other_style", "").strip()
        other_locale = query.get("other_locale", "").strip()
        return cls(
            style=style_for_text(other_style) if other_style else query.get("style", "") or DEFAULT_STYLE,
            locale=other_locale or query.get("locale", "") or default_locale(),
            output=query.get("format", "") or DEFAULT_OUTPUT,
        )


def default_locale() -> str:
    try:
        return locales.get_locale(get_language() or "en")
    except UnknownCitationOption:
        return "en-US"


def style_for_text(text: str) -> str:
    """The style id "Other style" names: an id, a title, or words that match one style only.
    UnknownCitationOption (400) lists the matching styles when there are several."""
    found = styles.find_styles(text, limit=10)
    wanted = text.strip().lower()
    for style_id, title in found:
        if wanted in (style_id, title.lower()):
            return style_id
    if len(found) == 1:
        return found[0][0]
    if not found:
        return text  # get_style names the closest ids
    raise UnknownCitationOption(
        gettext("Several citation styles match %(text)s: %(styles)s. Choose one of them.")
        % {"text": repr(text), "styles": "; ".join(f"{title} ({style_id})" for style_id, title in found)},
        option="style",
        closest=[style_id for style_id, _title in found],
    )

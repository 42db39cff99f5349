"""`{% cite_box record request %}`: the record page's Cite box, with the entry the request asks for;
`{% list_cite_form url %}`: the "Cite all" form of a list page (person, organisation, journal, search);
`{% citation_of record %}`: the record's entry in the default style, in the page's language (a withdrawn
record's tombstone)."""

from __future__ import annotations

from django import template
from django.http import QueryDict
from django.utils.safestring import SafeString, mark_safe

from samla.core.errors import SamlaError

from .. import locales
from ..forms import CiteQuery, default_locale
from ..services import check_options, diva_styles, list_locales, render_citation

register = template.Library()


@register.inclusion_tag("citations/_cite_box.html")
def cite_box(record, request) -> dict:
    """The box for a record the page has loaded (no further query on a cache hit). A bad choice or a failed
    engine shows its message in the box; the rest of the page is unaffected."""
    citation = error = None
    query = None
    try:
        query = CiteQuery.from_query(request.GET)
        citation = render_citation(
            record, check_options(style=query.style, locale=query.locale, output=query.output)
        )
    except SamlaError as exc:
        error = exc
    styles_offered = [(s.id, s.title) for s in diva_styles()]
    chosen_locale = citation.locale if citation else (query.locale if query else "")
    chosen_style = citation.style.id if citation else (query.style if query else "")
    return {
        "record": record,
        "citation": citation,
        "error": error,
        "styles": styles_offered,
        "style": chosen_style,
        "other_style": "" if chosen_style in dict(styles_offered) else chosen_style,
        "locales": [(code, locales.locale_name(code)) for code in locales.DIVA_LOCALES],
        "all_locales": list_locales(),
        "locale": chosen_locale,
        "other_locale": "" if chosen_locale in locales.DIVA_LOCALES else chosen_locale,
        "outputs": ("html", "text", "asciidoc", "rtf"),
        "output": citation.output if citation else (query.output if query else "html"),
    }


@register.inclusion_tag("citations/_list_cite_form.html")
def list_cite_form(action: str, hidden: dict | None = None) -> dict:
    """A GET form that downloads the list as one bibliography (works without JavaScript). `hidden`
    carries a search's own parameters (q, facets, sort) so the bibliography holds that search's results."""
    return {
        "action": action,
        "hidden": sorted((hidden or {}).items()),
        "styles": [(s.id, s.title) for s in diva_styles()],
        "locales": [(code, locales.locale_name(code)) for code in locales.DIVA_LOCALES],
        "default_locale": default_locale(),
        "outputs": ("html", "text", "asciidoc", "rtf"),
    }


@register.simple_tag
def citation_of(record) -> SafeString:
    """The entry as HTML (citeproc-js escapes what the record holds), or nothing if the engine failed:
    a page that shows it has more to say than the citation."""
    query = CiteQuery.from_query(QueryDict())
    try:
        citation = render_citation(
            record, check_options(style=query.style, locale=query.locale, output="html")
        )
    except SamlaError:
        return mark_safe("")
    return mark_safe(citation.text)

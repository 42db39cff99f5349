"""The advanced search form ("Change search"): its fields become a query in the search language."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from samla.vocabularies.output_types import output_types

TEXT_FIELDS = ("title", "author", "organisation", "journal", "keyword")
IDENTIFIER_FIELDS = ("orcid", "issn", "identifier")
_FIELDED = re.compile(r'(?<!\S)(\w+):(\([^)]*\)|"[^"]*"|\S+)')


def _type_choices() -> list[tuple[str, str]]:
    return [("", _("Any type"))] + [(code, t.label) for code, t in output_types().items()]


class AdvancedSearchForm(forms.Form):
    q = forms.CharField(label=_("All fields"), required=False, max_length=500)
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    author = forms.CharField(label=_("Author"), required=False, max_length=200)
    orcid = forms.CharField(label=_("ORCID iD"), required=False, max_length=60)
    organisation = forms.CharField(label=_("Organisation"), required=False, max_length=200)
    journal = forms.CharField(label=_("Journal"), required=False, max_length=200)
    issn = forms.CharField(label=_("ISSN"), required=False, max_length=20)
    keyword = forms.CharField(label=_("Keyword"), required=False, max_length=200)
    identifier = forms.CharField(
        label=_("Identifier (DOI, URN:NBN, PubMed…)"), required=False, max_length=200
    )
    year_from = forms.IntegerField(label=_("Year from"), required=False, min_value=1, max_value=9999)
    year_to = forms.IntegerField(label=_("Year to"), required=False, min_value=1, max_value=9999)
    type = forms.ChoiceField(label=_("Publication type"), required=False, choices=_type_choices)
    category = forms.RegexField(
        label=_("Subject category (SSIF code)"), required=False, regex=r"^\d{1,5}$", max_length=5
    )

    def search_parameters(self) -> dict[str, str]:
        """The results page's parameters for the cleaned form: one query plus type, category and years."""
        data = self.cleaned_data
        parts = [data["q"].strip()] if data["q"].strip() else []
        for name in TEXT_FIELDS:
            value = data[name].replace("(", " ").replace(")", " ").strip()
            if value:
                parts.append(f"{name}:({value})")
        for name in IDENTIFIER_FIELDS:
            value = data[name].strip()
            if value:
                parts.append(f'{name}:"{value.replace(chr(34), "")}"')
        params = {"q": " ".join(parts)}
        start, end = data["year_from"], data["year_to"]
        if start or end:
            params["year"] = f"{start or ''}-{end or ''}"
        if data["type"]:
            params["type"] = data["type"]
        if data["category"]:
            params["category"] = data["category"]
        return {k: v for k, v in params.items() if v}


def initial_from(params: dict[str, str]) -> dict[str, object]:
    """The form's fields from a results page's parameters ("Change search"): fielded parts of the query
    go back to their fields, the rest stays in "All fields"."""
    query = params.get("q", "")
    initial: dict[str, object] = {}

    def take(match: re.Match) -> str:
        name, value = match.group(1).lower(), match.group(2)
        if name not in TEXT_FIELDS + IDENTIFIER_FIELDS or name in initial:
            return match.group(0)
        initial[name] = value.strip('()"')
        return ""

    initial["q"] = " ".join(_FIELDED.sub(take, query).split())
    year = params.get("year", "")
    if year:
        start, _dash, end = year.partition("-")
        initial["year_from"], initial["year_to"] = start or None, (end if _dash else start) or None
    for name in ("type", "category"):
        if params.get(name):
            initial[name] = params[name]
    return initial

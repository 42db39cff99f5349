"""What the record page shows, derived from a loaded record: lines, links and groupings.

Only presentation lives here (grouping, ordering, link building); no queries beyond what the service loaded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samla.vocabularies.identifiers import SCHEMES, resolver_url
from samla.vocabularies.languages import language_alpha2, language_name
from samla.vocabularies.record_terms import RELATIONS

from .models import Contribution, Record

# How the history names each field a revision changed (input fields, and what transitions change).
FIELD_LABELS = {
    "title": gettext_lazy("Title"),
    "subtitle": gettext_lazy("Subtitle"),
    "title_language": gettext_lazy("Language of the title"),
    "alternative_titles": gettext_lazy("Other titles"),
    "output_type": gettext_lazy("Publication type"),
    "content_type": gettext_lazy("Content type"),
    "publication_status": gettext_lazy("Publication status"),
    "language": gettext_lazy("Language"),
    "issued": gettext_lazy("Year of publication"),
    "journal": gettext_lazy("Journal"),
    "host_title": gettext_lazy("Part of"),
    "volume": gettext_lazy("Volume"),
    "issue": gettext_lazy("Issue"),
    "article_number": gettext_lazy("Article number"),
    "pages_start": gettext_lazy("First page"),
    "pages_end": gettext_lazy("Last page"),
    "page_count": gettext_lazy("Number of pages"),
    "publisher": gettext_lazy("Publisher"),
    "place": gettext_lazy("Place of publication"),
    "edition": gettext_lazy("Edition"),
    "series_number": gettext_lazy("Number in series"),
    "conference": gettext_lazy("Conference"),
    "abstracts": gettext_lazy("Abstract"),
    "keywords": gettext_lazy("Keywords"),
    "funders": gettext_lazy("Funder"),
    "notes": gettext_lazy("Note"),
    "licence": gettext_lazy("Licence"),
    "links": gettext_lazy("Full text elsewhere"),
    "access_condition": gettext_lazy("Access"),
    "subjects": gettext_lazy("National Category"),
    "identifiers": gettext_lazy("Identifiers"),
    "relations": gettext_lazy("Related works"),
    "contributors": gettext_lazy("Authors and other contributors"),
    "created": gettext_lazy("Created"),
    "available_from": gettext_lazy("Available from"),
    "last_updated": gettext_lazy("Last updated"),
    "approved": gettext_lazy("Bibliographically approved"),
    "state": gettext_lazy("State"),
    "withdrawn_reason": gettext_lazy("Reason for withdrawal"),
    "quality_flags": gettext_lazy("Values kept aside"),
    "files": gettext_lazy("Files"),
}


def field_label(name: str) -> str:
    """The field's name as the history shows it (its input name when it has no label)."""
    return str(FIELD_LABELS.get(name, name))


def field_value_text(name: str, value: object) -> str:
    """A field's value (as the input shape holds it, JSON) the way people read it in the history: one
    line per item of a list, a person by name, an identifier with its scheme; anything unexpected as
    JSON, so nothing is hidden."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, str | int | float):
        return str(value)
    shown = _ITEM_TEXTS.get(name)
    try:
        if name == "journal" and isinstance(value, dict):
            return _journal_text(value)
        if shown is not None and isinstance(value, list):
            return "\n".join(shown(item) if isinstance(item, dict) else str(item) for item in value)
    except (KeyError, TypeError):
        pass
    return json.dumps(value, ensure_ascii=False, indent=1)


def _journal_text(journal: dict) -> str:
    issns = ", ".join(
        f"{label} {journal[key]}"
        for key, label in (("issn", "ISSN"), ("eissn", "E-ISSN"))
        if journal.get(key)
    )
    return f"{journal['title']} ({issns})" if issns else journal["title"]


def _contributor_text(contributor: dict) -> str:
    name = ", ".join(part for part in (contributor["family_name"], contributor.get("given_name", "")) if part)
    role = contributor.get("role", "aut")
    orcid = (contributor.get("person") or {}).get("orcid", "")
    return name + (f" ({role})" if role != "aut" else "") + (f" ORCID {orcid}" if orcid else "")


def _in_language(text: str, item: dict) -> str:
    return f"[{item['language']}] {text}" if item.get("language") else text


_ITEM_TEXTS = {
    "contributors": _contributor_text,
    "identifiers": lambda i: f"{i['scheme']}: {i['value']}",
    "relations": lambda r: f"{r['relation']} {r['scheme']}: {r['value']}",
    "abstracts": lambda a: _in_language(a["text"], a),
    "keywords": lambda k: _in_language(", ".join(k["terms"]), k),
    "alternative_titles": lambda t: _in_language(
        ": ".join(p for p in (t["title"], t.get("subtitle")) if p), t
    ),
    "funders": lambda f: f"{f['name']} ({f['grant']})" if f.get("grant") else f["name"],
    "links": lambda link: link["url"],
    "quality_flags": lambda f: f"{f['field']}: {f.get('message') or f['kind']}",
}


# The order and labels of the seed page's "Identifiers" line.
IDENTIFIER_ORDER = ["urn", "doi", "isi", "pmid", "scopus", "isbn", "issn", "handle", "arxiv", "uri", "oai"]


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class ShownIdentifier:
    scheme: str
    label: str
    value: str
    url: str


class RecordPage:
    """The record page's sections, computed once per request from the prefetched record."""

    def __init__(self, record: Record) -> None:
        self.record = record

    @cached_property
    def contributors(self) -> list[Contribution]:
        return list(self.record.contributions.all())

    @cached_property
    def authors(self) -> list[Contribution]:
        return [c for c in self.contributors if c.role in ("aut", "edt")]

    @cached_property
    def other_contributors(self) -> list[Contribution]:
        return [c for c in self.contributors if c.role not in ("aut", "edt")]

    @property
    def language_name(self) -> str:
        return language_name(self.record.language)

    @property
    def parts_line(self) -> str:
        """ "Vol. 24, no 1, article id 219", or pages "p. 974-978"."""
        r = self.record
        parts = []
        if r.volume:
            parts.append(_("Vol. %(volume)s") % {"volume": r.volume})
        if r.issue:
            parts.append(_("no %(issue)s") % {"issue": r.issue})
        if r.article_number:
            parts.append(_("article id %(number)s") % {"number": r.article_number})
        if r.pages:
            parts.append(_("p. %(pages)s") % {"pages": r.pages})
        return ", ".join(parts)

    @property
    def publication_line(self) -> str:
        """ "BioMed Central (BMC), 2024. Vol. 24, no 1, article id 219" (Place, publisher, year, …)."""
        r = self.record
        head = ", ".join(
            x
            for x in (r.place, r.publisher or (r.journal.publisher if r.journal else ""), str(r.year or ""))
            if x
        )
        tail = ", ".join(
            x
            for x in (
                r.edition and _("%(edition)s ed.") % {"edition": r.edition},
                self.parts_line,
                r.page_count and _("%(count)s p.") % {"count": r.page_count},
            )
            if x
        )
        return f"{head}. {tail}" if tail else head

    def _by_language(self, items: list[dict], value_key: str) -> list[dict]:
        return [
            {
                "code": language_alpha2(i.get("language", "")),
                "name": language_name(i.get("language", "")),
                "value": i[value_key],
            }
            for i in items
        ]

    @property
    def abstracts(self) -> list[dict]:
        return [
            {**a, "paragraphs": [p for p in a["value"].split("\n") if p.strip()]}
            for a in self._by_language(self.record.abstracts, "text")
        ]

    @property
    def keywords(self) -> list[dict]:
        return self._by_language(self.record.keywords, "terms")

    @cached_property
    def identifiers(self) -> list[ShownIdentifier]:
        own = [i for i in self.record.identifiers.all() if not i.relation]
        own.sort(key=lambda i: IDENTIFIER_ORDER.index(i.scheme) if i.scheme in IDENTIFIER_ORDER else 99)
        return [
            ShownIdentifier(i.scheme, str(SCHEMES[i.scheme].label), i.value, resolver_url(i.scheme, i.value))
            for i in own
        ]

    def _first(self, scheme: str) -> str:
        return next((i.value for i in self.identifiers if i.scheme == scheme), "")

    @cached_property
    def relations(self) -> list[dict]:
        shown = []
        for i in self.record.identifiers.all():
            if not i.relation:
                continue
            target = i.related_record
            lazy_label = RELATIONS[i.relation][1]
            label = str(lazy_label)
            with translation.override("en"):
                source_label = str(lazy_label)
            title = target.full_title if target else (i.label or f"{SCHEMES[i.scheme].label} {i.value}")
            shown.append(
                {
                    # A correction's title often begins "Correction:" already; say it once.
                    "label": "" if title.startswith((f"{label}:", f"{source_label}:")) else label,
                    "title": title,
                    "url": target.get_absolute_url() if target else resolver_url(i.scheme, i.value),
                    "note": i.label,
                    "internal": target is not None,
                }
            )
        return shown

    @property
    def full_text_links(self) -> list[Link]:
        """ "Full text (free) at liu.diva-portal.org": the record's links to the publication elsewhere."""
        return [_full_text_link(link) for link in self.record.links if link.get("url")]

    @property
    def other_links(self) -> list[Link]:
        links = []
        if doi := self._first("doi"):
            links.append(Link(_("Publisher's full text"), resolver_url("doi", doi)))
        if pmid := self._first("pmid"):
            links.append(Link("PubMed", resolver_url("pmid", pmid)))
        if scopus := self._first("scopus"):
            links.append(Link("Scopus", resolver_url("scopus", scopus)))
        if isi := self._first("isi"):
            links.append(Link("Web of Science", resolver_url("isi", isi)))
        return links

    @cached_property
    def authority_people(self) -> list:
        seen, people = set(), []
        for c in self.contributors:
            if c.person_id and c.person_id not in seen:
                seen.add(c.person_id)
                people.append(c.person)
        return people

    @property
    def subjects(self) -> list:
        return list(self.record.subjects.all())

    @property
    def permanent_link(self) -> str:
        urn = self._first("urn")
        return resolver_url("urn", urn) if urn else self.direct_link

    @property
    def direct_link(self) -> str:
        return settings.BASE_URL + self.record.get_absolute_url()

    @property
    def search_outside(self) -> list[Link]:
        title = self.record.full_title
        return [
            Link("Google", "https://www.google.com/search?" + urlencode({"q": f'"{title}"'})),
            Link("Google Scholar", "https://scholar.google.com/scholar?" + urlencode({"q": f'"{title}"'})),
        ]

    @property
    def journal_url(self) -> str:
        return reverse("journals:detail", args=[self.record.journal_id]) if self.record.journal_id else ""


def _full_text_link(link: dict) -> Link:
    """A link named by what it is (DiVA's label: "fulltext", "spikblad"…), whether it is free, and the
    site it leads to."""
    label, site = link.get("label", ""), urlsplit(link["url"]).hostname or link["url"]
    kind = _("Full text") if "fulltext" in label.lower() else (label or _("Link"))
    if link.get("free"):
        return Link(_("%(kind)s (free) at %(site)s") % {"kind": kind, "site": site}, link["url"])
    return Link(_("%(kind)s at %(site)s") % {"kind": kind, "site": site}, link["url"])

"""What machines read on a record page: Highwire Press `citation_*` tags (Google Scholar), Dublin Core meta
tags, schema.org JSON-LD, COinS, and FAIR Signposting links (as `<link>` elements and a `Link` header).

All of it is derived from the loaded record and its files the reader may see; nothing here queries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from samla.exports.registry import formats, get_format
from samla.files.services import public_to_anyone
from samla.records.models import Record
from samla.vocabularies.languages import language_alpha2


@dataclass(frozen=True)
class SignpostingLink:
    url: str
    rel: str
    type: str = ""

    def header_value(self) -> str:
        value = f'<{self.url}> ; rel="{self.rel}"'
        return f'{value} ; type="{self.type}"' if self.type else value


class MachineReadable:
    def __init__(self, record: Record, files: list, *, direct_link: str, permanent_link: str) -> None:
        self.record = record
        self.files = files
        self.direct_link = direct_link
        self.permanent_link = permanent_link

    def _identifier(self, scheme: str) -> str:
        return next(
            (i.value for i in self.record.identifiers.all() if i.scheme == scheme and not i.relation), ""
        )

    @property
    def open_files(self) -> list:
        """The files anyone may download today, whoever views the page (`files.services.public_to_anyone`:
        open ones, and embargoed ones from their date on). Machines link what is public."""
        return [f for f in self.files if public_to_anyone(f)]

    def highwire(self) -> list[tuple[str, str]]:
        """Google Scholar's inclusion guidelines: one tag a fact, authors in order."""
        r = self.record
        tags = [("citation_title", r.full_title)]
        for author in (c for c in r.contributions.all() if c.role == "aut"):
            tags += _author_tags(author)
        if r.issued:
            tags.append(("citation_publication_date", r.issued.replace("-", "/")))
        if r.journal:
            tags.append(("citation_journal_title", r.journal.title))
            for issn in (r.journal.issn, r.journal.eissn):
                if issn:
                    tags.append(("citation_issn", issn))
        elif r.host_title:
            tags.append(
                ("citation_conference_title" if r.conference else "citation_inbook_title", r.host_title)
            )
        for name, value in (
            ("citation_volume", r.volume),
            ("citation_issue", r.issue),
            ("citation_firstpage", r.pages_start or r.article_number),
            ("citation_lastpage", r.pages_end),
            ("citation_publisher", r.publisher),
            ("citation_doi", self._identifier("doi")),
            ("citation_isbn", self._identifier("isbn")),
            ("citation_pmid", self._identifier("pmid")),
            ("citation_language", language_alpha2(r.language)),
        ):
            if value:
                tags.append((name, value))
        terms = [t for group in r.keywords for t in group.get("terms", [])]
        if terms:
            tags.append(("citation_keywords", "; ".join(terms)))
        tags.append(("citation_abstract_html_url", self.direct_link))
        tags += [
            ("citation_pdf_url", self._file_url(f))
            for f in self.open_files
            if f.stored_file.mime_type == "application/pdf"
        ]
        return tags

    def dublin_core(self) -> list[tuple[str, str]]:
        r = self.record
        tags = [("DC.title", r.full_title)]
        tags += [("DC.creator", c.inverted_name) for c in r.contributions.all() if c.role == "aut"]
        tags += [("DC.date", r.issued), ("DC.type", r.output_type_info.label_en)]
        if r.language:
            tags.append(("DC.language", r.language))
        tags.append(("DC.identifier", self.permanent_link))
        if doi := self._identifier("doi"):
            tags.append(("DC.identifier", f"https://doi.org/{doi}"))
        if r.licence_info:
            tags.append(("DC.rights", r.licence_info.url))
        return [(name, value) for name, value in tags if value]

    def json_ld(self) -> str:
        """The schema.org JSON-LD export, embedded; `</` is escaped so the text cannot close the script."""
        item = {"@context": "https://schema.org", **self._schema_item}
        return json.dumps(item, ensure_ascii=False).replace("</", "<\\/")

    @cached_property
    def _schema_item(self) -> dict:
        return get_format("json-ld").write(self.record)

    def coins(self) -> str:
        """COinS (OpenURL ContextObject in a span) for reference managers such as Zotero."""
        r = self.record
        query = [
            ("ctx_ver", "Z39.88-2004"),
            ("rft_val_fmt", "info:ofi/fmt:kev:mtx:journal"),
            ("rft.atitle", r.full_title),
        ]
        if r.journal:
            query.append(("rft.jtitle", r.journal.title))
        query += [("rft.au", c.inverted_name) for c in r.contributions.all() if c.role == "aut"]
        for key, value in (("rft.date", r.issued), ("rft.volume", r.volume), ("rft.issue", r.issue),
                           ("rft.spage", r.pages_start), ("rft.epage", r.pages_end)):  # fmt: skip
            if value:
                query.append((key, value))
        if doi := self._identifier("doi"):
            query.append(("rft_id", f"info:doi/{doi}"))
        return urlencode(query)

    def signposting(self) -> list[SignpostingLink]:
        """FAIR Signposting level 1: cite-as, describedby, author, license, type and item."""
        r = self.record
        links = [SignpostingLink(self.permanent_link, "cite-as")]
        links += [
            SignpostingLink(
                settings.BASE_URL + reverse("exports:record", args=[r.local_id, f.name]),
                "describedby",
                f.media_type,
            )
            for f in formats()
        ]
        links += [
            SignpostingLink(c.person.orcid_url, "author")
            for c in r.contributions.all()
            if c.person and c.person.orcid
        ]
        if r.licence_info:
            links.append(SignpostingLink(r.licence_info.url, "license"))
        links.append(SignpostingLink(f"https://schema.org/{self._schema_type()}", "type"))
        links.append(SignpostingLink("https://schema.org/AboutPage", "type"))
        links += [
            SignpostingLink(self._file_url(f), "item", f.stored_file.mime_type) for f in self.open_files
        ]
        return links

    def _schema_type(self) -> str:
        return self._schema_item.get("@type", "CreativeWork")

    def _file_url(self, record_file) -> str:
        return settings.BASE_URL + record_file.get_absolute_url()

    def link_header(self) -> str:
        return ", ".join(link.header_value() for link in self.signposting())


def _author_tags(contribution) -> list[tuple[str, str]]:
    """An author, then each affiliation and the ORCID iD: Google Scholar ties the tags that follow a
    `citation_author` to that author."""
    tags = [("citation_author", contribution.inverted_name)]
    tags += [
        ("citation_author_institution", a.text or a.organisation.name)
        for a in contribution.affiliations.all()
        if a.text or a.organisation
    ]
    if contribution.person and contribution.person.orcid:
        tags.append(("citation_author_orcid", contribution.person.orcid_url))
    return tags

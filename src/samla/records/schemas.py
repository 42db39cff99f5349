"""The shape of a record as services accept it and the REST API shows it (pydantic, shared with Ninja).

Shape is checked here; meaning (vocabularies, identifier checksums, existing organisations) is checked by
`records.services`, because the CLI and importers reach services without passing through a view.
"""

from __future__ import annotations

import datetime as dt
from copy import copy
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, create_model

from samla.core.errors import PRINTABLE


def _text(max_length: int) -> Any:
    """Input text: whitespace stripped, at most `max_length` characters, no control characters."""
    return Annotated[str, StringConstraints(strip_whitespace=True, max_length=max_length, pattern=PRINTABLE)]


Text = _text(20_000)
Short = _text(300)
Url = _text(2000)
Code = _text(60)
# Values stored in narrower columns are as long as their column at most (test_schemas checks): PostgreSQL
# refuses a longer one with an error that stopped an import or answered 500 (SQLite stores it regardless).
Name = _text(200)
SourceId = _text(100)
Number = _text(40)
Page = _text(20)
MAX_PAGE_COUNT = 100_000  # more is a mistake in the source (past 2**31 it would not fit a PostgreSQL integer)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LanguageText(Strict):
    language: Code = ""
    text: Text


class LanguageKeywords(Strict):
    language: Code = ""
    terms: list[Short] = Field(default_factory=list, max_length=200)


class AlternativeTitle(Strict):
    language: Code = ""
    title: Text
    subtitle: Text = ""


class Funder(Strict):
    name: Short
    grant: Short = ""


class LinkIn(Strict):
    """A link to the full text elsewhere; `free` when anyone may read it there (DiVA's note="free")."""

    url: Url
    label: Short = ""
    free: bool = False


class PersonRef(Strict):
    """Identifies (or creates) the authority record of a contributor: matched by ORCID, then local ids."""

    orcid: Code = ""
    local_id: SourceId = ""
    authority_id: SourceId = ""
    birth_year: int | None = None


class AffiliationIn(Strict):
    organisation: Short = ""  # an Organisation identifier, e.g. "liu:9150"
    text: Text = ""


class ContributorIn(Strict):
    family_name: Name
    given_name: Name = ""
    role: Code = "aut"
    is_organisation: bool = False
    person: PersonRef | None = None
    affiliations: list[AffiliationIn] = Field(default_factory=list, max_length=50)


class JournalIn(Strict):
    title: Short
    issn: Code = ""
    eissn: Code = ""
    publisher: Short = ""
    kind: Code = "journal"


class IdentifierIn(Strict):
    scheme: Code
    value: Short


class RelationIn(Strict):
    """A related work: by identifier, and linked to the record here that carries that identifier if any."""

    relation: Code
    scheme: Code
    value: Short
    label: Text = ""


class QualityFlag(Strict):
    """A problem with a value as the source gave it, which curators should look at: the record was kept.

    `field` is the input's path ("journal.issn", "identifiers", "contributors[2].person.orcid"), `kind` a
    stable code (`records.services.validation.FLAG_KINDS`), `value` the value as given, `scheme` the
    identifier scheme for an identifier kept aside, and `kept` what the record holds instead ("" when
    the value was left out)."""

    field: Short
    kind: Code
    value: Text = ""
    scheme: Code = ""
    kept: Text = ""
    message: Text = ""


class RecordIn(Strict):
    local_id: Code = ""
    state: Code = "published"
    title: Text
    subtitle: Text = ""
    title_language: Code = ""
    alternative_titles: list[AlternativeTitle] = Field(default_factory=list, max_length=20)
    output_type: Code
    content_type: Code = ""
    publication_status: Code = ""
    language: Code = ""
    issued: Code = ""
    journal: JournalIn | None = None
    host_title: Text = ""
    volume: Number = ""
    issue: Number = ""
    article_number: Number = ""
    pages_start: Page = ""
    pages_end: Page = ""
    page_count: Annotated[int, Field(ge=0, le=MAX_PAGE_COUNT)] | None = None
    publisher: Short = ""
    place: Name = ""
    edition: Code = ""
    series_number: Number = ""
    conference: Text = ""
    abstracts: list[LanguageText] = Field(default_factory=list, max_length=20)
    keywords: list[LanguageKeywords] = Field(default_factory=list, max_length=20)
    funders: list[Funder] = Field(default_factory=list, max_length=100)
    notes: list[Text] = Field(default_factory=list, max_length=100)
    licence: Code = ""
    links: list[LinkIn] = Field(default_factory=list, max_length=50)
    access_condition: Code = ""
    subjects: list[Code] = Field(default_factory=list, max_length=50)
    identifiers: list[IdentifierIn] = Field(default_factory=list, max_length=200)
    relations: list[RelationIn] = Field(default_factory=list, max_length=200)
    contributors: list[ContributorIn] = Field(default_factory=list, max_length=5000)
    created: dt.date | None = None
    available_from: dt.date | None = None
    last_updated: dt.date | None = None
    approved: bool = False
    quality_flags: list[QualityFlag] = Field(default_factory=list, max_length=1000)


def _partial(model: type[Strict], name: str) -> type[Strict]:
    """`model` with every field optional (default None, never validated), each keeping its type and
    limits: a PATCH body, whose set fields (`exclude_unset`) are the ones to change."""
    fields = {}
    for field_name, info in model.model_fields.items():
        optional = copy(info)
        optional.default, optional.default_factory = None, None
        fields[field_name] = (info.annotation, optional)
    return create_model(name, __base__=Strict, __doc__=f"Some fields of {model.__name__}.", **fields)


RecordPatch = _partial(RecordIn, "RecordPatch")

"""Checking and normalising record input before anything is written.

Shape is pydantic's job (`records.schemas`); here the meaning is checked: vocabulary codes, identifier
checksums and forms, languages, dates, known organisations. Lookups that need the database are loaded
once per batch (`Lookups.for_inputs`), so validating a thousand records costs two queries, not two thousand.

A record is refused only without a title. Any other bad value is fixed when the fix is certain (format
characters, NFC and spaces, an "(electronic)" after an ISSN, ISSNs typed into an ISBN field) and otherwise
kept aside with a quality flag (`RecordIn.quality_flags`) for curators: a flagged identifier is kept as
given in its flag, not among the record's identifiers, so readers and harvesters never take it for a
valid one. Importers are lenient (flags); a person's edit (`lenient=False`) is refused for a problem it
brings, so the form or API can name the field, and keeps the flags the record had.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samla.core.converters import LOCAL_ID
from samla.core.errors import InvalidInput
from samla.organisations.models import Organisation
from samla.vocabularies.identifiers import (
    SCHEMES,
    InvalidIdentifier,
    issns_in,
    normalise_identifier,
    normalise_issn,
    normalise_orcid,
    tidy,
    without_qualifier,
)
from samla.vocabularies.languages import normalise_language
from samla.vocabularies.licences import licences
from samla.vocabularies.models import SubjectCategory
from samla.vocabularies.output_types import output_types
from samla.vocabularies.record_terms import (
    ACCESS_CONDITIONS,
    CONTENT_TYPES,
    CONTRIBUTOR_ROLES,
    PUBLICATION_STATUSES,
    RECORD_STATES,
    RELATIONS,
)

from ..schemas import IdentifierIn, QualityFlag, RecordIn

ISSUED = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_CODES = {
    "access_condition": {c for c, _label in ACCESS_CONDITIONS},
    "content_type": {c for c, _label in CONTENT_TYPES},
    "publication_status": {c for c, _label in PUBLICATION_STATUSES},
    "state": {c for c, _label in RECORD_STATES},
}
_ROLES = {c for c, _label in CONTRIBUTOR_ROLES}

# Every kind of quality flag, with what curators read.
FLAG_KINDS = {
    "invalid-identifier": _("Invalid identifier"),
    "unknown-scheme": _("Unknown identifier scheme"),
    "invalid-relation": _("Invalid related identifier"),
    "invalid-issn": _("Invalid journal ISSN"),
    "output-type-guessed": _("Output type guessed"),
    "unknown-code": _("Unknown code"),
    "impossible-date": _("Impossible date"),
    "unknown-language": _("Unknown language"),
    "unknown-subject": _("Unknown subject category"),
    "invalid-local-id": _("Invalid record id"),
    "invalid-orcid": _("Invalid ORCID iD"),
    "unknown-role": _("Unknown contributor role"),
    "unknown-organisation": _("Unknown organisation"),
    "contributor-without-name": _("Contributor without a name"),
    "invalid-link": _("Invalid link"),
    "invalid-value": _("Invalid value"),
    "identifier-taken": _("Identifier of another record"),
}

# Genre words of sources without Swepub output types (JabRef MODS, BibTeX and CSL types), as hints.
GENRE_HINTS = {
    "article": "publication/journal-article",
    "journal article": "publication/journal-article",
    "academic journal": "publication/journal-article",
    "article-journal": "publication/journal-article",
    "book": "publication/book",
    "monograph": "publication/book",
    "chapter": "publication/book-chapter",
    "book chapter": "publication/book-chapter",
    "inbook": "publication/book-chapter",
    "incollection": "publication/book-chapter",
    "inproceedings": "conference/paper",
    "conference paper": "conference/paper",
    "paper-conference": "conference/paper",
    "proceedings": "conference/proceeding",
    "phdthesis": "publication/doctoral-thesis",
    "doctoral thesis": "publication/doctoral-thesis",
    "report": "publication/report",
    "techreport": "publication/report",
    "preprint": "publication/preprint",
    "dataset": "other/data-set",
    "software": "other/software",
    "patent": "intellectual-property/patent",
}


@dataclass(frozen=True)
class Lookups:
    """What validation needs from the database, loaded for a whole batch of inputs at once."""

    subject_codes: frozenset[str]
    organisation_ids: dict[str, int]  # Organisation.identifier -> pk

    @classmethod
    def for_inputs(cls, inputs: Sequence[RecordIn]) -> Lookups:
        codes = {code for data in inputs for code in data.subjects}
        wanted = {
            a.organisation for d in inputs for c in d.contributors for a in c.affiliations if a.organisation
        }
        return cls(
            subject_codes=frozenset(
                SubjectCategory.objects.filter(code__in=codes).values_list("code", flat=True)
            ),
            organisation_ids=dict(
                Organisation.objects.filter(identifier__in=wanted).values_list("identifier", "pk")
            ),
        )


class Flags(list):
    """The quality flags found while cleaning one record, and the input path of each (`paths`: where a
    refused edit's error points; a flag names a list, "identifiers", where the path names the item)."""

    def __init__(self) -> None:
        super().__init__()
        self.paths: list[str] = []

    def add(
        self,
        field: str,
        kind: str,
        value: Any,
        message: str,
        *,
        kept: str = "",
        scheme: str = "",
        path: str = "",
    ) -> None:
        self.append(
            QualityFlag(
                field=field, kind=kind, value=str(value)[:20_000], scheme=scheme, kept=kept, message=message
            )
        )
        self.paths.append(path or field)


def clean_record_input(data: RecordIn, lookups: Lookups | None = None, *, lenient: bool = False) -> RecordIn:
    """The input with every code and identifier checked and normalised, and its quality flags set.

    Normalises `data` in place (inputs are built per call, and copying them cost a quarter of an import),
    and gives the same result when cleaned again. InvalidInput when the title is missing, or, unless
    `lenient`, when a value is flagged that the input's own flags did not name already.

    Field paths follow the input ("identifiers[2].value"), so an importer can name the record and field
    and a form can mark the field.
    """
    lookups = lookups or Lookups.for_inputs([data])
    carried = _reopen_carried_flags(data)
    flags = Flags()
    _clean_codes(data, flags, lookups)
    _clean_languages(data, flags)
    _clean_identifiers(data, flags)
    _clean_journal(data, flags)
    _clean_contributors(data, flags, lookups)
    if not data.title:
        label = data.local_id or data.title[:60]
        raise InvalidInput(
            f"Record {label}: title: a title is required", fields={"title": "a title is required"}
        )
    if flags or carried:  # most records have neither: nothing more to do
        _set_flags(data, flags, carried, lenient=lenient)
    return data


def _set_flags(data: RecordIn, flags: Flags, carried: list[QualityFlag], *, lenient: bool) -> None:
    """The record's flags: those found now, and those it carried that still hold. Unless `lenient`,
    InvalidInput names the problems found now that it did not carry."""
    known = {(f.field, f.kind, f.value) for f in carried}
    new = {
        p: f.message
        for p, f in zip(flags.paths, flags, strict=True)
        if (f.field, f.kind, f.value) not in known
    }
    if new and not lenient:
        path, problem = next(iter(new.items()))
        record = data.local_id or data.title[:60]
        message = gettext("Record %(record)s: %(field)s: %(problem)s")
        raise InvalidInput(message % {"record": record, "field": path, "problem": problem}, fields=new)
    found = {(f.field, f.kind, f.value) for f in flags}
    flags += [
        f
        for f in carried
        if f.field != "identifiers" and (f.field, f.kind, f.value) not in found and _still_holds(data, f)
    ]
    data.quality_flags = sorted(flags, key=lambda f: (f.field, f.kind, f.scheme, f.value))


def _reopen_carried_flags(data: RecordIn) -> list[QualityFlag]:
    """The input's own flags (a stored record read back for an edit, or an importer's), with each
    identifier kept aside put back among the identifiers to be checked again."""
    carried = data.quality_flags
    if not carried:  # an import's input: nothing to reopen
        return carried
    data.quality_flags = []
    given = {(i.scheme, i.value) for i in data.identifiers}
    for flag in carried:
        if flag.field == "identifiers" and flag.scheme and (flag.scheme, flag.value) not in given:
            data.identifiers.append(IdentifierIn(scheme=flag.scheme, value=flag.value))
    return carried


_STEP = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


def _still_holds(data: RecordIn, flag: QualityFlag) -> bool:
    """Whether a carried flag still describes the record: its field still holds what was kept then (a
    curator who has since set the field has dealt with it)."""
    node: Any = data
    for name, index in _STEP.findall(flag.field):
        node = getattr(node, name, None)
        if index and isinstance(node, list):
            node = node[int(index)] if int(index) < len(node) else None
        if node is None:
            return True
    return not isinstance(node, str) or node == flag.kept


def _clean_codes(data: RecordIn, flags: Flags, lookups: Lookups) -> None:
    if data.local_id and not LOCAL_ID.fullmatch(data.local_id):
        _clean_local_id(data, flags)
    if data.output_type not in output_types():
        given = data.output_type
        data.output_type = guess_output_type(data)
        message = f"unknown output type {given!r}, guessed {data.output_type}"
        flags.add("output_type", "output-type-guessed", given, message, kept=data.output_type)
    for field, codes in _CODES.items():
        value = getattr(data, field)
        if value and value not in codes:
            kept = "published" if field == "state" else ""
            setattr(data, field, kept)
            message = f"unknown code {value!r}; one of {', '.join(sorted(codes))}"
            flags.add(field, "unknown-code", value, message, kept=kept)
    if data.issued and not _is_partial_date(data.issued):
        given = data.issued
        data.issued = _valid_prefix(given)
        message = f"{given!r} is not a date as YYYY, YYYY-MM or YYYY-MM-DD"
        flags.add("issued", "impossible-date", given, message, kept=data.issued)
    if data.licence and data.licence not in licences():
        flags.add("licence", "unknown-code", data.licence, f"unknown licence {data.licence!r}")
        data.licence = ""
    links = []
    for index, link in enumerate(data.links):
        if urlsplit(link.url).scheme in ("http", "https"):
            links.append(link)
        else:
            message = f"{link.url!r} is not an http(s) URL"
            flags.add("links", "invalid-link", link.url, message, path=f"links[{index}].url")
    data.links = links
    for index, code in enumerate(data.subjects):
        if code not in lookups.subject_codes:
            flags.add(
                "subjects",
                "unknown-subject",
                code,
                f"unknown SSIF category {code!r}",
                path=f"subjects[{index}]",
            )
    data.subjects = sorted({code for code in data.subjects if code in lookups.subject_codes})


def _clean_local_id(data: RecordIn, flags: Flags) -> None:
    """A source id that is no `<prefix>:<id>` becomes one, the same each time, so a re-import finds the
    record again: "archives/cushman/P07803" → "import:archives_cushman_P07803"."""
    given = data.local_id
    prefix, _colon, rest = tidy(given).rpartition(":")
    prefix = re.sub(r"[^a-z0-9]", "", prefix.lower())
    prefix = prefix if prefix[:1].isalpha() else "import"
    data.local_id = f"{prefix}:{re.sub(r'[^A-Za-z0-9_.-]', '_', rest) or '_'}"[:60]
    message = f"{given!r} is not <prefix>:<id> (like diva2:1897829); stored as {data.local_id}"
    flags.add("local_id", "invalid-local-id", given, message, kept=data.local_id)


def guess_output_type(data: RecordIn) -> str:
    """The most likely output type of a record whose source gave none or an unknown one: its genre word if
    it is a common one, else what its other fields say (a journal → article, a host book → chapter…)."""
    hint = data.output_type.lower().rpartition(":")[2].strip()
    if hint in GENRE_HINTS:
        return GENRE_HINTS[hint]
    schemes = {i.scheme for i in data.identifiers}
    if data.journal is not None:
        return "publication/journal-article"
    if data.conference:
        return "conference/paper"
    if data.host_title:
        return "publication/book-chapter"
    if "isbn" in schemes:
        return "publication/book"
    return "publication/other"


def _is_partial_date(value: str) -> bool:
    if not ISSUED.match(value):
        return False
    parts = [int(p) for p in value.split("-")] + [1, 1]
    try:
        dt.date(parts[0], parts[1], parts[2])
    except ValueError:
        return False
    return True


def _valid_prefix(value: str) -> str:
    """The longest YYYY-MM or YYYY that starts an impossible date, "" when none does."""
    for length in (7, 4):
        if _is_partial_date(value[:length]) and value[length : length + 1] in ("", "-"):
            return value[:length]
    return ""


def _clean_languages(data: RecordIn, flags: Flags) -> None:
    def clean(path: str, code: str) -> str:
        if not code:
            return ""
        normal = normalise_language(tidy(code))
        if normal is None:
            flags.add(path, "unknown-language", code, f"unknown ISO 639 language code {code!r}")
            return ""
        return normal

    for item, field, path in [(data, "language", "language"), (data, "title_language", "title_language")] + [
        (item, "language", f"{name}[{index}].language")
        for name in ("abstracts", "keywords", "alternative_titles")
        for index, item in enumerate(getattr(data, name))
    ]:
        given = getattr(item, field)
        if given and (normal := clean(path, given)) != given:
            setattr(item, field, normal)  # only when it changes: pydantic's setattr is the dear part


def _clean_identifiers(data: RecordIn, flags: Flags) -> None:
    """Each identifier normalised in place (a model built anew for each cost more than its check), or
    kept aside with a flag; repeats dropped."""
    seen = set()
    kept = []
    for index, identifier in enumerate(data.identifiers):
        for scheme, value, problem in _checked(identifier.scheme, identifier.value):
            if problem:
                kind = "invalid-identifier" if scheme in SCHEMES else "unknown-scheme"
                path = f"identifiers[{index}].value"
                flags.add("identifiers", kind, value, problem, scheme=scheme, path=path)
                continue
            if (scheme, value) in seen:
                continue
            seen.add((scheme, value))
            if scheme != identifier.scheme:
                kept.append(IdentifierIn(scheme=scheme, value=value))
                continue
            if value != identifier.value:
                identifier.value = value
            kept.append(identifier)
    if len(kept) != len(data.identifiers) or any(
        a is not b for a, b in zip(kept, data.identifiers, strict=False)
    ):
        data.identifiers = kept
    relations = []
    for index, relation in enumerate(data.relations):
        path = f"relations[{index}].relation"
        try:
            if relation.relation not in RELATIONS:
                raise InvalidIdentifier(f"unknown relation {relation.relation!r}")
            path = f"relations[{index}].value"
            relation.value = normalise_identifier(relation.scheme, tidy(relation.value))
        except InvalidIdentifier as error:
            given = f"{relation.relation} {relation.scheme} {relation.value}"
            flags.add(f"relations[{index}]", "invalid-relation", given, str(error), path=path)
            continue
        relations.append(relation)
    if len(relations) != len(data.relations):
        data.relations = relations


def _checked(scheme: str, value: str) -> list[tuple[str, str, str]]:
    """The identifiers a given one stands for, each normalised with "" or as given with what is wrong.
    Most are valid as given: one check."""
    if scheme in SCHEMES and value.isascii() and value == value.strip():
        try:
            return [(scheme, normalise_identifier(scheme, value), "")]
        except InvalidIdentifier:
            pass
    found = []
    for fixed_scheme, fixed in _certain_fixes(scheme, value):
        try:
            found.append((fixed_scheme, normalise_identifier(fixed_scheme, fixed), ""))
        except InvalidIdentifier as error:
            found.append((fixed_scheme, fixed, str(error)))
    return found


def _certain_fixes(scheme: str, value: str) -> list[tuple[str, str]]:
    """The identifiers a given one stands for once what is certainly wrong is fixed: format characters
    and spaces gone, a qualifier after an ISSN or ISBN dropped, ISSNs in an ISBN field moved to ISSN."""
    scheme, value = tidy(scheme).lower(), tidy(value)
    if scheme == "isbn" and (issns := issns_in(value)):
        return [("issn", issn) for issn, _electronic in issns]
    if scheme in ("isbn", "issn"):
        value = without_qualifier(value)
    return [(scheme, value)]


def _clean_journal(data: RecordIn, flags: Flags) -> None:
    """The journal's ISSN and E-ISSN checked: two ISSNs in one field are split (the electronic one, or the
    second, is the E-ISSN), a qualifier dropped; an invalid one is left out and flagged."""
    journal = data.journal
    if journal is None or not (journal.issn or journal.eissn):
        return
    given = {"issn": tidy(journal.issn), "eissn": tidy(journal.eissn)}
    found = issns_in(given["issn"])
    if len(found) > 1 and not given["eissn"]:
        electronic = next((issn for issn, is_e in found if is_e), found[-1][0])
        given = {"issn": next(i for i, _e in found if i != electronic), "eissn": electronic}
    for field, value in given.items():
        value = without_qualifier(value)
        try:
            value = normalise_issn(value) if value else ""
        except InvalidIdentifier as error:
            flags.add(f"journal.{field}", "invalid-issn", getattr(journal, field), str(error))
            value = ""
        if value != getattr(journal, field):
            setattr(journal, field, value)


def _clean_contributors(data: RecordIn, flags: Flags, lookups: Lookups) -> None:
    named = []
    for index, contributor in enumerate(data.contributors):
        path = f"contributors[{index}]"
        if not contributor.family_name and contributor.given_name:
            contributor.family_name, contributor.given_name = contributor.given_name, ""
        if not contributor.family_name:
            flags.add(path, "contributor-without-name", contributor.role, "a name is required")
            continue
        if contributor.role not in _ROLES:
            flags.add(
                f"{path}.role",
                "unknown-role",
                contributor.role,
                f"unknown role {contributor.role!r}",
                kept="oth",
            )
            contributor.role = "oth"
        if contributor.person and contributor.person.orcid:
            _clean_orcid(contributor, path, flags)
        if contributor.affiliations:
            _clean_affiliations(contributor, path, flags, lookups)
        named.append(contributor)
    if len(named) != len(data.contributors):
        data.contributors = named


def _clean_orcid(contributor: Any, path: str, flags: Flags) -> None:
    person = contributor.person
    try:
        person.orcid = normalise_orcid(tidy(person.orcid))
    except InvalidIdentifier as error:
        flags.add(f"{path}.person.orcid", "invalid-orcid", person.orcid, str(error))
        person.orcid = ""
        if not (person.local_id or person.authority_id):
            contributor.person = None


def _clean_affiliations(contributor: Any, path: str, flags: Flags, lookups: Lookups) -> None:
    kept = []
    for index, affiliation in enumerate(contributor.affiliations):
        if affiliation.organisation and affiliation.organisation not in lookups.organisation_ids:
            flags.add(
                f"{path}.affiliations[{index}].organisation",
                "unknown-organisation",
                affiliation.organisation,
                f"unknown organisation {affiliation.organisation!r}",
            )
            affiliation.text = affiliation.text or affiliation.organisation
            affiliation.organisation = ""
        if affiliation.organisation or affiliation.text:
            kept.append(affiliation)
    if len(kept) != len(contributor.affiliations):
        contributor.affiliations = kept

"""Identifier schemes: how each is validated, normalised, labelled and resolved.

Validation uses python-stdnum and idutils. Web of Science, Scopus and OAI identifiers have no checksum and
no library check, so they are matched against their published formats.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

import idutils
from django.conf import settings
from django.utils.translation import gettext_lazy
from stdnum import isbn as stdnum_isbn
from stdnum import issn as stdnum_issn
from stdnum.exceptions import ValidationError as StdnumError

# OAI-PMH 2.0 oai-identifier scheme: oai:<domain-like repository id>:<local id>.
OAI_IDENTIFIER = re.compile(
    r"^oai:[A-Za-z][A-Za-z0-9\-]*(\.[A-Za-z][A-Za-z0-9\-]*)+:[\w\-.!~*'();/?:@&=+$,%]+$"
)
WOS_ACCESSION = re.compile(r"^[A-Z0-9]{15}$")
SCOPUS_EID = re.compile(r"^2-s2\.0-\d{8,12}$")
SOURCE_LOCAL_ID = re.compile(r"^[^\s\x00-\x1f\x7f]{1,300}$")


# A qualifier a catalogue writes after an ISSN or ISBN: "2325-9671 (electronic)", "978-91-7685-… (pbk.)".
QUALIFIER = re.compile(
    r"\s*\((electronic|print|online|e-?issn|p-?issn|issn-?l|linking|pbk\.?|hbk\.?|paperback|hardback"
    r"|hardcover|e-?book|pdf|cloth)\)",
    re.IGNORECASE,
)
# ISSNs, each with the qualifier a catalogue may write after it: "1651-2081 (Electronic) 1650-1977 (Linking)".
_ISSN_LIST = re.compile(r"^(?:\s*[,;]?\s*\d{4}-\d{3}[\dXx]\s*(?:\([^)]*\))?)+\s*$")
_ISSN_ITEM = re.compile(r"(\d{4}-\d{3}[\dXx])\s*(?:\(([^)]*)\))?")
_ELECTRONIC = re.compile(r"electronic|online|e-?issn", re.IGNORECASE)


def tidy(value: str) -> str:
    """`value` without Unicode format characters (zero-width space, soft hyphen, byte order mark…), in NFC,
    trimmed: what a copy from a web page or a PDF adds to an identifier is never part of it."""
    if value.isascii():
        return value.strip()
    value = "".join(c for c in value if unicodedata.category(c) != "Cf")
    return unicodedata.normalize("NFC", value).strip()


def issns_in(value: str) -> list[tuple[str, bool]]:
    """The ISSNs of a value that is nothing but ISSNs with their qualifiers, each with whether it is said to
    be the electronic one; [] for any other value. Hyphenated ISSNs are four digits, a hyphen and four,
    which no ISBN is, so an ISSN typed into an ISBN field is told apart for certain."""
    if not _ISSN_LIST.match(value):
        return []
    return [(issn.upper(), bool(_ELECTRONIC.search(note or ""))) for issn, note in _ISSN_ITEM.findall(value)]


def without_qualifier(value: str) -> str:
    """An ISSN or ISBN without the qualifier written after it ("(electronic)", "(print)", "(pbk.)")."""
    return QUALIFIER.sub("", value).strip()


class InvalidIdentifier(ValueError):
    """The value is not an identifier of the scheme; the message says what was expected."""


def _doi(value: str) -> str:
    value = value.strip()
    if not idutils.is_doi(value):
        raise InvalidIdentifier(f"{value!r} is not a DOI (10.<prefix>/<suffix>)")
    return idutils.normalize_doi(value)


def _urn(value: str) -> str:
    value = value.strip()
    value = re.sub(r"^https?://[^?]+\?urn=", "", value)
    if not value.lower().startswith("urn:nbn:") or not idutils.is_urn(value):
        raise InvalidIdentifier(f"{value!r} is not a URN:NBN")
    return value


def _isi(value: str) -> str:
    value = value.strip().upper().removeprefix("WOS:")
    if not WOS_ACCESSION.match(value):
        raise InvalidIdentifier(f"{value!r} is not a Web of Science accession number (15 characters)")
    return value


def _pmid(value: str) -> str:
    value = value.strip()
    if not idutils.is_pmid(value) or not value.isdigit():
        raise InvalidIdentifier(f"{value!r} is not a PubMed id")
    return value


def _scopus(value: str) -> str:
    value = value.strip()
    if not SCOPUS_EID.match(value):
        raise InvalidIdentifier(f"{value!r} is not a Scopus EID (2-s2.0-…)")
    return value


@lru_cache(maxsize=4096)
def _isbn(value: str) -> str:
    """The ISBN hyphenated as its ranges say. Cached: `stdnum.isbn.format` finds the group and publisher
    ranges by a linear scan of python-stdnum's ISBN range table, 200-600 us an ISBN (the check digit costs
    a tenth of that), and a batch names the same books again (chapters name their book's ISBN)."""
    try:
        return stdnum_isbn.format(stdnum_isbn.validate(value))
    except StdnumError as error:
        raise InvalidIdentifier(f"{value!r} is not a valid ISBN ({error})") from None


def _issn(value: str) -> str:
    return normalise_issn(value)


def _oai(value: str) -> str:
    value = value.strip()
    if not OAI_IDENTIFIER.match(value):
        raise InvalidIdentifier(f"{value!r} is not an OAI identifier (oai:<repository>:<id>)")
    return value


def _handle(value: str) -> str:
    value = re.sub(r"^https?://hdl\.handle\.net/", "", value.strip())
    if not idutils.is_handle(value):
        raise InvalidIdentifier(f"{value!r} is not a Handle")
    return value


def _arxiv(value: str) -> str:
    value = value.strip()
    if not idutils.is_arxiv(value):
        raise InvalidIdentifier(f"{value!r} is not an arXiv id")
    return idutils.normalize_arxiv(value)


def _uri(value: str) -> str:
    value = value.strip()
    if not idutils.is_url(value):
        raise InvalidIdentifier(f"{value!r} is not a URL")
    return value


def _local(value: str) -> str:
    """Another system's own id for the record (DiVA's `oai:bth.se:forskinfo…`): any printable token."""
    value = value.strip()
    if not SOURCE_LOCAL_ID.match(value):
        raise InvalidIdentifier(f"{value!r} is not a local id (printable characters, no spaces)")
    return value


@dataclass(frozen=True)
class Scheme:
    code: str
    label: str
    normalise: Callable[[str], str]
    resolver: Callable[[str], str] | None = None


SCHEMES: dict[str, Scheme] = {
    s.code: s
    for s in [
        Scheme("urn", "URN", _urn, lambda v: settings.URN_RESOLVER + v),
        Scheme("doi", "DOI", _doi, lambda v: "https://doi.org/" + quote(v, safe="/:;()")),
        Scheme("isi", "ISI", _isi, lambda v: f"https://www.webofscience.com/wos/woscc/full-record/WOS:{v}"),
        Scheme("pmid", "PubMedID", _pmid, lambda v: f"https://pubmed.ncbi.nlm.nih.gov/{v}/"),
        Scheme(
            "scopus",
            "Scopus ID",
            _scopus,
            lambda v: f"https://www.scopus.com/record/display.uri?eid={v}&origin=resultslist",
        ),
        Scheme("isbn", "ISBN", _isbn),
        Scheme("issn", "ISSN", _issn),
        Scheme("oai", "OAI", _oai),
        Scheme("handle", "Handle", _handle, lambda v: f"https://hdl.handle.net/{v}"),
        Scheme("arxiv", "arXiv", _arxiv, lambda v: f"https://arxiv.org/abs/{v}"),
        Scheme("uri", "URI", _uri, lambda v: v),
        Scheme("local", gettext_lazy("Local id"), _local),
    ]
}


def normalise_identifier(scheme: str, value: str) -> str:
    """The stored form of `value` in `scheme`; InvalidIdentifier names what is wrong."""
    if scheme not in SCHEMES:
        raise InvalidIdentifier(f"unknown identifier scheme {scheme!r}")
    return SCHEMES[scheme].normalise(value)


def resolver_url(scheme: str, value: str) -> str:
    resolver = SCHEMES[scheme].resolver if scheme in SCHEMES else None
    return resolver(value) if resolver else ""


@lru_cache(maxsize=4096)
def normalise_issn(value: str) -> str:
    """Cached (32 us a call): a batch of imported articles names the same journals again and again."""
    try:
        return stdnum_issn.format(stdnum_issn.validate(value))
    except StdnumError as error:
        raise InvalidIdentifier(f"{value!r} is not a valid ISSN ({error})") from None


@lru_cache(maxsize=4096)
def normalise_orcid(value: str) -> str:
    """ORCID iD in its 16-digit hyphenated form; the ISO 7064 11,2 check digit must be right.

    Cached (14 us a call, idutils tries the ISNI patterns too): researchers recur across the records of
    an import."""
    value = value.strip()
    if not idutils.is_orcid(value):
        raise InvalidIdentifier(f"{value!r} is not a valid ORCID iD (wrong form or check digit)")
    return idutils.normalize_orcid(value)

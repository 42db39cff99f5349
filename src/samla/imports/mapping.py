"""What a mapper hands the import service, and the XML and text helpers of the MODS and Dublin Core mappers.

Mappers copy values as the source gives them. Checking identifiers, ORCIDs, codes and languages is the job of
`records.services`, so a bad value fails its record with the field named instead of vanishing on the way in.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from django.conf import settings
from lxml import etree
from pydantic import ValidationError
from pydantic_core import to_json

from samla.core.errors import InvalidInput, field_problems
from samla.records.schemas import RecordIn

XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_MARKUP = re.compile(r"<[A-Za-z/!]")
_PARAGRAPH = "\u2029"  # Unicode paragraph separator: marks block ends until whitespace is collapsed
_BLOCKS = {"p", "div", "br", "li", "tr", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"}
_HTML = etree.HTMLParser(no_network=True)
_WHOLE_HTML = re.compile(r"^\s*<(?:html|!doctype)", re.IGNORECASE).match  # as lxml.html tells
_STRING_VALUE = etree.XPath("string()")  # the text of every descendant, as lxml.html's text_content()


@dataclass(frozen=True)
class OrganisationPath:
    """An organisation a record's affiliation links to: the source's identifier ("liu:9150") and its
    names from the top (university) down to the unit."""

    identifier: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class Header:
    """The OAI-PMH header of a record; empty for a stand-alone MODS file."""

    identifier: str = ""
    datestamp: str = ""
    deleted: bool = False
    sets: tuple[str, ...] = ()


class MappedRecord:
    """A source record as its mapper gave it: the values of the service's input (`record`, checked against
    the schema when first asked for), and the organisations that must exist before it.

    Why checked late: an import's reading process hands a record on unchecked, as the JSON of its values,
    and the writing process checks it while it rebuilds the input from that JSON in one call. Checking it
    in the reading process too, and writing the checked input's JSON there, was a tenth of that process's
    work; the writing process validated the JSON all the same.
    """

    __slots__ = ("_record", "_values", "format", "organisations")

    def __init__(
        self,
        values: dict[str, Any] | bytes,
        organisations: tuple[OrganisationPath, ...] = (),
        format: str = "",  # the source format, as field provenance names it: "mods", "oai_dc"…
    ) -> None:
        self._values = values  # the mapper's values, or their JSON
        self.organisations = organisations
        self.format = format
        self._record: RecordIn | None = None

    @property
    def record(self) -> RecordIn:
        return self.checked()._record

    @property
    def values(self) -> Mapping[str, Any]:
        """The values as the mapper gave them, unchecked (empty once they have crossed as JSON)."""
        return self._values if isinstance(self._values, dict) else {}

    def checked(self) -> MappedRecord:
        """This record, its values checked: InvalidInput names the first field the schema refuses."""
        if self._record is None:
            self._record = record_in(self._values)
        return self

    def __reduce__(self) -> tuple:
        """Pickled as the JSON of its values (of its input, once checked), for the reading process
        (`batch.pipeline`) to hand on: orjson writes the values in a third of what checking them and writing
        the input's JSON took, and pydantic's serializer writes what orjson cannot (an int past 64 bits)."""
        if self._record is not None:
            values = self._record.model_dump_json().encode()
        elif isinstance(self._values, bytes):
            values = self._values
        else:
            try:
                values = orjson.dumps(self._values)
            except TypeError:
                values = to_json(self._values)
        return MappedRecord, (values, self.organisations, self.format)


def localname(element: etree._Element) -> str:
    """The tag without its namespace ("" for comments and processing instructions)."""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def children(element: etree._Element, name: str) -> list[etree._Element]:
    """Child elements called `name` in any namespace: some DiVA records carry un-namespaced MODS elements."""
    return list(element.iterchildren(f"{{*}}{name}"))


def child(element: etree._Element, name: str) -> etree._Element | None:
    return next(iter(children(element, name)), None)


class Children:
    """The child elements of one element by local name (any namespace, as `children`), found in one pass.

    Why: `children` has lxml match the name on every call, about 9 us on a DiVA <mods> of some fifty
    children, and mapping a record asks its <mods> for about twenty names.
    """

    __slots__ = ("_by_name",)

    def __init__(self, element: etree._Element) -> None:
        by_name: dict[str, list[etree._Element]] = {}
        for item in element.iterchildren(etree.Element):
            name = item.tag.rpartition("}")[2]
            if name in by_name:
                by_name[name].append(item)
            else:
                by_name[name] = [item]
        self._by_name = by_name

    @classmethod
    def of_all(cls, elements: Sequence[etree._Element]) -> Children:
        """The children of several elements as if of one, in order: DiVA splits one host over two
        relatedItems (one with only the part, one with the journal's title and ISSN)."""
        merged = cls.__new__(cls)
        merged._by_name = {}
        for element in elements:
            for name, items in cls(element)._by_name.items():
                merged._by_name.setdefault(name, []).extend(items)
        return merged

    def all(self, name: str) -> Sequence[etree._Element]:
        return self._by_name.get(name, ())

    def first(self, name: str) -> etree._Element | None:
        found = self._by_name.get(name)
        return found[0] if found else None


def clean(text: str | None) -> str:
    """Whitespace collapsed: source XML is pretty-printed, so values carry newlines and indentation.

    A long text (a paragraph of an abstract) that is clean already is returned as it is: checking it
    costs about half of splitting it into words, though more than splitting a short value. Every
    whitespace character but the space is unprintable."""
    if not text:
        return ""
    if len(text) > 64 and text.isprintable() and "  " not in text and text[0] != " " and text[-1] != " ":
        return text
    return " ".join(text.split())


def element_text(element: etree._Element | None) -> str:
    """The element's text with its descendants', whitespace collapsed (most are leaves: their text)."""
    if element is None:
        return ""
    return clean(element.text if not len(element) else "".join(element.itertext()))


def rich_text(element: etree._Element) -> str:
    """An abstract's or note's text, one paragraph a line.

    Paragraphs come as <p> children or as HTML inside the text, escaped once (DiVA) or twice (Zenodo's
    oai_dc); either way the markup goes and the paragraph breaks stay.
    """
    inner = (element.text or "") + "".join(etree.tostring(c, encoding="unicode") for c in element)
    if not _MARKUP.search(inner) and "&" in inner:
        inner = html.unescape(inner)
    return html_to_text(inner) if _MARKUP.search(inner) else clean(inner)


def html_to_text(fragment: str) -> str:
    """The text of an HTML fragment, one block (paragraph, list item, line break…) a line.

    Parsed as lxml.html parses a fragment, but with the plain HTML parser: lxml.html's element classes
    cost a third of the time, and it fails outright on a fragment that is a whole document without a
    body ("<html></html>") or nothing at all ("<!doctype html>"), which here are simply text-less."""
    root = etree.fromstring(
        fragment if _WHOLE_HTML(fragment) else f"<html><body>{fragment}</body></html>", _HTML
    )
    if root is None:
        return ""
    body = root.find("body")
    scope = root if body is None else body
    for element in scope.iter():
        if element.tag in _BLOCKS:
            element.tail = _PARAGRAPH + (element.tail or "")
    text = _STRING_VALUE(scope)
    return "\n".join(line for line in map(clean, text.split(_PARAGRAPH)) if line)


def date_part(value: str) -> str:
    """The date of a date-time: 2019-08-16 from 2019-08-16T14:11:39, 2017-02-04T11:41:42+01:00 or
    2019-11-19 10:58:40 (Chalmers' MODS)."""
    return clean(value).replace(" ", "T", 1).split("T", 1)[0]


def local_id_from(identifier: str) -> str:
    """A deterministic local id for a record whose source gives none, so a re-import finds it again:
    "oai:zenodo.org:8333281" → "zenodo:8333281", "hdl:1765/308" → "hdl:1765_308"."""
    parts = identifier.split(":")
    if parts[0] == "oai" and len(parts) > 2:
        prefix, item = parts[1].split(".")[0], ":".join(parts[2:])
    else:
        prefix, item = parts[0], ":".join(parts[1:])
    return f"{re.sub(r'[^a-z0-9]', '', prefix.lower())}:{re.sub(r'[^A-Za-z0-9_.-]', '_', item)}"


def add_header(raw: dict[str, Any], header: Header) -> None:
    """Keep what the OAI-PMH header says: the identifier, as the record's OAI identifier when it is one
    (oai:…) and as the seed of its local id when the metadata has none; the datestamp, the last change in
    the source, as the dates of creation and change when the metadata gives none.

    An identifier of this repository (oai:OAI_REPOSITORY_ID:local-id, Samla harvesting itself) names the
    record by its local id and is not kept as an identifier: it is made from the local id."""
    own = f"oai:{settings.OAI_REPOSITORY_ID}:"
    if header.identifier.startswith(own):
        raw["local_id"] = raw.get("local_id") or header.identifier[len(own) :]
    elif header.identifier.startswith("oai:"):
        raw["identifiers"].append({"scheme": "oai", "value": header.identifier})
    if not raw.get("local_id") and header.identifier:
        raw["local_id"] = local_id_from(header.identifier)
    for field in ("created", "last_updated"):
        if not raw.get(field) and header.datestamp:
            raw[field] = date_part(header.datestamp)


def record_in(raw: dict[str, Any] | bytes) -> RecordIn:
    """The mapped values (or their JSON) in the input schema. A value of the wrong shape is repaired or
    left out, with a quality flag (`repaired`); the record fails, naming the field, only when its title
    is at fault or the values are no record at all."""
    try:
        return RecordIn.model_validate_json(raw) if isinstance(raw, bytes) else RecordIn.model_validate(raw)
    except ValidationError as error:
        values = _values_of(raw)
        try:
            return RecordIn.model_validate(repaired(values, error.errors()))
        except (ValidationError, Unrepairable):
            fields = field_problems(error.errors(), _field_path)
            label = values.get("local_id") or clean(str(values.get("title", "")))[:60]
            first = next(iter(fields.items()))
            raise InvalidInput(f"Record {label}: {first[0]}: {first[1]}", fields=fields) from None


class Unrepairable(Exception):
    """The values cannot be made a record: the title is at fault, or they are not an object."""


REPAIR_ROUNDS = 20


def repaired(values: dict[str, Any], errors: list[dict[str, Any]]) -> dict[str, Any]:
    """A copy of `values` with each value pydantic refused repaired, or left out, and flagged.

    A text with control characters loses them, a text too long is cut to its column; any other value is
    left out (a list item whole, when leaving out the value leaves the item incomplete). One value a
    round, since leaving out an item moves the items after it, until the values pass (REPAIR_ROUNDS at
    most)."""
    if not values:
        raise Unrepairable
    values = orjson.loads(orjson.dumps(values, default=str))
    flags = values.setdefault("quality_flags", [])
    for _round in range(REPAIR_ROUNDS):
        flags.append(_repair(values, tuple(errors[0].get("loc", ())), errors[0]))
        try:
            RecordIn.model_validate(values)
        except ValidationError as again:
            errors = again.errors()
        else:
            return values
    raise Unrepairable


def _repair(values: dict[str, Any], loc: tuple[str | int, ...], error: dict[str, Any]) -> dict[str, str]:
    """Repair or leave out the value at `loc`; the quality flag that says so."""
    if not loc or loc[0] in ("title", "quality_flags"):
        raise Unrepairable
    if error.get("type") == "missing" and len(loc) > 2 and isinstance(loc[-2], int):
        loc = loc[:-1]  # an item without a value it needs: left out whole
    parent = values
    try:
        for part in loc[:-1]:
            parent = parent[part]
        given = parent[loc[-1]] if error.get("type") != "missing" else ""
    except (KeyError, IndexError, TypeError):
        raise Unrepairable from None
    kept = _repaired_text(given, error)
    if kept is not None:
        parent[loc[-1]] = kept
    elif isinstance(parent, list):
        parent[loc[-1]] = None
        parent[:] = [item for item in parent if item is not None]
        kept = ""
    else:
        parent.pop(loc[-1], None)
        kept = ""
    problem = next(iter(field_problems([error]).values()))
    field = _field_path(loc)
    return {
        "field": field,
        "kind": "invalid-value",
        "value": str(given)[:20_000],
        "kept": kept,
        "message": problem,
    }


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _repaired_text(given: Any, error: dict[str, Any]) -> str | None:
    """A refused text repaired for certain or cut to fit; None for any other value."""
    if not isinstance(given, str):
        return None
    if error.get("type") == "string_pattern_mismatch":
        return _CONTROL.sub("", given)
    if error.get("type") == "string_too_long":
        return given[: (error.get("ctx") or {}).get("max_length", len(given))]
    return None


def _values_of(raw: dict[str, Any] | bytes) -> dict[str, Any]:
    """Values to name a refused record by: its JSON may be no object, or no JSON at all."""
    if isinstance(raw, dict):
        return raw
    try:
        values = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return {}
    return values if isinstance(values, dict) else {}


def _field_path(loc: tuple[str | int, ...]) -> str:
    """("contributors", 2, "family_name") → "contributors[2].family_name", as records.services names them."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else part
    return path

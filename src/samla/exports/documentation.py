"""docs/formats.md, generated from the registry and the writers' docstrings (a test keeps the file in step).

Regenerate it with `make docs`.
"""

from __future__ import annotations

import inspect

from django.utils import translation

from .registry import Format, formats

HEADER = """# Export formats

Generated from the serializer registry (`samla/exports/registry.py`) by
`samla.exports.documentation.formats_markdown()`; `exports/tests/test_documentation.py` fails when this file
is out of date. Every format is registered once, in `ExportsConfig.ready()`, and everything that offers
formats iterates the registry: the Export menus, the download URLs, list exports, content negotiation
on the record URL and in the REST API, and OAI-PMH.

## Where formats are offered

| URL | what |
| --- | --- |
| `/record/<id>/export/<format>` | one record, as a download named after the record (`diva2_1897829.bib`) |
| `/person/<id>/export/<format>` | every visible record of a person, streamed (`person-12.bib`) |
| `/organisation/<id>/export/<format>` | every visible record of an organisation and its units, streamed |
| `/journal/<id>/export/<format>` | every visible record of a journal or series, streamed |
| `/search/export/<format>?q=…` | every result of a search, in its order, streamed (`search.bib`) |
| `GET /record/<id>`, `Accept: <type>` | the record in that format, inline (the page for `*/*`) |
| `GET /api/records/{id}`, `Accept: <type>` | the record in that format, inline (JSON for `*/*`) |

Both record URLs negotiate once (`exports.http.preferred_type`, on Django's `request.accepted_types`):
a format counts only when the header names its media type (wildcards ask for the page or JSON), the
highest q wins, and on a tie the page (JSON) does. An explicit type that is not offered answers 406,
naming the media types that are. `text/x-bibliography` answers the bibliography entry
([citations.md](citations.md)).

An unknown format name answers 404, naming the known formats. Lists are loaded 500 records at a time
and written as they are loaded, so an export of 10,000 records uses the memory of one chunk. A list
export is one file: BibTeX and RIS entries one after another, XML records inside the format's collection
element (`<records>` for DataCite and Dublin Core, which have none), CSL-JSON one array, JSON-LD one
`@graph`, CSV one header row.

## Formats

| name | label | media type | file | OAI-PMH prefix |
| --- | --- | --- | --- | --- |
"""


def formats_markdown() -> str:
    """The text of docs/formats.md."""
    with translation.override("en"):
        rows = [_row(fmt) for fmt in formats()]
        sections = [_section(fmt) for fmt in formats()]
    return HEADER + "\n".join(rows) + "\n" + "".join(sections)


def _row(fmt: Format) -> str:
    media = f"`{fmt.media_type}`" + "".join(f", `{alias}`" for alias in fmt.aliases)
    oai = f"`{fmt.oai.prefix}`" if fmt.oai else ""
    return f"| `{fmt.name}` | {fmt.label} | {media} | `.{fmt.extension}` | {oai} |"


def _section(fmt: Format) -> str:
    module = inspect.getmodule(fmt.write)
    text = inspect.cleandoc(module.__doc__ or "") if module else ""
    lines = ["", f"### {fmt.label} (`{fmt.name}`)", "", text, ""]
    if fmt.oai:
        lines.append(
            f"OAI-PMH: `{fmt.oai.prefix}`, schema <{fmt.oai.schema}>, namespace `{fmt.oai.namespace}`."
        )
        lines.append("")
    return "\n".join(lines)

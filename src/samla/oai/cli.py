"""`samla oai keep`: a thin command over `oai.texts.keep`."""

from __future__ import annotations

import sys

import click

from samla.core.access import Actor
from samla.core.errors import SamlaError


@click.group("oai")
def oai() -> None:
    """The OAI-PMH provider."""


@oai.command("keep")
@click.argument("prefixes", nargs=-1)
@click.option("--chunk-size", default=500, show_default=True, type=click.IntRange(1, 10_000))
def keep(prefixes: tuple[str, ...], chunk_size: int) -> None:
    """Write every record's OAI-PMH text ahead of harvesters, for PREFIXES (metadataPrefix values, or
    `headers` for ListIdentifiers; default: every format and the headers).

    Harvests keep each record's text and reuse it until the record, or a person, organisation or journal
    it names, changes; this writes the stale ones now, so the first full harvest after a bulk import or
    an upgrade is as fast as a repeated one. Safe to stop and run again: texts still valid are skipped.
    """
    from samla.oai.services import harvestable
    from samla.oai.texts import HEADERS, oai_formats
    from samla.oai.texts import keep as keep_texts

    actor = Actor.system("oai keep")
    total = harvestable().count()
    for prefix in prefixes or (*oai_formats(), HEADERS):
        try:
            with click.progressbar(length=total, label=prefix, file=sys.stderr) as bar:
                seen = keep_texts(actor, prefix, chunk_size=chunk_size, progress=bar.update)
        except SamlaError as error:
            click.echo(error.message, err=True)
            sys.exit(1)
        click.echo(f"{prefix}: {seen} records")

"""`samla stats rebuild`: a thin command over `stats.services.rebuild_usage`."""

from __future__ import annotations

import sys

import click

from samla.core.access import Actor
from samla.core.errors import SamlaError


@click.group("stats")
def stats() -> None:
    """Usage statistics (COUNTER R5)."""


@stats.command("rebuild")
@click.option("--chunk-size", default=20_000, show_default=True, help="Events read per query.")
def rebuild(chunk_size: int) -> None:
    """Recompute every record's and file's monthly counts from the raw usage events.

    Applies the COUNTER rules (robots, double clicks, sessions in hour slices) to the whole event log in
    time order and replaces the counts in one transaction, so it gives the numbers counting gave as the
    events came in. A second run while one is in progress is refused.
    """
    from samla.stats.services import count_events, rebuild_usage

    try:
        with click.progressbar(length=count_events(), label="events", file=sys.stderr) as bar:
            report = rebuild_usage(Actor.system("stats rebuild"), progress=bar.update, chunk_size=chunk_size)
    except SamlaError as error:
        click.echo(error.message, err=True)
        sys.exit(1)
    click.echo(
        f"{report.events} events: {report.counted} counted, {report.robots} by robots or machines, "
        f"{report.filtered} double clicks or repeated ranges; {report.rows} monthly rows written, "
        f"{report.corrected} events re-flagged."
    )

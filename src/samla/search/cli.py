import sys

import click

from samla.core.access import Actor


@click.command("reindex")
@click.option("--batch-size", default=1000, show_default=True, type=click.IntRange(1, 100_000))
@click.option(
    "--restart", is_flag=True, help="Start from the first record even if a stopped run could resume."
)
def reindex(batch_size: int, restart: bool) -> None:
    """Rebuild the search index of every record.

    Runs in batches in constant memory; search keeps working meanwhile. A run stopped half-way (Ctrl-C,
    kill) resumes after its last batch when started again. A second run at the same time is refused.
    """
    from samla.core.errors import Conflict
    from samla.search.rebuild import plan_reindex
    from samla.search.rebuild import reindex as rebuild

    plan = plan_reindex(restart=restart)
    if plan.resumed_after:
        click.echo(f"Resuming after record id {plan.resumed_after}.", err=True)
    indexed = 0
    try:
        with click.progressbar(length=plan.remaining, label="Indexing", file=sys.stderr) as bar:
            for batch in rebuild(
                Actor.system("reindex"), batch_size=batch_size, restart=restart, progress=bar.update
            ):
                indexed += batch.count
    except Conflict as error:
        click.echo(error.message, err=True)
        raise SystemExit(1) from None
    click.echo(f"{indexed} records indexed")

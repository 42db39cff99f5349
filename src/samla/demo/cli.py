import sys

import click

from samla.core.access import Actor


@click.group()
def demo() -> None:
    """The demo corpus shipped with Samla (the seed record and real DiVA publications)."""


@demo.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the repository already holds records.")
def load(if_empty: bool) -> None:
    """Create or update the demo records; running it again changes nothing."""
    from samla.demo.services import count_demo_records, load_demo_corpus
    from samla.records.models import Record

    if if_empty and Record.objects.exists():
        click.echo("The repository holds records already; demo corpus not loaded.")
        return
    counts: dict[str, int] = {}
    failures = []
    with click.progressbar(length=count_demo_records(), label="Loading demo corpus", file=sys.stderr) as bar:
        for result in load_demo_corpus(Actor.system("demo load"), progress=bar.update):
            counts[result.status] = counts.get(result.status, 0) + 1
            if result.status == "failed":
                failures.append(result)
    for failure in failures:
        click.echo(f"{failure.local_id}: {failure.message}", err=True)
    click.echo(", ".join(f"{n} {status}" for status, n in sorted(counts.items())))
    if failures:
        raise SystemExit(1)

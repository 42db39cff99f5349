import sys
from pathlib import Path

import click

from samla.core.access import Actor


@click.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def import_files(files: tuple[Path, ...]) -> None:
    """Import records from MODS, Swepub MODS or OAI-PMH files (MODS or oai_dc).

    A record imported before is updated, not duplicated, so a run can be repeated or resumed. Failures are
    listed on stderr as FILE:LINE RECORD FIELD: MESSAGE; the exit code is 1 when any record failed.
    """
    from samla.imports import services

    counts = dict.fromkeys(services.STATUSES, 0)
    failures = []
    with click.progressbar(length=services.count_records(files), label="Importing", file=sys.stderr) as bar:
        for result in services.import_files(Actor.system("import"), files, progress=bar.update):
            counts[result.status] += 1
            if result.status == "failed":
                failures.append(result)
    for failure in failures:
        click.echo(str(failure), err=True)
    click.echo(", ".join(f"{n} {status}" for status, n in counts.items()))
    if failures:
        raise SystemExit(1)

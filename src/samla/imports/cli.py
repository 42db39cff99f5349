import sys
from pathlib import Path

import click

from samla.core.access import Actor

OPTIONAL_STATUSES = ("duplicate", "proposed")  # named in the summary only when there are any


def summary(counts: dict[str, int], flagged: int = 0, *, dry_run: bool = False) -> str:
    """ "2 created, 0 updated, 0 unchanged, 0 deleted, 1 flagged, 0 failed", with ", 3 duplicate" when
    there are any (harvests, which mirror their source, never have any) and ", 1 proposed" when records
    got only proposed changes; a dry run says that nothing was written. Flagged records are counted among
    those written too: flagged says how many of them have values curators should look at."""
    parts = [f"{n} {status}" for status, n in counts.items() if n or status not in OPTIONAL_STATUSES]
    parts.insert(list(counts).index("failed"), f"{flagged} flagged")
    text = ", ".join(parts)
    return f"Dry run, nothing written: {text}" if dry_run else text


def planned(result) -> str:
    """What a dry run would do to one record: "FILE:LINE RECORD: would update title, volume; would propose
    subtitle"; "" when it would leave the record as it is."""
    where = f"{result.path}:{result.line}" if result.line else result.path
    if result.status in ("created", "deleted"):
        verb = {"created": "would create", "deleted": "would withdraw"}[result.status]
        return f"{where} {result.record}: {verb}"
    parts = []
    if result.changed:
        parts.append("would update " + ", ".join(result.changed))
    if result.proposed:
        parts.append("would propose " + ", ".join(result.proposed))
    return f"{where} {result.record}: {'; '.join(parts)}" if parts else ""


DRY_RUN = click.option(
    "--dry-run", is_flag=True, help="Write nothing; list what would change, per record and field."
)


@click.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@DRY_RUN
def import_files(files: tuple[Path, ...], dry_run: bool) -> None:
    """Import records from MODS, OAI-PMH, oai_dc, DataCite XML, BibTeX, RIS, CSL-JSON, Web of Science,
    Scopus CSV or EndNote files.

    MODS may be Swepub MODS, OAI-PMH responses may carry MODS or oai_dc; Web of Science exports may be
    plain text or tab-delimited. A record imported before is updated, not duplicated, so a run can be
    repeated or resumed; so is a record here that a Web of Science or Scopus record matches by UT, EID,
    PubMed id or DOI. Any other record without an id of its own that has the DOI, PubMed id, ISI id or
    URN of a record here, or its title, year and first author, is not created but listed on stdout as
    FILE:LINE ENTRY -: duplicate of LOCAL-ID. A record is refused only without a title or when it cannot
    be read; a bad value is fixed when the fix is certain, else kept aside with a quality flag for
    curators (the record is written). Failures are listed on stderr as FILE:LINE RECORD FIELD: MESSAGE,
    after the values left out of records that were written (an impossible date), as FILE:LINE RECORD
    FIELD: warning: MESSAGE, and the flags, as flagged FILE:LINE RECORD FIELD: MESSAGE. A file that
    cannot be read at all is one failure, and the run goes on with the next file. The summary counts
    created, updated, unchanged, deleted, flagged and failed records; the exit code is 1 when any file or
    record failed.

    A field a person edited is kept: the file's different value waits as a proposed change for a
    curator (counted as "proposed" when that is all a record got). An empty value never clears one, and
    Dublin Core never replaces what MODS or DataCite gave. With --dry-run nothing is written, and each
    record that would change is listed as FILE:LINE RECORD: would update FIELDS; would propose FIELDS.
    """
    from samla.imports import services

    counts = dict.fromkeys(services.STATUSES, 0)
    failures, duplicates, warnings, plans, flagged = [], [], [], [], []
    with click.progressbar(length=0, label="Importing", file=sys.stderr) as bar:

        def found(records: int) -> None:
            bar.length += records  # the total grows as each file is read, so no file is parsed twice

        for result in services.import_files(
            Actor.system("import"), files, progress=bar.update, found=found, dry_run=dry_run
        ):
            counts[result.status] += 1
            warnings += result.warning_lines()
            if result.flags:
                flagged.append(result)
            if result.status in ("failed", "duplicate"):
                (failures if result.status == "failed" else duplicates).append(result)
            elif dry_run and (plan := planned(result)):
                plans.append(plan)
    for line in warnings:
        click.echo(line, err=True)
    for result in flagged:
        for line in result.flag_lines():
            click.echo(f"flagged {line}", err=True)
    for failure in failures:
        click.echo(str(failure), err=True)
    for duplicate in duplicates:
        click.echo(str(duplicate))
    for plan in plans:
        click.echo(plan)
    click.echo(summary(counts, len(flagged), dry_run=dry_run))
    if failures:
        raise SystemExit(1)


@click.command("harvest")
@click.argument("base_url")
@click.option(
    "--prefix",
    default="swepub_mods",
    show_default=True,
    help="metadataPrefix to ask for: swepub_mods, mods or oai_dc (MODS and Dublin Core are read).",
)
@click.option("--set", "set_spec", default="", help="Harvest only this set (setSpec).")
@click.option("--from", "start", default="", help="Only records changed since this date (YYYY-MM-DD).")
@click.option("--full", is_flag=True, help="Harvest everything, ignoring where the last harvest stopped.")
@DRY_RUN
def harvest_command(base_url: str, prefix: str, set_spec: str, start: str, full: bool, dry_run: bool) -> None:
    """Harvest an OAI-PMH repository (DiVA, DSpace, Zenodo, another Samla) into this one.

    Records are imported as by `samla import`. An interrupted harvest resumes where it stopped; a finished
    one makes the next run incremental (only what changed since). Failures are listed on stderr; the exit
    code is 1 when any record failed or the server could not be read. With --dry-run nothing is written
    (not even where the harvest stands) and each record that would change is listed, as by `samla
    import --dry-run`.
    """
    from samla.core.errors import SamlaError
    from samla.imports import services
    from samla.imports.errors import UnreadableFile
    from samla.imports.harvest import harvest

    counts = dict.fromkeys(services.STATUSES, 0)
    failed, plans, flagged = False, [], 0

    def progress(n: int) -> None:
        click.echo(f"\rHarvested {sum(counts.values()) + n} records", err=True, nl=False)

    try:
        for result in harvest(
            Actor.system("harvest"),
            base_url,
            prefix=prefix,
            set_spec=set_spec,
            start=start,
            full=full,
            progress=progress,
            dry_run=dry_run,
        ):
            counts[result.status] += 1
            flagged += bool(result.flags)
            for line in result.flag_lines():
                click.echo(f"\nflagged {line}", err=True)
            if result.status == "failed":
                failed = True
                click.echo(f"\n{result}", err=True)
            elif dry_run and (plan := planned(result)):
                plans.append(plan)
    except (UnreadableFile, SamlaError) as error:
        click.echo(f"\n{error}", err=True)
        failed = True
    click.echo("", err=True)
    for plan in plans:
        click.echo(plan)
    click.echo(summary(counts, flagged, dry_run=dry_run))
    if failed:
        raise SystemExit(1)

"""`samla attach`, `samla fixity` and `samla files extract`: thin commands over `files.services`."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from samla.core.access import Actor
from samla.core.errors import SamlaError

VERSIONS = ("published", "accepted", "submitted")


def parse_access(value: str) -> tuple[str, dt.date | None, str]:
    """ "open", "embargo:2026-01-01", "restricted" (signed-in users) or "restricted:ROLE", "archive"."""
    kind, _, argument = value.partition(":")
    if kind in ("open", "archive") and not argument:
        return kind, None, ""
    if kind == "embargo" and argument:
        try:
            return kind, dt.date.fromisoformat(argument), ""
        except ValueError:
            pass
    if kind == "restricted":
        return kind, None, argument or "reader"
    raise click.BadParameter(
        f"{value!r}: use open, embargo:YYYY-MM-DD, restricted[:ROLE] or archive", param_hint="--access"
    )


@click.command("attach")
@click.argument("record_id")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--access",
    default="open",
    show_default=True,
    help="open, embargo:YYYY-MM-DD (open from that day), restricted[:ROLE] (reader, i.e. signed-in users, "
    "by default; or depositor, curator, admin) or archive (never public).",
)
@click.option(
    "--version", "file_version", type=click.Choice(VERSIONS), default="published", show_default=True
)
@click.option(
    "--label", default="fulltext", show_default=True, help="What the file is, as the page shows it."
)
def attach(record_id: str, files: tuple[Path, ...], access: str, file_version: str, label: str) -> None:
    """Attach FILES to the record RECORD_ID (e.g. diva2:1897829), in the order given.

    Each file is stored once by its SHA-512, its type detected from its content; a PDF's text is extracted
    at once when it is small, else left for `samla files extract`. A file that is refused (empty, a
    program, over the upload limit, already on the record) is reported on stderr and the others are still
    attached; the exit code is then 1.
    """
    from samla.files.services import attach_file

    kind, embargo_until, role = parse_access(access)
    actor = Actor.system("attach")
    failed = 0
    for path in files:
        try:
            record_file = attach_file(
                actor,
                local_id=record_id,
                source=path,
                file_name=path.name,
                access=kind,
                embargo_until=embargo_until,
                restricted_role=role,
                version=file_version,
                label=label,
            )
        except SamlaError as error:
            failed += 1
            click.echo(f"{path}: {error.message}", err=True)
            continue
        stored = record_file.stored_file
        click.echo(
            f"{path}: attached to {record_id} as file {record_file.pk} {record_file.file_name} "
            f"({stored.mime_type}, {stored.size} bytes, text {stored.extraction_status}) "
            f"sha512 {stored.sha512}"
        )
    if failed:
        raise SystemExit(1)


@click.command("fixity")
@click.option(
    "--share",
    type=click.FloatRange(0, 1, min_open=True),
    help="Check this fraction of the stored files (e.g. 0.1), those checked longest ago first.",
)
@click.option("--limit", type=click.IntRange(min=1), help="Check at most this many stored files.")
def fixity(share: float | None, limit: int | None) -> None:
    """Re-hash stored files and compare each with its SHA-512; every check is logged.

    Without options every stored file is checked. Files never checked come first, then those checked
    longest ago, so `--share 0.1` every night checks the whole store every ten nights. Missing and
    corrupted files are listed on stderr with the records they belong to, and the exit code is then 1.
    """
    from samla.files import services

    if share is not None and limit is not None:
        raise click.UsageError("Give --share or --limit, not both.")
    actor = Actor.system("fixity")
    counts = {"ok": 0, "missing": 0, "corrupted": 0}
    failures = []
    try:
        sha512s = services.select_for_fixity(actor, limit=limit, share=share)
        with click.progressbar(length=len(sha512s), label="Checking fixity", file=sys.stderr) as bar:
            for result in services.check_fixity(actor, sha512s=sha512s):
                counts[result.result] += 1
                if result.failed:
                    failures.append(result)
                bar.update(1)
    except SamlaError as error:
        click.echo(error.message, err=True)
        raise SystemExit(1) from error
    for failure in failures:
        where = "; ".join(failure.files) or "no record"
        click.echo(f"{failure.result}: {failure.sha512} ({where}): {failure.detail}", err=True)
    click.echo(
        f"{sum(counts.values())} checked: " + ", ".join(f"{n} {result}" for result, n in counts.items())
    )
    if failures:
        raise SystemExit(1)


@click.group("files")
def files() -> None:
    """Full-text files: jobs on the file store."""


@files.command("extract")
@click.option("--limit", type=click.IntRange(min=1), help="Extract at most this many files.")
def extract(limit: int | None) -> None:
    """Extract the text of PDFs still pending.

    Those are PDFs over SAMLA_EXTRACT_INLINE_MAX_BYTES, left pending so that the upload did not wait. Each
    result is saved as soon as it is known, so an interrupted run resumes. Encrypted and unreadable
    PDFs are kept with that status and listed on stderr; they do not make the command fail.
    """
    from samla.files import services

    actor = Actor.system("extract")
    counts = {"ok": 0, "encrypted": 0, "failed": 0, "skipped": 0}
    sha512s = services.pending_extractions(actor, limit=limit)
    with click.progressbar(length=len(sha512s), label="Extracting text", file=sys.stderr) as bar:
        for result in services.extract_texts(actor, sha512s=sha512s):
            counts[result.status] += 1
            if result.status in ("encrypted", "failed"):
                click.echo(f"\n{result.status}: {result.sha512}: {result.detail}", err=True)
            bar.update(1)
    click.echo(
        f"{sum(counts.values())} extracted: " + ", ".join(f"{n} {status}" for status, n in counts.items())
    )


@files.command("gc")
@click.option("--yes", is_flag=True, help="Remove them; without it the command only lists them.")
def gc(yes: bool) -> None:
    """List, or with --yes remove, stored files that no record shows any more.

    Detaching a file from its last record keeps its bytes, as a preservation repository keeps what it
    once published (and `samla fixity` keeps checking them). Remove them only when they must go, e.g.
    after a takedown: the bytes, their fixity log and extracted text are deleted; records and usage
    statistics are untouched. A second run at the same time is refused.
    """
    from samla.files import services

    actor = Actor.system("files gc")
    unreferenced = services.list_unreferenced(actor)
    if not yes:
        for item in unreferenced:
            click.echo(f"{item.sha512} {item.size} bytes {item.mime_type}")
        size = sum(item.size for item in unreferenced)
        click.echo(f"{len(unreferenced)} unreferenced stored files ({size} bytes); --yes removes them.")
        return
    removed = []
    try:
        for item in services.remove_unreferenced(actor, sha512s=[i.sha512 for i in unreferenced]):
            removed.append(item)
            click.echo(f"removed {item.sha512} ({item.size} bytes)")
    except SamlaError as error:
        click.echo(error.message, err=True)
        raise SystemExit(1) from error
    click.echo(f"{len(removed)} stored files removed ({sum(i.size for i in removed)} bytes).")

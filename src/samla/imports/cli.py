import click


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def import_files(files: tuple[str, ...]) -> None:
    """Import MODS, Swepub MODS or OAI-PMH responses (placeholder until the importer lands)."""
    raise click.UsageError("not implemented yet")

"""The `samla` command: one click group; each app adds its commands from its own cli.py.

Commands are thin: parse arguments, act as `Actor.system(<command>)`, call one service, print its report.
Data errors exit 1, usage errors 2.
"""

from __future__ import annotations

import os

import click


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samla.settings")
    import django

    django.setup()


@click.group()
@click.version_option(package_name="samla")
def main() -> None:
    """Samla, a research publications repository."""
    setup_django()


def help_markdown() -> str:
    """docs/cli.md: every command's --help, generated so the docs cannot drift from the code."""
    sections = ["# The `samla` command", "", "Generated from `--help` by `make docs`; do not edit.", ""]

    def walk(command: click.Command, path: list[str]) -> None:
        context = click.Context(command, info_name=" ".join(path), terminal_width=100, max_content_width=100)
        sections.extend([f"## `{' '.join(path)}`", "", "```", command.get_help(context), "```", ""])
        if isinstance(command, click.Group):
            for name in sorted(command.commands):
                walk(command.commands[name], [*path, name])

    walk(main, ["samla"])
    return "\n".join(sections)


def _register_commands() -> None:
    from samla.accounts.cli import token, user
    from samla.demo.cli import demo
    from samla.files.cli import attach, files, fixity
    from samla.imports.cli import harvest_command, import_files
    from samla.jobs.cli import jobs
    from samla.oai.cli import oai
    from samla.search.cli import reindex
    from samla.stats.cli import stats

    main.add_command(demo)
    main.add_command(attach)
    main.add_command(fixity)
    main.add_command(files)
    main.add_command(import_files)
    main.add_command(harvest_command)
    main.add_command(jobs)
    main.add_command(oai)
    main.add_command(reindex)
    main.add_command(stats)
    main.add_command(token)
    main.add_command(user)


_register_commands()

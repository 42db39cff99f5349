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


def _register_commands() -> None:
    from samla.demo.cli import demo
    from samla.imports.cli import import_files

    main.add_command(demo)
    main.add_command(import_files)


_register_commands()

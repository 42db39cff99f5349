"""docs/cli.md is what `samla --help` says today (regenerate with `make docs`)."""

from pathlib import Path

from django.conf import settings

from samla.cli import help_markdown


def test_cli_docs_match_the_commands_help():
    docs = Path(settings.BASE_DIR).parents[1] / "docs" / "cli.md"
    assert docs.read_text(encoding="utf-8") == help_markdown(), "run `make docs`"

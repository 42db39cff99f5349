"""docs/formats.md is generated from the registry and kept in step by this test (as Datasette's docs)."""

from pathlib import Path

from django.conf import settings

from samla.exports.documentation import formats_markdown
from samla.exports.registry import formats

FORMATS_DOC = Path(settings.PROJECT_DIR) / "docs" / "formats.md"


def test_formats_doc_is_generated_from_the_registry():
    assert FORMATS_DOC.read_text(encoding="utf-8") == formats_markdown(), (
        "docs/formats.md is out of date: run `make docs`"
    )


def test_formats_doc_names_every_format_and_its_media_type():
    text = formats_markdown()
    for fmt in formats():
        assert f"| `{fmt.name}` |" in text
        assert f"`{fmt.media_type}`" in text

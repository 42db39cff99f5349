"""Fixtures of the importer tests: the shared test data and copies of real records under new ids."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from tests import TESTDATA

DIVA_SWEPUB = TESTDATA / "oai-pmh" / "diva-swepub"
DIVA_MODS = TESTDATA / "records" / "mods" / "diva"

OAI_ENVELOPE = """<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
<responseDate>2024-01-01T00:00:00Z</responseDate>
<request verb="ListRecords" metadataPrefix="swepub_mods">http://kth.diva-portal.org/dice/oai</request>
<ListRecords>
{records}
</ListRecords>
</OAI-PMH>
"""


@pytest.fixture
def kth_thesis_copies(tmp_path: Path) -> Callable[..., Path]:
    """Write an OAI-PMH file of copies of the KTH thesis in kth-new-diva.xml, each under a new DiVA
    number (and so a new local id, OAI identifier and URN), with optional text replacements."""
    source = (DIVA_SWEPUB / "kth-new-diva.xml").read_text(encoding="utf-8")
    record = re.search(r"<record>.*</record>", source, re.DOTALL).group()

    def write(*copies: tuple[int, dict[str, str]], name: str = "copies.xml") -> Path:
        parts = []
        for number, replacements in copies:
            text = record
            for old, new in (("kth-256035", f"kth-{number}"), ("diva-256035", f"diva-{number}")):
                text = text.replace(old, new)
            text = text.replace("diva2:1343393", f"diva2:{number}")
            for old, new in replacements.items():
                text = text.replace(old, new)
            parts.append(text)
        path = tmp_path / name
        path.write_text(OAI_ENVELOPE.format(records="\n".join(parts)), encoding="utf-8")
        return path

    return write


@pytest.fixture
def not_well_formed(tmp_path) -> Path:
    """DiVA's chalmers.xml with its undeclared HTML entity (`&ouml;`, which the reader resolves) made one
    that no one defines: a real file that is not well-formed XML from line 186 on."""
    path = tmp_path / "chalmers.xml"
    path.write_bytes((DIVA_SWEPUB / "chalmers.xml").read_bytes().replace(b"&ouml;", b"&oumlaut;"))
    return path

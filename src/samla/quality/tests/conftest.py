"""Fixtures of the data-quality tests: real records imported with values the service flags."""

from __future__ import annotations

import re

import pytest
from tests import TESTDATA

from samla.imports.services import import_files

KTH_THESIS = TESTDATA / "oai-pmh" / "diva-swepub" / "kth-new-diva.xml"
BAD_ORCID = ("0000-0001-9329-9088", "0000-0001-9329-9089")


def kth_copy(tmp_path, number: int, *replacements: tuple[str, str]):
    """The KTH thesis of kth-new-diva.xml under a new DiVA number, with text replaced."""
    text = KTH_THESIS.read_text(encoding="utf-8")
    text = re.sub(r"(kth|diva)-256035", rf"\g<1>-{number}", text).replace("diva2:1343393", f"diva2:{number}")
    for old, new in replacements:
        text = text.replace(old, new)
    path = tmp_path / f"kth-{number}.xml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def flagged(db, system, tmp_path):
    """Two flagged records: a KTH thesis with an ORCID's check digit wrong (diva2:9300001) and a DiVA
    record with an ISBN of 14 digits (diva2:844675), imported as a curator would import them."""
    paths = [
        kth_copy(tmp_path, 9300001, BAD_ORCID),
        TESTDATA / "oai-pmh" / "diva-swepub" / "minimum_level-diva.xml",
    ]
    results = list(import_files(system, paths))
    assert [r.record for r in results if r.flags] == ["diva2:9300001", "diva2:844675"]
    return tmp_path

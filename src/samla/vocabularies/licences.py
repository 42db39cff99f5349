"""Known licences (Creative Commons, by SPDX id) with their canonical URLs (data/licences.json)."""

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class Licence:
    id: str  # SPDX identifier, "CC-BY-4.0"
    label: str  # "CC BY 4.0"
    url: str


@cache
def licences() -> dict[str, Licence]:
    raw = json.loads((Path(__file__).parent / "data" / "licences.json").read_text(encoding="utf-8"))
    return {item["id"]: Licence(**item) for item in raw["licences"]}


def licence_choices() -> list[tuple[str, str]]:
    return [(lic.id, lic.label) for lic in licences().values()]


def find_licence(text: str) -> Licence | None:
    """Recognise a licence from its SPDX id, label ("CC BY 4.0") or URL, as found in notes and imports."""
    text = text.strip()
    for lic in licences().values():
        if text in (lic.id, lic.label) or text.rstrip("/") == lic.url.rstrip("/"):
            return lic
    match = re.search(r"creativecommons\.org/(?:licenses|publicdomain)/([a-z-]+)/(\d\.\d)", text)
    if match:
        for lic in licences().values():
            if lic.url.endswith(f"/{match.group(1)}/{match.group(2)}/"):
                return lic
    return None

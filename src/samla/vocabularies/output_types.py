"""Publication output types: the Swepub output types with the labels DiVA shows (data/output-types.json)."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language


@dataclass(frozen=True)
class OutputType:
    code: str  # "publication/review-article"
    group: str  # "publication"
    label_en: str  # "Article, review/survey"
    label_sv: str
    csl_type: str  # the CSL item type used when citing

    @property
    def label(self) -> str:
        return self.label_sv if (get_language() or "en").startswith("sv") else self.label_en

    @property
    def subtype(self) -> str:
        return self.code.split("/", 1)[1]


@cache
def output_types() -> dict[str, OutputType]:
    raw = json.loads((Path(__file__).parent / "data" / "output-types.json").read_text(encoding="utf-8"))
    return {
        t["code"]: OutputType(t["code"], t["group"], t["en"], t["sv"], t["csl"]) for t in raw["output_types"]
    }


def output_type_choices() -> list[tuple[str, str]]:
    return [(code, t.label_en) for code, t in output_types().items()]

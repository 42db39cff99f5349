"""Loading SSIF, the Swedish research subject classification, shipped as data/ssif.json."""

import json
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


@cache
def ssif_categories() -> list[dict]:
    """The categories, parents before children, as shipped with the product."""
    items = json.loads((DATA / "ssif.json").read_text(encoding="utf-8"))["categories"]
    return sorted(items, key=lambda i: (len(i["code"]), i["code"]))


@cache
def ssif_codes() -> frozenset[str]:
    """Every SSIF code the product ships (the same set the data migration loads)."""
    return frozenset(item["code"] for item in ssif_categories())


def load_ssif(subject_category_model) -> int:
    """Create or update every SSIF category; used by the data migration and `samla vocabularies load`."""
    for item in ssif_categories():
        subject_category_model.objects.update_or_create(
            code=item["code"],
            defaults={
                "parent_id": item["parent"],
                "label_en": item["en"] or item["sv"],
                "label_sv": item["sv"] or item["en"],
                "deprecated": item.get("deprecated", False),
            },
        )
    return len(ssif_categories())

"""pydantic's field problems in the reader's language: in English word for word what pydantic writes, in
Swedish from the catalogue."""

from typing import Literal

import pytest
from django.utils import translation
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from samla.core.errors import LIST_MESSAGES, MESSAGES, field_problems


class Shape(BaseModel):
    model_config = ConfigDict(extra="forbid")
    short: str = Field(max_length=3)
    one: str = Field(max_length=1)
    long: str = Field(min_length=2)
    small: int = Field(ge=1, le=5)
    open_range: int = Field(gt=0, lt=10)
    kind: Literal["x", "y", "z"]
    items: list[int] = Field(min_length=1, max_length=2)
    letters: str = Field(pattern=r"^a+$")
    needed: str


BAD = [
    {"short": "abcd", "one": "xx", "long": "a", "small": 0, "open_range": 0, "kind": "q", "items": [],
     "letters": "b", "unknown": 1},
    {"short": "", "one": "", "long": "ab", "small": 9, "open_range": 10, "kind": "x", "items": [1, 2, 3],
     "letters": "a", "needed": ""},
]  # fmt: skip


def _errors() -> list[dict]:
    errors = []
    for data in BAD:
        with pytest.raises(ValidationError) as caught:
            Shape.model_validate(data)
        errors += caught.value.errors()
    return errors


def test_every_translated_error_type_is_met():
    assert {e["type"] for e in _errors()} >= (set(MESSAGES) - {"enum"}) | set(LIST_MESSAGES)


def test_field_problems_in_english_are_pydantics_words():
    errors = _errors()
    with translation.override("en"):
        problems = [field_problems([error]) for error in errors]
    assert [next(iter(p.values())) for p in problems] == [e["msg"] for e in errors]


def test_field_problems_in_swedish_come_from_the_catalogue():
    errors = _errors()
    with translation.override("sv"):
        swedish = [next(iter(field_problems([error]).values())) for error in errors]
    assert not {s for s, e in zip(swedish, errors, strict=True) if s == e["msg"]}
    assert "Fältet måste anges" in swedish
    assert "Texten får ha högst 3 tecken" in swedish
    assert "Listan får ha högst 2 poster, inte 3" in swedish
    assert "Värdet ska vara 'x', 'y' or 'z'" in swedish


def test_wrong_type_and_control_characters_in_swedish():
    class Typed(BaseModel):
        number: int
        text: str = Field(pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$")

    with pytest.raises(ValidationError) as caught:
        Typed.model_validate({"number": "x", "text": "a\x01"})
    with translation.override("sv"):
        problems = field_problems(caught.value.errors())
    assert problems == {"number": 'måste vara ett heltal, inte "x"', "text": "styrtecken är inte tillåtna"}

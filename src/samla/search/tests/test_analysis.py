"""Text analysis: ASCII text takes a faster way to its words, and must come out with the same words."""

import itertools
import random

import pytest

from samla.search.analysis import MAX_WORD_LENGTH, WORD, fold, words

ASCII = "".join(map(chr, range(128)))


def test_words_of_every_ascii_character_are_the_words_the_unicode_pattern_finds():
    texts = [ASCII, ASCII[::-1], *("".join(pair) for pair in itertools.permutations(ASCII[32:], 2))]
    for text in texts:
        assert words(text) == WORD.findall(fold(text)), repr(text)


def test_words_of_random_ascii_text_are_the_words_the_unicode_pattern_finds():
    rng = random.Random(7)
    for _ in range(2_000):
        text = "".join(rng.choice(ASCII) for _ in range(rng.randrange(0, 80)))
        assert words(text) == WORD.findall(fold(text)), repr(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Coproduction_in health-care (2024)", ["coproduction", "in", "health", "care", "2024"]),
        ("Jönköping – Hälsa", ["jonkoping", "halsa"]),  # not ASCII until folded; the dash stays
        ("Δέλτα 5 µg", ["δελτα", "5", "μg"]),  # not ASCII when folded either
        ("x" * (MAX_WORD_LENGTH + 1) + " kept", ["kept"]),
    ],
)
def test_words_fold_and_split_ascii_and_other_text(text, expected):
    assert words(text) == expected

"""text.py: which characters are invisible, when two spellings are the same text, and when
letters mix scripts as a lookalike does."""

import pytest

from helpdesk.text import (
    canonical,
    compatible,
    has_invisible,
    is_invisible,
    mixes_scripts,
    without_invisible,
)


@pytest.mark.parametrize(
    "char",
    [
        "\u200b",  # zero-width space
        "\u200d",  # zero-width joiner
        "\u00ad",  # soft hyphen
        "\u202e",  # right-to-left override
        "\ufeff",  # byte order mark
        "\u0000",  # a control character
        "\u034f",  # combining grapheme joiner
        "\u2800",  # blank braille pattern
        "\u3164",  # Hangul filler
        "\ufe0f",  # variation selector
    ],
)
def test_format_control_and_blank_characters_are_invisible(char: str) -> None:
    assert is_invisible(char)


@pytest.mark.parametrize("char", ["a", "\u00e9", " ", "\u00a0", "-", "\u0430", "\u5c71"])
def test_letters_spaces_and_punctuation_are_visible(char: str) -> None:
    assert not is_invisible(char)


def test_invisible_characters_are_found_and_taken_out() -> None:
    typed = "\u202eAda\u200b Love\u00adlace"

    assert has_invisible(typed)
    assert without_invisible(typed) == "Ada Lovelace"
    assert not has_invisible("Ada Lovelace")


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("\uff41\uff44\uff4d\uff49\uff4e", "admin"),  # full width
        ("\ufb01le", "file"),  # the ligature fi
        ("Jos\u0065\u0301", "Jos\u00e9"),  # decomposed
        ("admin", "admin"),
    ],
)
def test_compatible_spells_text_that_reads_the_same_one_way(typed: str, plain: str) -> None:
    assert compatible(typed) == plain


def test_canonical_composes_accents_but_keeps_full_width_letters() -> None:
    assert canonical("Cafe\u0301") == "Caf\u00e9"
    assert canonical("\uff41") == "\uff41"


@pytest.mark.parametrize(
    "text",
    [
        "\u0430dmin",  # a Cyrillic a among Latin letters
        "adm\u03b9n",  # a Greek iota
        "\u0430\u03b1",  # Cyrillic and Greek
        "p\u0430ypal",
    ],
)
def test_letters_of_scripts_no_writing_system_combines_mix_scripts(text: str) -> None:
    assert mixes_scripts(text)


@pytest.mark.parametrize(
    "text",
    [
        "admin",
        "jos\u00e9.garc\u00eda",  # Latin with accents
        "\u0430\u0434\u043c\u0438\u043d",  # all Cyrillic
        "\u5c71\u7530\u305f\u308d\u3046",  # Han and Hiragana: Japanese
        "kim\uae40",  # Latin and Hangul: Korean allows it
        "anna-2",  # digits and punctuation belong to no script
        "1234",
    ],
)
def test_one_script_or_a_writing_systems_own_mix_does_not(text: str) -> None:
    assert not mixes_scripts(text)

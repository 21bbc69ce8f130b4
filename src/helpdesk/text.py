"""Unicode rules for what people type: the one place that says which characters are
invisible, when two spellings are the same text, and which script a letter is in."""

import unicodedata

# Code points that render as nothing but are not in a "C" category (Unicode's
# Default_Ignorable_Code_Point outside Cf, and the blank fillers that look like a space).
_INVISIBLE_EXTRA = frozenset(
    (
        *(0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x2800, 0x3164, 0xFFA0),
        *range(0x180B, 0x1810),  # Mongolian variation selectors
        *range(0xFE00, 0xFE10),  # variation selectors
        *range(0xE0100, 0xE01F0),  # variation selectors supplement
    )
)
# Scripts that one writing system mixes by design (UTS #39's "highly restrictive" sets):
# Japanese, Chinese with Bopomofo, Korean; each may also hold Latin.
_SCRIPT_SETS = (
    frozenset({"LATIN", "CJK", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "CJK", "BOPOMOFO"}),
    frozenset({"LATIN", "CJK", "HANGUL"}),
)


def is_invisible(char: str) -> bool:
    """Format and control characters (zero-width space, soft hyphen, bidi controls...)
    and the other code points that show nothing."""
    return unicodedata.category(char).startswith("C") or ord(char) in _INVISIBLE_EXTRA


def has_invisible(text: str) -> bool:
    return any(is_invisible(char) for char in text)


def without_invisible(text: str) -> str:
    return "".join(char for char in text if not is_invisible(char))


def compatible(text: str) -> str:
    """NFKC: one spelling for text that reads the same (full-width "admin" is "admin",
    the ligature "fi" is "fi"), so lookalikes compare equal."""
    return unicodedata.normalize("NFKC", text)


def canonical(text: str) -> str:
    """NFC: composed characters ("e" + a combining acute is "é"), as most keyboards type."""
    return unicodedata.normalize("NFC", text)


def _script(char: str) -> str | None:
    """The script of a letter, from its Unicode name ("CYRILLIC SMALL LETTER A");
    None for what every script shares: digits, punctuation, marks, modifier letters."""
    if not unicodedata.category(char).startswith("L"):
        return None
    name = unicodedata.name(char, "")
    script = name.split(" ", 1)[0]
    return None if not script or script == "MODIFIER" else script


def mixes_scripts(text: str) -> bool:
    """True for text whose letters come from scripts no writing system combines, as a
    lookalike does ("admin" with a Cyrillic a, U+0430, among its Latin letters)."""
    scripts = {script for char in text if (script := _script(char)) is not None}
    return len(scripts) > 1 and not any(scripts <= allowed for allowed in _SCRIPT_SETS)

"""tickets/search.py: how what a caller types becomes a PostgreSQL tsquery. Only words reach
it, each a prefix; a word a ticket may spell otherwise is one of its spellings."""

import pytest

from helpdesk.tickets.search import MAX_QUERY_WORDS, to_tsquery_text


@pytest.mark.parametrize(
    ("query", "tsquery"),
    [
        ("printer", "printer:*"),
        ("Printer crashes!", "Printer:* & crashes:*"),
        ("  printer,   jammed  ", "printer:* & jammed:*"),
        ("Wi-Fi floor 3", "Wi:* & Fi:* & floor:* & 3:*"),
        ("Cafe\u0301", "Caf\u00e9:*"),  # composed, as keyboards type it
    ],
)
def test_every_word_is_a_prefix_and_every_word_must_match(query: str, tsquery: str) -> None:
    assert to_tsquery_text(query) == tsquery


@pytest.mark.parametrize(
    ("query", "tsquery"),
    [
        ("a & b | !c", "a:* & b:* & c:*"),
        ("printer:*", "printer:*"),
        ("printer <-> jammed", "printer:* & jammed:*"),
        ("'; DROP TABLE tickets; --", "DROP:* & TABLE:* & tickets:*"),
        ("(printer) 'jammed'", "printer:* & jammed:*"),
    ],
)
def test_operators_quotes_and_brackets_never_reach_the_tsquery(query: str, tsquery: str) -> None:
    assert to_tsquery_text(query) == tsquery


@pytest.mark.parametrize("query", ["", "   ", "!!!", ":*", "&|!", "<->", "'", "\\", "\u0000"])
def test_a_query_without_a_word_is_none(query: str) -> None:
    assert to_tsquery_text(query) is None


@pytest.mark.parametrize(
    ("query", "tsquery"),
    [
        ("Straße", "(Straße:* | Strasse:*)"),
        ("STRASSE", "(STRASSE:* | STRAßE:*)"),
        ("Mass", "(Mass:* | Maß:*)"),
        ("ΟΔΟΣ", "(ΟΔΟΣ:* | ΟΔΟσ:* | ΟΔΟς:*)"),
        ("οδός", "(οδός:* | οδόσ:*)"),
        ("İzmir", "İzmir:*"),  # PostgreSQL lower-cases it, not Python
    ],
)
def test_a_word_with_other_spellings_is_any_of_them(query: str, tsquery: str) -> None:
    assert to_tsquery_text(query) == tsquery


def test_words_past_the_limit_are_left_out() -> None:
    words = [f"w{n}" for n in range(MAX_QUERY_WORDS + 4)]

    tsquery = to_tsquery_text(" ".join(words))

    assert tsquery == " & ".join(f"{word}:*" for word in words[:MAX_QUERY_WORDS])

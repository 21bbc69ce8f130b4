"""The words tickets and comments are made of, with Zipf-like frequencies.

A support desk's vocabulary, most common first, followed by a long tail of made-up but
pronounceable words: the head gives search its common words ("printer" is in about one
ticket in five), the tail its rare ones (a tail word is in a few hundred of a million
tickets and their comments). Deterministic: the dataset and the load generator agree on
every word.
"""

import itertools
import math
import random

SEED = 20261124
VOCABULARY_SIZE = 20_000
# Searched for by the benchmark: the most common word, and one from the far tail.
COMMON_WORD = "printer"
RARE_WORD_RANK = 19_000

_HEAD_TEXT = """
printer email password login error account network laptop access server vpn update issue
screen office phone slow outlook reset request user install software license meeting
calendar folder file share drive teams wifi connection monitor keyboard mouse battery
charger broken crash freeze restart report invoice payment order customer shipping
refund backup database timeout certificate browser chrome firefox windows linux mac
mobile android iphone app page link button form upload download sync cloud storage quota
permission group admin role token expired locked unlock blocked spam virus malware
firewall proxy dns domain router switch cable port ticket urgent please help thanks
again today yesterday morning afternoon week team manager colleague new old second third
floor room building desk badge door camera headset microphone audio video call
conference zoom slack jira confluence wiki sharepoint onedrive excel word powerpoint pdf
scan scanner copier toner paper tray jam driver firmware version patch release deploy
build pipeline test staging production outage incident degraded latency error500 gateway
api integration webhook export import csv report dashboard chart metrics alert
notification reminder schedule shift holiday leave payroll expense receipt travel
booking hotel flight contract vendor supplier purchase approval budget quote estimate
delivery warehouse stock inventory label barcode sensor device asset serial warranty
repair replace return exchange damaged missing wrong duplicate delayed cancelled pending
waiting escalate priority deadline overdue resolved working fixed cannot unable failed
failing stuck loading blank black white flicker noise overheating
"""
HEAD = _HEAD_TEXT.split()

_ONSETS = [
    "b",
    "c",
    "d",
    "f",
    "g",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "z",
    "br",
    "cr",
    "dr",
    "fl",
    "gr",
    "kl",
    "pl",
    "pr",
    "st",
    "tr",
    "sk",
    "sn",
    "qu",
    "th",
    "sh",
]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou", "y"]
_CODAS = ["", "n", "r", "l", "s", "x", "m", "nd", "rk", "st", "lt", "ng"]


def _tail_words(count: int, taken: set[str]) -> list[str]:
    """Pronounceable made-up words of two syllables, five letters or more. Search
    matches prefixes ("print" finds "printer"): the benchmark counts what its rare word
    really finds and reports it."""
    rng = random.Random(SEED)  # noqa: S311 (made-up words, not secrets)
    words: list[str] = []
    seen = set(taken)
    while len(words) < count:
        word = "".join(
            rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(2)
        )
        if word not in seen and len(word) >= 5:
            seen.add(word)
            words.append(word)
    return words


def words() -> list[str]:
    """The vocabulary, most frequent first."""
    head = list(dict.fromkeys(HEAD))
    return head + _tail_words(VOCABULARY_SIZE - len(head), set(head))


def rare_word() -> str:
    return words()[RARE_WORD_RANK]


def zipf_cumulative_weights(size: int, exponent: float = 1.0, shift: float = 20.0) -> list[float]:
    """Zipf-Mandelbrot: P(rank k) proportional to 1 / (k + shift) ** exponent, as running
    totals for random.choices. The shift flattens the head: with plain Zipf the first word
    would be in nearly every ticket; with it, in about one ticket in five."""
    return list(
        itertools.accumulate(1.0 / math.pow(rank + shift, exponent) for rank in range(1, size + 1))
    )

"""Cursors as a client could craft them, for the tests that a cursor is accepted exactly as
the API hands it out (tickets/test_cursor.py over HTTP, unit/test_pagination.py the rule)."""

import base64

from helpdesk.schemas import MAX_ID


def craft_cursor(raw: str) -> str:
    """The API's encoding of any text: unpadded URL-safe base64."""
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


# What a cursor holds, "<created_at>|<id>", in forms the API never hands out.
CRAFTED = {
    # Times PostgreSQL cannot hold once in UTC (year 0, year 10000): were a 500.
    "year-1-at-plus-14": "0001-01-01T00:00:00+14:00|1",
    "year-9999-at-minus-14": "9999-12-31T23:59:59-14:00|1",
    # Forms the API never hands out.
    "other-offset": "2026-11-24T10:00:00+01:00|5",
    "z-suffix": "2026-11-24T10:00:00Z|5",
    "iso-week-date": "2026-W48-2T10:00:00+00:00|5",
    "ordinal-date": "2026-328T10:00:00+00:00|5",
    "space-separator": "2026-11-24 10:00:00+00:00|5",
    "milliseconds": "2026-11-24T10:00:00.123+00:00|5",
    "underscore-in-id": "2026-11-24T10:00:00+00:00|5_0",
    "space-before-id": "2026-11-24T10:00:00+00:00| 5",
    "plus-sign-id": "2026-11-24T10:00:00+00:00|+5",
    "leading-zero-id": "2026-11-24T10:00:00+00:00|05",
    "arabic-indic-digits-id": "2026-11-24T10:00:00+00:00|\u0665",
    "fullwidth-digits-year": "\uff12\uff10\uff12\uff16-11-24T10:00:00+00:00|5",
    "id-zero": "2026-11-24T10:00:00+00:00|0",
    "id-over-int4": f"2026-11-24T10:00:00+00:00|{MAX_ID + 1}",
    "no-id": "2026-11-24T10:00:00+00:00|",
    "month-13": "2026-13-24T10:00:00+00:00|5",
    "trailing-text": "2026-11-24T10:00:00+00:00|5|6",
}
GOOD_POSITION = "2026-11-24T10:00:00+00:00|5"
# Not a cursor at all, or a good position in another encoding than the API's.
MALFORMED = {
    "garbage": "garbage",
    "empty": "",
    "not-a-cursor": "bm90LWEtY3Vyc29y",
    "naive-timestamp": "MjAyNi0xMS0yNFQwMDowMDowMHwx",
    "too-long": "x" * 101,
    "symbols": "%%%",
    "padded": craft_cursor(GOOD_POSITION) + "=",  # padding the API strips
    "leading-space": " " + craft_cursor(GOOD_POSITION),
    "newline": craft_cursor(GOOD_POSITION) + "\n",
}

"""pagination.py: a cursor is a position (created_at, id) the API hands out, and only what
it hands out is taken back."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from helpdesk.errors import FieldInvalid
from helpdesk.pagination import Cursor
from helpdesk.schemas import MAX_ID
from tests.support.cursors import CRAFTED, GOOD_POSITION, MALFORMED, craft_cursor


@pytest.mark.parametrize(
    "position",
    [
        Cursor(datetime(2026, 11, 24, 10, 0, 0, 123456, tzinfo=UTC), 5),
        Cursor(datetime(2026, 11, 24, 10, 0, 0, tzinfo=UTC), 1),
        Cursor(datetime(1, 1, 1, tzinfo=UTC), 1),
        Cursor(datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC), MAX_ID),
    ],
    ids=["microseconds", "whole-second", "earliest", "latest"],
)
def test_a_cursor_decodes_to_the_position_it_encodes(position: Cursor) -> None:
    text = position.encode()

    assert Cursor.decode(text) == position
    assert "=" not in text  # unpadded: it goes in a query string as it is


def test_a_position_in_another_offset_is_encoded_in_utc() -> None:
    paris = datetime(2026, 11, 24, 11, 0, tzinfo=timezone(timedelta(hours=1)))
    utc = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)

    assert Cursor(paris, 5).encode() == Cursor(utc, 5).encode() == craft_cursor(GOOD_POSITION)


@pytest.mark.parametrize(
    "text",
    [*MALFORMED.values(), *(craft_cursor(raw) for raw in CRAFTED.values())],
    ids=[*MALFORMED, *(f"crafted-{name}" for name in CRAFTED)],
)
def test_anything_but_what_encode_hands_out_is_field_invalid_on_cursor(text: str) -> None:
    with pytest.raises(FieldInvalid) as refused:
        Cursor.decode(text)

    assert (refused.value.status_code, refused.value.field) == (400, "cursor")

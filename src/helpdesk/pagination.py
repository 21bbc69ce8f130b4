"""Paging, shared by every list endpoint: limit/offset everywhere, and on the ticket lists a
keyset `cursor` as well, so a page deep in the list costs what the first page costs (offset
makes PostgreSQL walk past every skipped row)."""

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

from helpdesk.errors import FieldInvalid
from helpdesk.schemas import MAX_ID

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_OFFSET = MAX_ID
MAX_CURSOR_LENGTH = 100

T = TypeVar("T")


# What Cursor.encode writes, and nothing else: the order's tag, then ASCII digits, UTC,
# microseconds or none (or "inf": no time, last in the order), then the id.
_CURSOR = re.compile(
    r"(?:([a-z][0-9]?)\|)?"
    r"(?:(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{6}))?\+00:00|(inf))"
    r"\|([1-9]\d{0,9})",
    re.ASCII,
)


@dataclass(frozen=True, slots=True)
class Cursor:
    """A position in a list: the last row shown, by the values its order sorts on. `order`
    tags the order it belongs to ("" for the newest first, by created_at); `at` is None
    for a row without a time (a paused ticket, last by due date)."""

    at: datetime | None
    id: int
    order: str = ""

    def encode(self) -> str:
        at = "inf" if self.at is None else self.at.astimezone(UTC).isoformat()
        tag = f"{self.order}|" if self.order else ""
        raw = f"{tag}{at}|{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> "Cursor":
        """Exactly what encode() hands out, or 400 FIELD_INVALID on `cursor`: a time in
        another offset or form could fall outside what PostgreSQL stores (year 0 in UTC)."""
        try:
            raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
            match = _CURSOR.fullmatch(raw.decode("ascii"))
            if match is None:
                raise ValueError("not a position this API hands out")
            order, *when, micro, infinite, row_id = match.groups()
            at = None
            if not infinite:
                year, month, day, hour, minute, second = (int(part) for part in when)
                at = datetime(year, month, day, hour, minute, second, int(micro or 0), tzinfo=UTC)
            cursor = cls(at, int(row_id), order or "")
            if cursor.id > MAX_ID or cursor.encode() != text:
                raise ValueError("not a position this API hands out")
        except (binascii.Error, ValueError):  # UnicodeDecodeError is a ValueError
            raise FieldInvalid("Not a cursor from a previous page", field="cursor") from None
        return cursor


@dataclass(frozen=True, slots=True)
class PageParams:
    limit: int
    offset: int
    after: Cursor | None = None


async def page_params(
    limit: Annotated[
        int,
        Query(ge=1, description=f"Page size, 1 or more; values over {MAX_PAGE_SIZE} are capped"),
    ] = DEFAULT_PAGE_SIZE,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip")] = 0,
) -> PageParams:
    return PageParams(limit=min(limit, MAX_PAGE_SIZE), offset=offset)


async def cursor_page_params(
    page: Annotated[PageParams, Depends(page_params)],
    cursor: Annotated[
        str | None,
        Query(
            max_length=MAX_CURSOR_LENGTH,
            description="`next_cursor` of the previous page: the page after it (not with offset)",
        ),
    ] = None,
) -> PageParams:
    if cursor is None:
        return page
    if page.offset:
        raise FieldInvalid("Use either cursor or offset, not both", field="offset")
    return PageParams(limit=page.limit, offset=0, after=Cursor.decode(cursor))


PageDep = Annotated[PageParams, Depends(page_params)]
CursorPageDep = Annotated[PageParams, Depends(cursor_page_params)]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_offset: int | None


class CursorPage(Page[T], Generic[T]):
    next_cursor: str | None


def make_page(rows: list[T], params: PageParams) -> Page[T]:
    """`rows` holds up to limit + 1 rows: the extra one only says a next page exists."""
    has_more = len(rows) > params.limit
    return Page[T](
        items=rows[: params.limit],
        next_offset=params.offset + params.limit if has_more else None,
    )


def make_cursor_page(
    rows: list[T], params: PageParams, *, position: Callable[[T], Cursor]
) -> CursorPage[T]:
    """As make_page, plus the cursor of the last row shown when a next page exists. A page
    reached by cursor has no offset to offer."""
    page = make_page(rows, params)
    has_more = page.next_offset is not None
    return CursorPage[T](
        items=page.items,
        next_offset=page.next_offset if params.after is None else None,
        next_cursor=position(page.items[-1]).encode() if has_more else None,
    )

"""Reading the outbox (the events table) for the live streams: Core statements compiled
once, per viewer kind (staff read every event, a requester their own tickets' public ones),
run on the process's pool."""

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, cast

import asyncpg
from sqlalchemy import ARRAY, BigInteger, Select, Table, bindparam, func, select

from helpdesk.db.compiled import Compiled
from helpdesk.events.models import Event

_events = cast(Table, Event.__table__)


@dataclass(frozen=True, slots=True)
class EventRow:
    """An event as a stream needs it: what it says, and who may see it."""

    id: int
    type: str
    ticket_id: int
    requester_id: int
    internal: bool
    data: dict[str, Any]
    created_at: datetime


_COLUMNS = [_events.c[name] for name in EventRow.__slots__]


def _row(record: asyncpg.Record) -> EventRow:
    return EventRow(**{name: record[name] for name in EventRow.__slots__})


def _seen_by(statement: Select[Any], *, staff: bool) -> Select[Any]:
    """The stream's visibility rule in SQL (events/hub.py has it for one event)."""
    if staff:
        return statement
    return statement.where(
        _events.c.requester_id == bindparam("user_id"), _events.c.internal.is_(False)
    )


@cache
def _after(*, staff: bool) -> Compiled:
    return Compiled(
        _seen_by(select(*_COLUMNS).where(_events.c.id > bindparam("after")), staff=staff)
        .order_by(_events.c.id)
        .limit(bindparam("limit"))
    )


@cache
def _nth_after(*, staff: bool) -> Compiled:
    return Compiled(
        _seen_by(select(_events.c.id).where(_events.c.id > bindparam("after")), staff=staff)
        .order_by(_events.c.id)
        .offset(bindparam("offset"))
        .limit(1)
    )


_LATEST = Compiled(select(func.max(_events.c.id)))
_BY_IDS = Compiled(
    select(*_COLUMNS)
    .where(_events.c.id == func.any(bindparam("ids", type_=ARRAY(BigInteger))))
    .order_by(_events.c.id)
)


def _viewer(*, user_id: int, staff: bool) -> dict[str, int]:
    return {} if staff else {"user_id": user_id}


async def after(
    connection: asyncpg.Connection, *, user_id: int, staff: bool, after: int, limit: int
) -> list[EventRow]:
    """What the viewer may see after event `after`, oldest first, at most `limit`."""
    statement = _after(staff=staff)
    rows = await connection.fetch(
        statement.sql(),
        *statement.args(after=after, limit=limit, **_viewer(user_id=user_id, staff=staff)),
    )
    return [_row(row) for row in rows]


async def more_than(
    connection: asyncpg.Connection, *, user_id: int, staff: bool, after: int, count: int
) -> bool:
    """Whether the viewer may see more than `count` events after event `after`."""
    statement = _nth_after(staff=staff)
    found = await connection.fetchval(
        statement.sql(),
        *statement.args(after=after, offset=count, **_viewer(user_id=user_id, staff=staff)),
    )
    return found is not None


async def latest(connection: asyncpg.Connection) -> int:
    """The newest event's id (0 when there is none)."""
    found: int | None = await connection.fetchval(_LATEST.sql(), *_LATEST.args())
    return found or 0


async def by_ids(connection: asyncpg.Connection, ids: list[int]) -> list[EventRow]:
    rows = await connection.fetch(_BY_IDS.sql(), *_BY_IDS.args(ids=ids))
    return [_row(row) for row in rows]

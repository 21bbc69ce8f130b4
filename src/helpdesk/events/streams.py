"""The open live streams of every API process, in the database (event_streams): an account
holds at most STREAM_MAX_PER_USER of them at once, and a stream token opens one stream.

A stream's row lives while its process refreshes `heartbeat_at` (each STREAM_CHECK_SECONDS,
when the stream checks its holder again); a process that dies leaves rows that stop
counting once STREAM_STALE_SECONDS old. A row that spent a stream token stays until the
token expires, closed or not, so that the token cannot open another stream. An account's
rows are counted under a lock of its own, so two processes opening its streams at once
cannot both take the last place."""

from datetime import datetime, timedelta
from typing import cast

import asyncpg
from sqlalchemy import BindParameter, Integer, Table, bindparam, func, literal, or_, select, update
from sqlalchemy import delete as sql_delete
from sqlalchemy.dialects.postgresql import insert as pg_insert

from helpdesk.db.compiled import Compiled
from helpdesk.errors import RateLimited, Unauthorized
from helpdesk.events.models import EventStream

# How often an open stream checks its holder again and refreshes its row, whatever the
# traffic (a revocation ends it sooner: events/hub.py).
STREAM_CHECK_SECONDS = 5.0
# A row not refreshed for this long belongs to a process that is gone.
STREAM_STALE_SECONDS = 6 * STREAM_CHECK_SECONDS
# The key space of the per-account lock (pg_advisory_xact_lock(key, user_id)).
STREAM_LOCK_KEY = 0x68647374  # "hdst"

_streams = cast(Table, EventStream.__table__)
_stale = func.now() - timedelta(seconds=STREAM_STALE_SECONDS)
_user: BindParameter[int] = bindparam("user_id", type_=Integer)

_LOCK = Compiled(select(func.pg_advisory_xact_lock(literal(STREAM_LOCK_KEY), _user)))
# What no longer counts and guards no token.
_SWEEP = Compiled(
    sql_delete(_streams).where(
        _streams.c.user_id == _user,
        or_(_streams.c.open.is_(False), _streams.c.heartbeat_at < _stale),
        or_(_streams.c.keep_until.is_(None), _streams.c.keep_until < func.now()),
    )
)
_OPEN_COUNT = Compiled(
    select(func.count())
    .select_from(_streams)
    .where(_streams.c.user_id == _user, _streams.c.open, _streams.c.heartbeat_at >= _stale)
)
_INSERT = Compiled(
    pg_insert(_streams)
    .values(user_id=_user, token_id=bindparam("token_id"), keep_until=bindparam("keep_until"))
    .on_conflict_do_nothing(index_elements=[_streams.c.token_id])
    .returning(_streams.c.id)
)
_HEARTBEAT = Compiled(
    update(_streams).where(_streams.c.id == bindparam("stream_id")).values(heartbeat_at=func.now())
)
_CLOSE = Compiled(
    update(_streams).where(_streams.c.id == bindparam("stream_id")).values(open=False)
)


async def open_stream(
    connection: asyncpg.Connection,
    *,
    user_id: int,
    token_id: str | None,
    keep_until: datetime | None,
    limit: int,
) -> int:
    """The new stream's row id; 401 when its stream token was already used, 429 RATE_LIMIT
    when the account already holds `limit` open streams."""
    async with connection.transaction():
        await connection.execute(_LOCK.sql(), *_LOCK.args(user_id=user_id))
        await connection.execute(_SWEEP.sql(), *_SWEEP.args(user_id=user_id))
        stream_id = await connection.fetchval(
            _INSERT.sql(),
            *_INSERT.args(user_id=user_id, token_id=token_id, keep_until=keep_until),
        )
        if stream_id is None:
            raise Unauthorized("Stream token was already used; get a new one")
        count = await connection.fetchval(_OPEN_COUNT.sql(), *_OPEN_COUNT.args(user_id=user_id))
        if count > limit:
            # Rolled back with the row: the token is not spent.
            raise RateLimited(retry_after=int(STREAM_CHECK_SECONDS))
    return int(stream_id)


async def heartbeat(connection: asyncpg.Connection, *, stream_id: int) -> None:
    await connection.execute(_HEARTBEAT.sql(), *_HEARTBEAT.args(stream_id=stream_id))


async def close_stream(connection: asyncpg.Connection, *, stream_id: int) -> None:
    """No longer counted; swept by the account's next open once its token expired."""
    await connection.execute(_CLOSE.sql(), *_CLOSE.args(stream_id=stream_id))

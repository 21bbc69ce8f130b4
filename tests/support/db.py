"""The test database from outside the app: its tables, row counts, and a row held locked
by a connection of the test's own, to keep a request waiting in the middle of its
transaction."""

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from helpdesk.models import Base
from helpdesk.tickets.sla.models import DEFAULT_TARGETS, DEFAULT_TIMEZONE, DEFAULT_WEEK
from tests.support.server import plain_url

# The settings a new installation starts with (reset to their defaults, not emptied).
SETTINGS_TABLES = frozenset({"sla_policies", "business_hours"})
# Every other table, emptied before each test: read from the models, so a new table is
# emptied without being listed here.
TABLES = tuple(
    table.name for table in Base.metadata.sorted_tables if table.name not in SETTINGS_TABLES
)


async def reset_tables(db: asyncpg.Connection) -> None:
    """Every table as a new installation has it: TABLES empty, the SLA policies and the
    business hours at their defaults."""
    await db.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    await db.executemany(
        "UPDATE sla_policies SET first_response_minutes = $2, resolution_minutes = $3, "
        "business_hours = false WHERE priority = $1",
        [(priority.value, *targets) for priority, targets in DEFAULT_TARGETS.items()],
    )
    await db.execute(
        "UPDATE business_hours SET timezone = $1, week = $2::jsonb, holidays = '{}'",
        DEFAULT_TIMEZONE,
        json.dumps(DEFAULT_WEEK),
    )


LOCK_WAIT_SECONDS = 30
# Transactions a process leaves open across a network call (the worker's, while it waits on
# a webhook receiver or an SMTP server) show up as sessions idle in a transaction for
# longer than this.
IDLE_IN_TRANSACTION = """
    SELECT count(*) FROM pg_stat_activity
    WHERE state LIKE 'idle in transaction%' AND state_change < now() - interval '1 second'
"""


async def count_rows(db: asyncpg.Connection, table: str) -> int:
    assert table in TABLES, table
    count: int = await db.fetchval(f"SELECT count(*) FROM {table}")  # noqa: S608
    return count


@asynccontextmanager
async def row_locked(database_url: str, table: str, row_id: int) -> AsyncIterator[None]:
    """The row locked FOR UPDATE, from another connection, until the block ends: a request
    that writes it waits there, inside its transaction."""
    assert table in TABLES, table
    locker = await asyncpg.connect(plain_url(database_url))
    try:
        async with locker.transaction():
            await locker.execute(f"SELECT id FROM {table} WHERE id = $1 FOR UPDATE", row_id)  # noqa: S608
            yield
    finally:
        await locker.close()


async def wait_for_lock_waits(
    db: asyncpg.Connection, *, count: int = 1, query_like: str = "%"
) -> list[int]:
    """Until `count` statements like `query_like` wait for a lock (see row_locked); the
    process ids of their connections."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        rows = await db.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query LIKE $1",
            query_like,
        )
        if len(rows) >= count:
            return [row["pid"] for row in rows]
        assert time.monotonic() < deadline, f"{count} statement(s) like {query_like!r} never waited"
        await asyncio.sleep(0.02)

"""The one way to the database: one asyncpg pool per process (API or worker), used without
an ORM session. A statement runs through asyncpg's own prepared-statement cache, and its
rows go straight to the response models: through SQLAlchemy's session the same read cost
about seven times the CPU (bench/results/2026-11-24-layer-cost.md).

The pool opens with the first request that needs it (an app that never serves one opens
no connection) and holds up to DB_POOL_SIZE connections. A pool slot, a new connection and
each statement give up after DATABASE_TIMEOUT_SECONDS, and the client gets a 503
(db/errors.py)."""

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import asyncpg

from helpdesk import metrics
from helpdesk.config import to_plain_url

# Every wait on the database gives up after this: a pool slot, a new connection, and each
# statement. A database that is down, or stops answering, costs a request a 503 instead of
# a hang.
DATABASE_TIMEOUT_SECONDS = 5
# Requests that only read: no BEGIN and COMMIT around them (two round trips of the four
# to seven a read makes). Each of their statements sees its own snapshot, so a read that
# must be consistent is one statement (a ticket's detail is).
READ_METHODS = frozenset({"GET", "HEAD"})
# asyncpg's own default.
STATEMENT_CACHE_SIZE = 100


async def _prepare(connection: asyncpg.Connection) -> None:
    """JSON in and out as Python values, as SQLAlchemy's JSON type does."""
    for kind in ("json", "jsonb"):
        await connection.set_type_codec(
            kind, encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
        )


async def _nothing_to_reset(connection: asyncpg.Connection) -> None:
    """A connection going back to the pool: asyncpg itself ends a transaction left open.
    Its default reset also runs RESET ALL, UNLISTEN *, CLOSE ALL and unlocks advisory
    locks, a round trip per request for state the request path never sets (its LISTEN is
    on a connection of its own, events/hub.py)."""


class Database:
    """The process's pool, opened on first use."""

    def __init__(
        self,
        url: str,
        *,
        size: int,
        statement_cache_size: int = STATEMENT_CACHE_SIZE,
        on_connect: Callable[[asyncpg.Connection], Awaitable[None]] | None = None,
        connection_class: type[asyncpg.Connection] = asyncpg.Connection,
    ) -> None:
        self.url = to_plain_url(url)
        self.size = size
        self.statement_cache_size = statement_cache_size
        # Run on each new connection after the service's own set-up (bench/capture.py
        # listens to the statements this way).
        self.on_connect = on_connect
        self.connection_class = connection_class
        self._pool: asyncpg.Pool | None = None
        self._opening = asyncio.Lock()

    async def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            async with self._opening:
                if self._pool is None:
                    self._pool = await asyncpg.create_pool(
                        self.url,
                        min_size=0,
                        max_size=self.size,
                        init=self._prepare,
                        connection_class=self.connection_class,
                        reset=_nothing_to_reset,
                        statement_cache_size=self.statement_cache_size,
                        timeout=DATABASE_TIMEOUT_SECONDS,
                        command_timeout=DATABASE_TIMEOUT_SECONDS,
                        # Times that PostgreSQL renders itself (in JSON) come out in UTC.
                        server_settings={"timezone": "UTC"},
                    )
        return self._pool

    async def _prepare(self, connection: asyncpg.Connection) -> None:
        await _prepare(connection)
        if self.on_connect is not None:
            await self.on_connect(connection)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        pool = await self.pool()
        metrics.POOL_WAITING.inc()
        try:
            connection = await pool.acquire(timeout=DATABASE_TIMEOUT_SECONDS)
        finally:
            metrics.POOL_WAITING.dec()
        metrics.POOL_IN_USE.inc()
        try:
            yield connection
        finally:
            metrics.POOL_IN_USE.dec()
            await pool.release(connection)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

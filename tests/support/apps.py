"""Apps served in the test's own process: an HTTP client that calls the app directly."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import httpx
from fastapi import FastAPI

from helpdesk.config import Settings
from helpdesk.db.pool import Database
from helpdesk.main import create_app


def asgi_client(app: FastAPI, address: str = "127.0.0.1") -> httpx.AsyncClient:
    """A client for `app` over ASGI, seen by the app as coming from `address`. Errors the
    app does not handle come back as its 500, as a real client would see them."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@asynccontextmanager
async def counting_statements(settings: Settings) -> AsyncIterator[tuple[FastAPI, list[str]]]:
    """An app whose request path's statements are recorded, in order (asyncpg's query
    logger, as bench/capture.py listens)."""
    app = create_app(settings)
    statements: list[str] = []

    async def listen(connection: asyncpg.Connection) -> None:
        connection.add_query_logger(lambda query: statements.append(query.query))

    app.state.database = Database(
        settings.sqlalchemy_url, size=2, statement_cache_size=0, on_connect=listen
    )
    try:
        yield app, statements
    finally:
        await app.state.database.close()

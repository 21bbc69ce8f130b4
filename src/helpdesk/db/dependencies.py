"""What a route asks for to reach the database: the process's pool, the request's one
connection (on a replica for a read when there is one, db/replicas.py), a transaction."""

from collections.abc import AsyncIterator
from typing import Annotated

import asyncpg
from fastapi import Depends, Request

from helpdesk.db.pool import READ_METHODS, Database
from helpdesk.db.replicas import Replica


def database_of(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def get_database(request: Request) -> Database:
    return database_of(request)


DatabaseDep = Annotated[Database, Depends(get_database)]


async def get_connection(request: Request) -> AsyncIterator[asyncpg.Connection]:
    """The request's pooled connection (one per request: the caller and the route share
    it; a request that took two from one pool could wait on itself), without a
    transaction: each statement sees its own snapshot, so a read that must be consistent
    is one statement. Given back when the route returns, before the response is sent."""
    replica: Replica | None = request.app.state.replica
    if replica is not None and request.method in READ_METHODS:
        async with replica.connection(request) as connection:
            yield connection
        return
    async with database_of(request).connection() as connection:
        yield connection


ConnectionDep = Annotated[asyncpg.Connection, Depends(get_connection, scope="function")]


async def get_transaction(connection: ConnectionDep) -> AsyncIterator[asyncpg.Connection]:
    """One transaction per writing request, on the request's connection (the caller was
    read on it too): committed when the route returns, so before the response is sent and
    a client never sees a success that was not stored; rolled back when it raises. The
    services never commit."""
    async with connection.transaction():
        yield connection


TransactionDep = Annotated[asyncpg.Connection, Depends(get_transaction, scope="function")]

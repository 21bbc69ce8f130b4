"""What each layer costs the API process per request, without HTTP load or contention.

One process, one connection at a time, on the benchmark database: the CPU time (this
process only, `time.process_time`) and wall time per call of

- the caller's `SELECT users` through an ORM session (`session.get`, as the app once
  read it), as a Core statement on SQLAlchemy's pooled connection, straight through
  asyncpg, and as the app reads it now (a compiled statement on its asyncpg pool);
- a ticket's detail as the app reads it (one statement), and the whole read side of
  `GET /api/tickets/{id}` (both statements on one pooled connection);
- the framework alone: the app answering a 404 for an unknown path (middleware, routing
  and the error handler, no database) in process, through httpx's ASGI transport.

It says where a worker's time per request goes once the round trips are gone (README,
"Performance").

    .venv/bin/python bench/layer_cost.py                 # --markdown: bench/results/
"""

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import asyncpg
import dataset
import httpx
from common import RESULTS, read_built
from mixes import AGENT_ID
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from tests.support.server import plain_url

from helpdesk.auth import service as accounts
from helpdesk.auth.models import User
from helpdesk.auth.tokens import TokenClaims
from helpdesk.config import Settings
from helpdesk.db.pool import Database
from helpdesk.main import create_app
from helpdesk.tickets import detail as tickets

CALLS = 3_000
WARMUP = 300


async def measure(call: Callable[[], Awaitable[object]]) -> tuple[float, float]:
    """(CPU µs, wall µs) per call."""
    for _ in range(WARMUP):
        await call()
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(CALLS):
        await call()
    return (
        (time.process_time() - cpu) / CALLS * 1e6,
        (time.perf_counter() - wall) / CALLS * 1e6,
    )


async def run(url: str, ticket_id: int) -> list[tuple[str, float, float]]:
    os.environ.setdefault("JWT_SECRET", "layer-cost-" + "x" * 40)
    app = create_app(Settings(database_url=url, rate_limit_api_per_minute=0))
    # An ORM engine and read sessions of the bench's own, as the app once read: the app
    # holds none now ("the app" rows time its path).
    engine = create_async_engine(url, pool_size=10, max_overflow=0)
    reads = engine.execution_options(isolation_level="AUTOCOMMIT")
    sessions = async_sessionmaker(reads, expire_on_commit=False)
    users = User.__table__
    raw = await asyncpg.connect(plain_url(url))
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench")
    database: Database = app.state.database
    async with sessions() as session, session.begin():
        caller = await session.get(User, AGENT_ID)
        if caller is None:
            raise SystemExit(f"user {AGENT_ID} is not in the dataset")
    claims = TokenClaims(user_id=AGENT_ID, token_version=caller.token_version)
    async with database.connection() as connection:
        if await tickets.get_ticket_detail(connection, ticket_id=ticket_id, caller=caller) is None:
            raise SystemExit(f"ticket {ticket_id} is not in the dataset")

    async def user_orm() -> None:
        async with sessions() as session, session.begin():
            await session.get(User, AGENT_ID)

    async def user_core() -> None:
        async with reads.connect() as connection:
            (await connection.execute(select(users).where(users.c.id == AGENT_ID))).one()

    async def user_asyncpg() -> None:
        await raw.fetchrow("SELECT * FROM users WHERE id = $1", AGENT_ID)

    async def user_app() -> None:
        async with database.connection() as connection:
            await accounts.token_holder(connection, claims=claims)

    async def detail() -> None:
        async with database.connection() as connection:
            await tickets.get_ticket_detail(connection, ticket_id=ticket_id, caller=caller)

    async def both() -> None:
        async with database.connection() as connection:
            user = await accounts.token_holder(connection, claims=claims)
            await tickets.get_ticket_detail(connection, ticket_id=ticket_id, caller=user)

    async def framework() -> None:
        response = await client.get("/api/no-such-page")
        assert response.status_code == 404

    rows = []
    try:
        for name, call in (
            ("caller: ORM session, `session.get(User)`", user_orm),
            ("caller: Core `select` on SQLAlchemy's pooled connection", user_core),
            ("caller: asyncpg `fetchrow`", user_asyncpg),
            ("caller: the app (compiled statement, asyncpg pool)", user_app),
            ("ticket detail, one statement (the app)", detail),
            ("caller + ticket detail on one pooled connection (the app's reads)", both),
            ("no database: a 404 for an unknown path in process, httpx client included", framework),
        ):
            rows.append((name, *await measure(call)))
    finally:
        await client.aclose()
        await raw.close()
        await engine.dispose()
        await database.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="default: as bench/dataset.py")
    parser.add_argument("--markdown", action="store_true", help="write bench/results/")
    args = parser.parse_args(argv)
    url = args.database_url or dataset.database_url_from_env()
    built = asyncio.run(read_built(url))
    rows = asyncio.run(run(url, ticket_id=max(1, built.size.tickets // 2)))  # a middle-aged one
    lines = [
        f"# What each layer costs per call ({datetime.now(UTC).date()}, "
        f"{CALLS} calls after {WARMUP}, one at a time)",
        "",
        "| call | CPU µs (this process) | wall µs |",
        "| --- | ---: | ---: |",
        *(f"| {name} | {cpu:.0f} | {wall:.0f} |" for name, cpu, wall in rows),
        "",
    ]
    print("\n".join(lines))
    if args.markdown:
        path = RESULTS / f"{datetime.now(UTC).date()}-layer-cost.md"
        path.write_text("\n".join(lines))
        print(f"written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The ceiling: the SQL a read mix executes, without HTTP or the app, replayed straight
through asyncpg on as many connections as wrk has, for as long."""

import asyncio
import json
import random
import time

import asyncpg
from capture import Statement
from common import percentile
from mixes import Figures
from tests.support.server import plain_url

from helpdesk.db.pool import DATABASE_TIMEOUT_SECONDS


async def ceiling(
    url: str, samples: list[list[Statement]], connections: int, duration: float
) -> Figures:
    # Each statement gives up when the app's would (its command_timeout), so a query the
    # app answers with a 503 counts here as an error too.
    conns = [
        await asyncpg.connect(plain_url(url), command_timeout=DATABASE_TIMEOUT_SECONDS)
        for _ in range(connections)
    ]
    for conn in conns:  # as the app reads them: json and jsonb decoded
        for kind in ("json", "jsonb"):
            await conn.set_type_codec(
                kind, encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
            )
    latencies: list[float] = []
    errors = 0
    stop_at = time.perf_counter() + duration

    async def client(conn: asyncpg.Connection, seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)  # noqa: S311 (sample requests, not secrets)
        while time.perf_counter() < stop_at:
            sample = rng.choice(samples)
            start = time.perf_counter()
            try:
                # As the app reads (helpdesk.db.pool.READ_METHODS): no transaction around them.
                for statement, parameters in sample:
                    await conn.fetch(statement, *parameters)
            except (asyncpg.PostgresError, TimeoutError):
                errors += 1
            latencies.append(time.perf_counter() - start)

    start = time.perf_counter()
    try:
        await asyncio.gather(*(client(conn, n) for n, conn in enumerate(conns)))
    finally:
        elapsed = time.perf_counter() - start
        for conn in conns:
            await conn.close()
    return Figures(
        requests=len(latencies),
        rps=len(latencies) / elapsed,
        p50_ms=1000 * percentile(latencies, 50),
        p95_ms=1000 * percentile(latencies, 95),
        p99_ms=1000 * percentile(latencies, 99),
        max_ms=1000 * percentile(latencies, 100),
        errors=errors,
    )

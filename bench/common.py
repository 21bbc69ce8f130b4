"""What the benchmark's scripts share: where things are, the one percentile, the dataset's
record, and the settings of the server under load (started the tests' way,
tests/support/server.py)."""

import math
import tempfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import asyncpg
import dataset
from tests.support.server import plain_url

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RESULTS = BENCH / "results"
TEMP = Path(tempfile.gettempdir())


def percentile(values: Iterable[float], q: float) -> float:
    """Nearest-rank percentile, `q` from 0 to 100: a value that was really measured, the
    smallest with q% of the values at or below it. NaN when there are none, so that a phase
    with no measurement never reads as fast (NaN fails every `<` target)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = math.ceil(q * len(ordered) / 100)
    return ordered[min(max(rank, 1), len(ordered)) - 1]


def log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)


def size_label(tickets: int) -> str:
    if tickets % 1_000_000 == 0:
        return f"{tickets // 1_000_000}M"
    if tickets % 1_000 == 0:
        return f"{tickets // 1_000}k"
    return str(tickets)


def server_settings(jwt_secret: str) -> dict[str, str]:
    """The settings of the server under load (and of the app that the SQL is captured
    from), beyond the launcher's (rate limits off): production bcrypt, a secret of the
    run's own, tokens that outlast the run."""
    return {
        "JWT_SECRET": jwt_secret,
        "BCRYPT_ROUNDS": str(dataset.BENCH_BCRYPT_ROUNDS),
        "ACCESS_TOKEN_MINUTES": "600",
    }


async def read_built(url: str) -> dataset.Built:
    conn = await asyncpg.connect(plain_url(url))
    try:
        built = await dataset.read_record(conn)
    finally:
        await conn.close()
    if built is None:
        raise SystemExit("no dataset in that database: run bench/dataset.py first")
    return built


async def reset(url: str, built: dataset.Built) -> None:
    """Remove what earlier runs' writes added, so every run sees the dataset's size."""
    conn = await asyncpg.connect(plain_url(url))
    try:
        await conn.execute(
            "DELETE FROM idempotency_keys; "  # noqa: S608 (numbers from the dataset record)
            f"DELETE FROM timeline_logs WHERE id > {built.rows['timeline_logs']}; "
            f"DELETE FROM comments WHERE id > {built.rows['comments']}; "
            f"DELETE FROM tickets WHERE id > {built.rows['tickets']}; "
            f"DELETE FROM users WHERE id > {built.rows['users']}; "
        )
        for table in ("idempotency_keys", "timeline_logs", "comments", "tickets"):
            await conn.execute(f"VACUUM (ANALYZE) {table}")
    finally:
        await conn.close()

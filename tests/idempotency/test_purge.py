"""Idempotency-Key records past their 24 hours are deleted, in batches, by
`helpdesk purge-idempotency-keys` and by the running `helpdesk worker` once an hour; a key still in
its lifetime is kept and still replays."""

import asyncio
import subprocess
import time
from pathlib import Path

import asyncpg
import httpx

from tests.support.accounts import Account
from tests.support.responses import assert_error
from tests.support.server import (
    HELPDESK,
    Server,
    WorkerProcess,
    inherited_environment,
    server_environment,
)
from tests.support.tickets import post_ticket


async def _keys(db: asyncpg.Connection, user: Account, count: int, *, hours_old: int) -> None:
    await db.execute(
        "INSERT INTO idempotency_keys (user_id, key, request_hash, status_code, response_body,"
        " created_at) SELECT $1, $2 || n, 'h', 201, '{}'::json, now() - make_interval(hours => $4)"
        " FROM generate_series(1, $3) AS n",
        user.id,
        f"{hours_old}h-",
        count,
        hours_old,
    )


async def _left(db: asyncpg.Connection) -> dict[str, int]:
    rows = await db.fetch(
        "SELECT split_part(key, '-', 1) AS age, count(*) FROM idempotency_keys GROUP BY 1"
    )
    return {row["age"]: row["count"] for row in rows}


async def test_the_command_deletes_expired_keys_in_batches_and_keeps_the_rest(
    database_url: str, db: asyncpg.Connection, requester: Account, tmp_path: Path
) -> None:
    await _keys(db, requester, 2_500, hours_old=25)  # more than two batches of 1,000
    await _keys(db, requester, 3, hours_old=23)
    done = await asyncio.to_thread(
        subprocess.run,
        [HELPDESK, "purge-idempotency-keys"],
        env=inherited_environment() | server_environment(database_url),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "purged 2500 idempotency keys" in done.stdout
    assert await _left(db) == {"23h": 3}


async def test_the_running_worker_purges_by_itself_and_the_api_leaves_it_to_it(
    database_url: str, db: asyncpg.Connection, requester: Account, tmp_path: Path
) -> None:
    await _keys(db, requester, 5, hours_old=30)
    await _keys(db, requester, 2, hours_old=1)
    purging = {"IDEMPOTENCY_PURGE_EVERY_SECONDS": "0.2"}
    with Server(database_url, tmp_path / "server.log", env=purging) as server:
        # Background work is the worker's: the API process alone deletes nothing.
        await asyncio.sleep(1)
        assert await _left(db) == {"30h": 5, "1h": 2}
        with WorkerProcess(database_url, tmp_path / "worker.log", env=purging):
            deadline = time.monotonic() + 20
            while await _left(db) != {"1h": 2}:
                assert time.monotonic() < deadline, await _left(db)
                await asyncio.sleep(0.1)
            # A key in its lifetime is still there: another request under it is refused.
            async with httpx.AsyncClient(base_url=server.base_url) as http:
                replay = await post_ticket(
                    http, requester, {"title": "anything"}, idempotency_key="1h-1"
                )
            assert_error(replay, 422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key")

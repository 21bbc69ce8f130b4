"""SIGTERM, as a process manager sends it on a deploy: the server stops taking new
connections, lets the requests in flight finish (and commit), then exits 0."""

import asyncio
import signal
import time

import asyncpg
import httpx
import pytest

from tests.support.accounts import Account
from tests.support.db import row_locked, wait_for_lock_waits
from tests.support.faults import Servers
from tests.support.tickets import create_ticket, patch_ticket, stored_timeline

STOP_LISTENING_SECONDS = 30


async def _wait_until_connections_are_refused(port: int) -> None:
    """Until nothing listens on `port` any more: the first thing a server does on SIGTERM."""
    deadline = time.monotonic() + STOP_LISTENING_SECONDS
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except ConnectionRefusedError:
            return
        writer.close()
        await writer.wait_closed()
        assert time.monotonic() < deadline, "the server still takes connections after SIGTERM"
        await asyncio.sleep(0.02)


async def test_sigterm_lets_the_request_in_flight_finish_then_exits_0(
    database_url: str, servers: Servers, admin: Account, db: asyncpg.Connection
) -> None:
    server = servers.start(database_url)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as http:
        ticket_id = (await create_ticket(http, admin, title="Before"))["id"]

        # A row lock held from outside keeps the PATCH in flight, inside its transaction.
        async with row_locked(database_url, "tickets", ticket_id):
            patch = asyncio.create_task(
                patch_ticket(http, admin, ticket_id, {"title": "Finished after SIGTERM"})
            )
            await wait_for_lock_waits(db)

            server.process.send_signal(signal.SIGTERM)
            await _wait_until_connections_are_refused(server.port)
            # The server has begun to stop, and waits for the PATCH it holds.
            assert not patch.done()
            assert server.process.poll() is None
            # No new connection is taken any more.
            async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as late:
                with pytest.raises(httpx.ConnectError):
                    await late.get("/api/health")

        response = await patch
    assert response.status_code == 200, response.text
    assert response.json()["title"] == "Finished after SIGTERM"
    assert response.headers["ETag"] == '"2"'
    exit_code = await asyncio.to_thread(server.process.wait, 30)
    assert exit_code == 0, server.log()

    row = await db.fetchrow("SELECT title, version FROM tickets WHERE id = $1", ticket_id)
    assert dict(row) == {"title": "Finished after SIGTERM", "version": 2}
    assert await stored_timeline(db, ticket_id) == [
        ("ticket.created", admin.id),
        ("ticket.updated", admin.id),
    ]

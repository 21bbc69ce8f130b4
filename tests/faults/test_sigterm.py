"""SIGTERM, as a process manager sends it on a deploy: the server stops taking new
connections, lets the requests in flight finish (and commit), then exits 0."""

import asyncio
import signal
import time

import asyncpg
import httpx
import pytest

from tests.conftest import Account
from tests.faults.conftest import Servers
from tests.support.server import plain_url


async def _wait_for_a_lock_wait(db: asyncpg.Connection) -> None:
    deadline = time.monotonic() + 30
    while not await db.fetchval(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    ):
        assert time.monotonic() < deadline, "the request never reached the locked row"
        await asyncio.sleep(0.02)


async def test_sigterm_lets_the_request_in_flight_finish_then_exits_0(
    database_url: str, servers: Servers, admin: Account, db: asyncpg.Connection
) -> None:
    server = servers.start(database_url)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as http:
        created = await http.post("/api/tickets", json={"title": "Before"}, headers=admin.headers)
        assert created.status_code == 201, created.text
        ticket_id = created.json()["id"]

        # A row lock held from outside keeps the PATCH in flight, inside its transaction.
        locker = await asyncpg.connect(plain_url(database_url))
        try:
            lock = locker.transaction()
            await lock.start()
            await locker.execute("SELECT id FROM tickets WHERE id = $1 FOR UPDATE", ticket_id)
            patch = asyncio.create_task(
                http.patch(
                    f"/api/tickets/{ticket_id}",
                    json={"title": "Finished after SIGTERM"},
                    headers={**admin.headers, "If-Match": '"1"'},
                )
            )
            await _wait_for_a_lock_wait(db)

            server.process.send_signal(signal.SIGTERM)
            await asyncio.sleep(1)
            assert not patch.done()
            assert server.process.poll() is None
            # No new connection is taken any more.
            async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as late:
                with pytest.raises(httpx.ConnectError):
                    await late.get("/api/health")
            await lock.rollback()
        finally:
            await locker.close()

        response = await patch
    assert response.status_code == 200, response.text
    assert response.json()["title"] == "Finished after SIGTERM"
    assert response.headers["ETag"] == '"2"'
    exit_code = await asyncio.to_thread(server.process.wait, 30)
    assert exit_code == 0, server.log()

    row = await db.fetchrow("SELECT title, version FROM tickets WHERE id = $1", ticket_id)
    assert dict(row) == {"title": "Finished after SIGTERM", "version": 2}
    actions = await db.fetch(
        "SELECT action FROM timeline_logs WHERE ticket_id = $1 ORDER BY id", ticket_id
    )
    assert [r["action"] for r in actions] == ["ticket.created", "ticket.updated"]

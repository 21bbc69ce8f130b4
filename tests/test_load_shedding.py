"""Past MAX_REQUESTS_IN_FLIGHT API requests at once, a process answers 503
SERVICE_UNAVAILABLE with Retry-After at once (it sheds the load, it does not queue it), and
what it refused changed nothing; a health check is answered all the same, and once the
requests in flight are done the next is served."""

import asyncio
import time
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from helpdesk.config import Settings
from helpdesk.main import create_app
from tests.support.accounts import Account
from tests.support.apps import asgi_client
from tests.support.responses import assert_error
from tests.support.server import plain_url
from tests.support.tickets import create_ticket, patch_ticket, post_ticket

WAIT_SECONDS = 4  # under the app's 5 s statement timeout


@pytest.fixture
async def one_at_a_time(settings: Settings) -> AsyncIterator[FastAPI]:
    app = create_app(settings.model_copy(update={"max_requests_in_flight": 1}))
    yield app
    await app.state.database.close()


async def _lock_waiters(db: asyncpg.Connection) -> int:
    waiting: int = await db.fetchval(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
    )
    return waiting


async def test_one_request_past_the_bound_is_refused_at_once_and_changes_nothing(
    one_at_a_time: FastAPI,
    client: httpx.AsyncClient,
    database_url: str,
    db: asyncpg.Connection,
    agent: Account,
    requester: Account,
) -> None:
    ticket = await create_ticket(client, requester)
    holder = await asyncpg.connect(plain_url(database_url))
    async with asgi_client(one_at_a_time) as shed:
        # The one request in flight: a change that waits on the ticket's row, held here.
        transaction = holder.transaction()
        await transaction.start()
        await holder.execute("SELECT 1 FROM tickets WHERE id = $1 FOR UPDATE", ticket["id"])
        change = asyncio.create_task(
            patch_ticket(shed, agent, ticket["id"], {"assignee_id": agent.id})
        )
        deadline = time.monotonic() + WAIT_SECONDS
        while await _lock_waiters(db) == 0:
            assert time.monotonic() < deadline, "the change never waited on the lock"
            await asyncio.sleep(0.02)

        # Refused while the other is in flight: the refusal did not wait for it.
        refused = await post_ticket(shed, requester, {"title": "One too many"})
        assert_error(refused, 503, "SERVICE_UNAVAILABLE")
        assert refused.headers["Retry-After"] == "1"
        assert refused.headers["Connection"] == "close"
        assert refused.headers["X-Request-ID"]
        read = await shed.get(f"/api/tickets/{ticket['id']}", headers=agent.headers)
        assert_error(read, 503, "SERVICE_UNAVAILABLE")
        assert not change.done()
        # A health check is not counted.
        health = await shed.get("/api/health")
        assert health.status_code == 200, health.text

        await transaction.rollback()
        await holder.close()
        changed = await change
        assert changed.status_code == 200, changed.text
        assert changed.json()["assignee_id"] == agent.id
        # The refused creation left nothing behind; the next request is served.
        assert await db.fetchval("SELECT count(*) FROM tickets") == 1
        again = await shed.get(f"/api/tickets/{ticket['id']}", headers=agent.headers)
        assert again.status_code == 200, again.text


async def test_without_a_bound_nothing_is_shed(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"max_requests_in_flight": 0}))
    try:
        async with asgi_client(app) as unbounded:
            answers = await asyncio.gather(*(unbounded.get("/api/ui-config") for _ in range(20)))
        assert [answer.status_code for answer in answers] == [200] * 20
    finally:
        await app.state.database.close()

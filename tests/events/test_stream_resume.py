"""Resuming with Last-Event-ID: every missed event, in order, however many pages they
fill; further behind than MAX_RESUME_EVENTS, one `reset` and the stream ends."""

import asyncpg
import httpx

from helpdesk.events.hub import BACKLOG_PAGE, MAX_RESUME_EVENTS
from tests.support.accounts import Account
from tests.support.server import Server
from tests.support.sse import Stream
from tests.support.tickets import create_ticket

MISSED = BACKLOG_PAGE + 200


async def _write_events(
    db: asyncpg.Connection, *, ticket_id: int, requester_id: int, count: int
) -> None:
    """`count` events in the outbox, as if written while the client was away."""
    await db.execute(
        "INSERT INTO events (type, ticket_id, requester_id, data) "
        "SELECT 'ticket.updated', $1, $2, jsonb_build_object('n', n) "
        "FROM generate_series(1, $3) AS n",
        ticket_id,
        requester_id,
        count,
    )


async def test_a_client_far_behind_gets_every_missed_event_in_order_then_live_ones(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    stream_server: Server,
    agent: Account,
    requester: Account,
) -> None:
    ticket = await create_ticket(client, requester)
    seen = await db.fetchval("SELECT max(id) FROM events")
    await _write_events(db, ticket_id=ticket["id"], requester_id=requester.id, count=MISSED)
    missed = [
        row["id"] for row in await db.fetch("SELECT id FROM events WHERE id > $1 ORDER BY id", seen)
    ]
    async with Stream(
        stream_server.base_url, headers={**agent.headers, "Last-Event-ID": f"evt_{seen}"}
    ) as stream:
        await stream.wait_for(MISSED)
        live = await create_ticket(client, requester)
        messages = await stream.wait_for(MISSED + 1)
    assert stream.event_ids() == [*missed, missed[-1] + 1]
    assert messages[-1].data is not None
    assert messages[-1].data["data"]["ticket"]["id"] == live["id"]


async def test_a_client_too_far_behind_gets_one_reset_and_the_stream_ends(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    stream_server: Server,
    agent: Account,
    requester: Account,
) -> None:
    ticket = await create_ticket(client, requester)
    seen = await db.fetchval("SELECT max(id) FROM events")
    await _write_events(
        db, ticket_id=ticket["id"], requester_id=requester.id, count=MAX_RESUME_EVENTS + 1
    )
    latest = await db.fetchval("SELECT max(id) FROM events")
    async with Stream(
        stream_server.base_url, headers={**agent.headers, "Last-Event-ID": f"evt_{seen}"}
    ) as stream:
        await stream.wait_ended()
    [reset] = stream.events()
    assert reset.event == "reset"
    # The browser's Last-Event-ID moves on: its reconnection starts from now.
    assert reset.id == f"evt_{latest}"
    assert reset.data == {"latest": f"evt_{latest}"}

"""A password change, a deactivation or a demotion ends the account's live streams on
every API process within 2 s, while the desk is busy, and none of them gets an event
committed after the change."""

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
import httpx
import pytest

from tests.support.accounts import PASSWORD, Account, patch_user
from tests.support.server import Server
from tests.support.sse import streams_on_every_process
from tests.support.tickets import create_ticket, post_comment

STREAMS = 4  # at least one on each API process
ENDED_WITHIN_SECONDS = 2.0

Change = Callable[[httpx.AsyncClient, Account, Account], Awaitable[httpx.Response]]


async def _deactivate(client: httpx.AsyncClient, admin: Account, agent: Account) -> httpx.Response:
    return await patch_user(client, admin, agent.id, {"active": False})


async def _demote(client: httpx.AsyncClient, admin: Account, agent: Account) -> httpx.Response:
    return await patch_user(client, admin, agent.id, {"role": "user"})


async def _change_password(
    client: httpx.AsyncClient, admin: Account, agent: Account
) -> httpx.Response:
    body = {"current_password": PASSWORD, "new_password": "Another-password-456"}
    return await client.post("/api/me/password", json=body, headers=agent.headers)


@contextlib.asynccontextmanager
async def _busy_desk(
    client: httpx.AsyncClient, author: Account, ticket_id: int
) -> AsyncIterator[None]:
    """Internal notes posted one after another for the block's duration: the stream is
    never quiet."""

    async def write() -> None:
        while True:
            response = await post_comment(
                client, author, ticket_id, {"body": "checking", "internal": True}
            )
            assert response.status_code == 201, response.text

    writer = asyncio.create_task(write())
    try:
        yield
    finally:
        writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await writer


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(_deactivate, id="deactivated"),
        pytest.param(_demote, id="demoted"),
        pytest.param(_change_password, id="password-changed"),
    ],
)
async def test_an_account_change_ends_its_streams_on_every_process_while_events_flow(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    stream_server: Server,
    admin: Account,
    agent: Account,
    other_agent: Account,
    requester: Account,
    change: Change,
) -> None:
    ticket = await create_ticket(client, requester)
    async with contextlib.AsyncExitStack() as stack:
        streams = await streams_on_every_process(
            stream_server, stack, headers=agent.headers, count=STREAMS
        )
        await stack.enter_async_context(_busy_desk(client, other_agent, ticket["id"]))
        for stream in streams:
            await stream.wait_for(3)  # live: the notes reach every stream

        response = await change(client, admin, agent)
        assert response.status_code == 200, response.text
        changed = time.monotonic()
        committed_before = {row["id"] for row in await db.fetch("SELECT id FROM events")}
        await asyncio.gather(*(s.wait_ended(ENDED_WITHIN_SECONDS + 1) for s in streams))
        ended_after = time.monotonic() - changed
        # The desk is still busy: events keep being committed after the change.
        await asyncio.sleep(0.5)
        later = await db.fetchval(
            "SELECT count(*) FROM events WHERE NOT (id = ANY($1))", list(committed_before)
        )
    assert ended_after < ENDED_WITHIN_SECONDS, ended_after
    assert later > 0
    for stream in streams:
        received = stream.event_ids()
        assert received, "the stream was live before the change"
        assert set(received) <= committed_before, set(received) - committed_before

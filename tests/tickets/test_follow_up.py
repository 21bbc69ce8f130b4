"""POST /api/tickets with follow_up_of: a closed ticket the caller can see, followed up by a
new ticket of the same requester; the closed one's detail lists its follow-ups."""

import asyncio
import json
from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.accounts import Account
from tests.support.db import count_rows, wait_for_lock_waits
from tests.support.responses import TICKET_FIELDS, assert_error
from tests.support.tickets import (
    TICKETS,
    change_ticket,
    create_ticket,
    get_ticket,
    list_ids,
    post_ticket,
    status_changing,
)


async def _closed_ticket(
    client: httpx.AsyncClient, requester: Account, admin: Account
) -> dict[str, Any]:
    ticket = await create_ticket(client, requester)
    return await change_ticket(client, admin, ticket["id"], {"status": "closed"})


async def test_a_requester_follows_up_their_closed_ticket(
    client: httpx.AsyncClient, requester: Account, admin: Account, db: asyncpg.Connection
) -> None:
    closed = await _closed_ticket(client, requester, admin)

    response = await post_ticket(
        client, requester, {"title": "Printer jammed again", "follow_up_of": closed["id"]}
    )

    assert response.status_code == 201, response.text
    follow_up = response.json()
    assert set(follow_up) == TICKET_FIELDS
    assert (follow_up["follow_up_of"], follow_up["requester_id"], follow_up["status"]) == (
        closed["id"],
        requester.id,
        "open",
    )
    assert (await get_ticket(client, requester, follow_up["id"]))["follow_up_of"] == closed["id"]
    detail = await get_ticket(client, requester, closed["id"])
    assert (detail["follow_ups"], detail["status"], detail["version"]) == (
        [follow_up["id"]],
        "closed",
        closed["version"],
    )
    assert (await get_ticket(client, requester, follow_up["id"]))["follow_ups"] == []
    page = await client.get(TICKETS, headers=requester.headers)
    shown = {ticket["id"]: ticket["follow_up_of"] for ticket in page.json()["items"]}
    assert shown == {follow_up["id"]: closed["id"], closed["id"]: None}
    # The ticket as the API shows it, in its event (webhooks, the live stream) too.
    data = await db.fetchval(
        "SELECT data FROM events WHERE type = 'ticket.created' AND ticket_id = $1",
        follow_up["id"],
    )
    assert json.loads(data)["ticket"]["follow_up_of"] == closed["id"]


async def test_staff_open_a_follow_up_for_the_closed_tickets_requester(
    client: httpx.AsyncClient, requester: Account, agent: Account, admin: Account
) -> None:
    closed = await _closed_ticket(client, requester, admin)
    first = await create_ticket(client, agent, title="Toner again", follow_up_of=closed["id"])
    second = await create_ticket(client, admin, title="And tray 2", follow_up_of=closed["id"])

    assert first["requester_id"] == second["requester_id"] == requester.id
    assert await list_ids(client, requester) == [second["id"], first["id"], closed["id"]]
    detail = await get_ticket(client, agent, closed["id"])
    assert detail["follow_ups"] == [first["id"], second["id"]]


async def test_a_follow_up_waiting_on_its_ticket_being_reopened_is_refused_once_it_is(
    client: httpx.AsyncClient,
    requester: Account,
    admin: Account,
    db: asyncpg.Connection,
    database_url: str,
) -> None:
    closed = await _closed_ticket(client, requester, admin)
    async with status_changing(database_url, closed["id"], "open"):
        sending = asyncio.create_task(
            post_ticket(client, requester, {"title": "Again", "follow_up_of": closed["id"]})
        )
        await wait_for_lock_waits(db, query_like="%FOR SHARE%")

    assert_error(await sending, 400, "FIELD_INVALID", "follow_up_of")
    assert await count_rows(db, "tickets") == 1


async def _refused(
    client: httpx.AsyncClient, account: Account, db: asyncpg.Connection, follow_up_of: Any
) -> str:
    """The message of the 400 on follow_up_of, after checking that nothing was stored."""
    tickets, events = await count_rows(db, "tickets"), await count_rows(db, "events")
    response = await post_ticket(client, account, {"title": "Again", "follow_up_of": follow_up_of})
    assert_error(response, 400, "FIELD_INVALID", "follow_up_of")
    assert (await count_rows(db, "tickets"), await count_rows(db, "events")) == (tickets, events)
    message: str = response.json()["error"]["message"]
    return message


async def test_someone_elses_closed_ticket_is_refused_as_a_missing_one(
    client: httpx.AsyncClient,
    requester: Account,
    other_user: Account,
    admin: Account,
    db: asyncpg.Connection,
) -> None:
    closed = await _closed_ticket(client, requester, admin)

    hidden = await _refused(client, other_user, db, closed["id"])
    missing = await _refused(client, other_user, db, closed["id"] + 1000)

    assert hidden == missing


@pytest.mark.parametrize("status", ["open", "in_progress", "pending", "on_hold", "resolved"])
async def test_a_ticket_that_is_not_closed_is_refused(
    client: httpx.AsyncClient,
    requester: Account,
    admin: Account,
    db: asyncpg.Connection,
    status: str,
) -> None:
    ticket = await create_ticket(client, requester)
    if status != "open":
        await change_ticket(client, admin, ticket["id"], {"status": status})

    message = await _refused(client, requester, db, ticket["id"])

    assert "closed" in message
    assert (await get_ticket(client, requester, ticket["id"]))["follow_ups"] == []


@pytest.mark.parametrize("follow_up_of", [0, -1, "12", 1.5, True, 2**31])
async def test_a_follow_up_of_that_is_no_id_is_refused(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection, follow_up_of: Any
) -> None:
    await _refused(client, requester, db, follow_up_of)

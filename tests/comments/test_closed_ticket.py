"""A closed ticket takes no new comment from anyone, by POST or with a PATCH: 409
TICKET_CLOSED and nothing stored; its conversation goes on in a follow-up ticket. A resolved
ticket still reopens on its requester's reply."""

import asyncio
from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.accounts import Account
from tests.support.db import count_rows, wait_for_lock_waits
from tests.support.responses import assert_error
from tests.support.tickets import (
    change_ticket,
    create_ticket,
    get_ticket,
    patch_ticket,
    post_comment,
    status_changing,
    stored_timeline,
)


async def _closed_ticket(
    client: httpx.AsyncClient, requester: Account, admin: Account
) -> dict[str, Any]:
    ticket = await create_ticket(client, requester)
    return await change_ticket(client, admin, ticket["id"], {"status": "closed"})


async def _stored(db: asyncpg.Connection, ticket_id: int) -> dict[str, Any]:
    """What a refused comment must leave as it was: the ticket's row (its words too), its
    comments, its timeline and the events."""
    row = await db.fetchrow(
        "SELECT status, version, updated_at, comment_words::text, note_words::text "
        "FROM tickets WHERE id = $1",
        ticket_id,
    )
    assert row is not None
    return {
        "ticket": dict(row),
        "comments": await count_rows(db, "comments"),
        "timeline": await stored_timeline(db, ticket_id),
        "events": await count_rows(db, "events"),
    }


@pytest.mark.parametrize(
    ("author", "internal"),
    [("requester", False), ("agent", False), ("admin", False), ("admin", True)],
)
async def test_a_closed_ticket_takes_no_comment_from_anyone(
    client: httpx.AsyncClient,
    requester: Account,
    agent: Account,
    admin: Account,
    db: asyncpg.Connection,
    author: str,
    internal: bool,
) -> None:
    ticket = await _closed_ticket(client, requester, admin)
    before = await _stored(db, ticket["id"])
    account = {"requester": requester, "agent": agent, "admin": admin}[author]

    response = await post_comment(
        client, account, ticket["id"], {"body": "Jammed again", "internal": internal}
    )

    assert_error(response, 409, "TICKET_CLOSED")
    assert await _stored(db, ticket["id"]) == before
    detail = await get_ticket(client, account, ticket["id"])
    assert (detail["status"], detail["version"], detail["comments"]) == (
        "closed",
        ticket["version"],
        [],
    )


@pytest.mark.parametrize(
    ("author", "body"),
    [
        ("requester", {"comment": {"body": "Jammed again"}}),
        ("requester", {"title": "Jammed again", "comment": {"body": "Jammed again"}}),
        # Reopening a closed ticket is a decision of its own, not a reply's side effect.
        ("admin", {"status": "open", "comment": {"body": "Reopening: jammed again"}}),
        ("admin", {"comment": {"body": "Note", "internal": True}}),
    ],
    ids=["reply", "reply-and-edit", "reopen-and-reply", "internal-note"],
)
async def test_a_patch_with_a_comment_on_a_closed_ticket_changes_nothing(
    client: httpx.AsyncClient,
    requester: Account,
    admin: Account,
    db: asyncpg.Connection,
    author: str,
    body: dict[str, Any],
) -> None:
    ticket = await _closed_ticket(client, requester, admin)
    before = await _stored(db, ticket["id"])
    account = {"requester": requester, "admin": admin}[author]

    response = await patch_ticket(
        client, account, ticket["id"], body, if_match=f'"{ticket["version"]}"'
    )

    assert_error(response, 409, "TICKET_CLOSED")
    assert await _stored(db, ticket["id"]) == before


async def test_a_comment_waiting_on_a_ticket_being_closed_is_refused_once_it_is(
    client: httpx.AsyncClient,
    requester: Account,
    db: asyncpg.Connection,
    database_url: str,
) -> None:
    ticket = await create_ticket(client, requester)
    async with status_changing(database_url, ticket["id"], "closed"):
        sending = asyncio.create_task(
            post_comment(client, requester, ticket["id"], {"body": "One more thing"})
        )
        await wait_for_lock_waits(db, query_like="%comment_words%")

    assert_error(await sending, 409, "TICKET_CLOSED")
    assert await count_rows(db, "comments") == 0


async def test_a_reply_that_closes_an_open_ticket_is_its_last_word(
    client: httpx.AsyncClient, requester: Account, admin: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)

    closed = await change_ticket(
        client, admin, ticket["id"], {"status": "closed", "comment": {"body": "Done, closing"}}
    )

    assert closed["status"] == "closed"
    detail = await get_ticket(client, requester, ticket["id"])
    assert [comment["body"] for comment in detail["comments"]] == ["Done, closing"]


async def test_a_comment_sent_before_the_ticket_closed_replays_after(
    client: httpx.AsyncClient, requester: Account, admin: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    sent = {"body": "Tray 2 too"}
    first = await post_comment(client, requester, ticket["id"], sent, idempotency_key="k-1")
    assert first.status_code == 201, first.text
    await change_ticket(client, admin, ticket["id"], {"status": "closed"})

    again = await post_comment(client, requester, ticket["id"], sent, idempotency_key="k-1")

    assert again.status_code == 201, again.text
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert await count_rows(db, "comments") == 1


async def test_a_requesters_reply_still_reopens_a_resolved_ticket(
    client: httpx.AsyncClient, requester: Account, admin: Account
) -> None:
    ticket = await create_ticket(client, requester)
    await change_ticket(client, admin, ticket["id"], {"status": "resolved"})

    response = await post_comment(client, requester, ticket["id"], {"body": "Not fixed"})

    assert response.status_code == 201, response.text
    detail = await get_ticket(client, requester, ticket["id"])
    assert detail["status"] == "open"
    assert [comment["body"] for comment in detail["comments"]] == ["Not fixed"]

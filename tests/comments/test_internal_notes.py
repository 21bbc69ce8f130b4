"""Internal notes: written by agents and admins only, read by them only. A requester sees
nothing of one: not the comment, not its timeline entry, not its words in a search, not a
first response."""

import asyncpg
import httpx
import pytest

from tests.support.accounts import Account
from tests.support.db import count_rows
from tests.support.responses import as_a_requester_reads, assert_error
from tests.support.tickets import (
    add_comment,
    create_ticket,
    get_ticket,
    list_ids,
    post_comment,
)

NOTE = "Customer is on the legacy plan; escalate to billing quietly"


async def note(
    client: httpx.AsyncClient, account: Account, ticket_id: int, body: str = NOTE
) -> dict[str, object]:
    response = await post_comment(client, account, ticket_id, {"body": body, "internal": True})
    assert response.status_code == 201, response.text
    created: dict[str, object] = response.json()
    return created


async def test_a_requester_may_not_write_an_internal_note(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    response = await post_comment(
        client, requester, ticket["id"], {"body": "Psst", "internal": True}
    )
    assert_error(response, 403, "FORBIDDEN", "internal")
    assert await count_rows(db, "comments") == 0
    assert await count_rows(db, "timeline_logs") == 1  # ticket.created only
    words = await db.fetchval("SELECT note_words::text FROM tickets WHERE id = $1", ticket["id"])
    assert words == ""


@pytest.mark.parametrize("value", ["true", 1, None, "yes"])
async def test_internal_must_be_a_boolean(
    client: httpx.AsyncClient, agent: Account, requester: Account, value: object
) -> None:
    ticket = await create_ticket(client, requester)
    response = await post_comment(client, agent, ticket["id"], {"body": "Hi", "internal": value})
    assert_error(response, 400, "FIELD_INVALID", "internal")


@pytest.mark.parametrize("staff", ["agent", "admin"])
async def test_staff_write_and_read_internal_notes(
    client: httpx.AsyncClient,
    requester: Account,
    agent: Account,
    admin: Account,
    db: asyncpg.Connection,
    staff: str,
) -> None:
    author = agent if staff == "agent" else admin
    ticket = await create_ticket(client, requester)
    created = await note(client, author, ticket["id"])
    assert created["internal"] is True
    assert created["author"] == author.seen_by(author)

    for reader in (agent, admin):
        detail = await get_ticket(client, reader, ticket["id"])
        assert [c["id"] for c in detail["comments"]] == [created["id"]]
        entry = detail["timeline"][-1]
        assert entry["action"] == "comment.created"
        assert entry["meta"] == {"comment_id": created["id"], "internal": True}
        assert entry["actor"] == author.seen_by(reader)
    stored = await db.fetchval("SELECT internal FROM comments WHERE id = $1", created["id"])
    assert stored is True


async def test_a_requester_never_sees_an_internal_note_nor_its_timeline_entry(
    client: httpx.AsyncClient, requester: Account, agent: Account
) -> None:
    ticket = await create_ticket(client, requester)
    public = await add_comment(client, agent, ticket["id"], "We are looking into it")
    await note(client, agent, ticket["id"])

    detail = await get_ticket(client, requester, ticket["id"])

    assert detail["comments"] == [as_a_requester_reads(public)]
    assert [(e["action"], e["meta"].get("comment_id")) for e in detail["timeline"]] == [
        ("ticket.created", None),
        ("comment.created", public["id"]),
    ]
    assert NOTE not in str(detail)


async def test_a_requesters_search_does_not_find_words_only_in_an_internal_note(
    client: httpx.AsyncClient, requester: Account, agent: Account
) -> None:
    ticket = await create_ticket(client, requester, title="Invoice is wrong")
    await note(client, agent, ticket["id"], "legacy plan escalate billing")

    for word in ("legacy", "escalate", "billing", "legacy plan"):
        assert await list_ids(client, requester, {"query": word}) == [], word
        assert await list_ids(client, agent, {"query": word}) == [ticket["id"]], word
    # The ticket's own words, and a note's word also written publicly, are found.
    assert await list_ids(client, requester, {"query": "invoice"}) == [ticket["id"]]
    await add_comment(client, agent, ticket["id"], "Billing will call you")
    assert await list_ids(client, requester, {"query": "billing"}) == [ticket["id"]]
    # A query mixing a public word and a note's word: not for the requester.
    assert await list_ids(client, requester, {"query": "invoice legacy"}) == []
    assert await list_ids(client, agent, {"query": "invoice legacy"}) == [ticket["id"]]


async def test_an_internal_note_is_not_a_first_response(
    client: httpx.AsyncClient, requester: Account, agent: Account
) -> None:
    ticket = await create_ticket(client, requester)
    await note(client, agent, ticket["id"])
    detail = await get_ticket(client, requester, ticket["id"])
    assert detail["first_responded_at"] is None


async def test_a_comment_is_public_by_default(
    client: httpx.AsyncClient, requester: Account, agent: Account
) -> None:
    ticket = await create_ticket(client, requester)
    reply = await add_comment(client, agent, ticket["id"], "Hello")
    assert reply["internal"] is False
    assert (await get_ticket(client, requester, ticket["id"]))["comments"] == [
        as_a_requester_reads(reply)
    ]

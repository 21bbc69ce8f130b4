"""Idempotency-Key on POST /api/tickets and POST /api/tickets/{id}/comments."""

from typing import Any

import asyncpg
import httpx
import pytest

from tests.conftest import Account, assert_error, create_ticket

TICKET = {"title": "VPN drops every hour", "priority": "high"}


async def post_ticket(
    client: httpx.AsyncClient, account: Account, key: str | bytes, body: Any = None
) -> httpx.Response:
    # Bytes, so a key with non-ASCII characters can be sent as its UTF-8 encoding.
    raw_key = key if isinstance(key, bytes) else key.encode()
    headers = {b"Authorization": f"Bearer {account.token}".encode(), b"Idempotency-Key": raw_key}
    return await client.post("/api/tickets", json=TICKET if body is None else body, headers=headers)


async def post_comment(
    client: httpx.AsyncClient, account: Account, ticket_id: int, key: str, body: Any
) -> httpx.Response:
    return await client.post(
        f"/api/tickets/{ticket_id}/comments",
        json=body,
        headers={**account.headers, "Idempotency-Key": key},
    )


async def count(db: asyncpg.Connection, table: str) -> int:
    assert table in ("tickets", "comments", "timeline_logs", "idempotency_keys")
    value: int = await db.fetchval(f"SELECT count(*) FROM {table}")  # noqa: S608
    return value


# --- tickets -------------------------------------------------------------------------------


async def test_same_key_and_body_replays_the_first_response(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    first = await post_ticket(client, requester, "key-1")
    assert first.status_code == 201, first.text
    assert "Idempotent-Replayed" not in first.headers

    second = await post_ticket(client, requester, "key-1")
    assert second.status_code == 201, second.text
    assert second.content == first.content
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.headers["ETag"] == first.headers["ETag"] == '"1"'

    assert await count(db, "tickets") == 1
    assert await count(db, "timeline_logs") == 1


async def test_replay_matches_the_same_body_sent_with_other_key_order(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    first = await post_ticket(client, requester, "k", {"title": "A", "priority": "low"})
    second = await post_ticket(client, requester, "k", {"priority": "low", "title": "A"})
    assert first.status_code == second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.content == first.content
    assert await count(db, "tickets") == 1


async def test_same_key_with_another_body_is_422_and_creates_nothing(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    first = await post_ticket(client, requester, "key-1")
    assert first.status_code == 201, first.text

    second = await post_ticket(client, requester, "key-1", {**TICKET, "title": "Other"})
    assert_error(second, 422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key")
    assert await count(db, "tickets") == 1
    assert await count(db, "timeline_logs") == 1
    titles = await db.fetch("SELECT title FROM tickets")
    assert [row["title"] for row in titles] == [TICKET["title"]]


async def test_key_is_scoped_to_the_caller(
    client: httpx.AsyncClient, requester: Account, other_user: Account, db: asyncpg.Connection
) -> None:
    mine = await post_ticket(client, requester, "shared-key")
    theirs = await post_ticket(client, other_user, "shared-key")
    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs.headers
    assert mine.json()["id"] != theirs.json()["id"]
    assert mine.json()["requester_id"] == requester.id
    assert theirs.json()["requester_id"] == other_user.id
    assert await count(db, "tickets") == 2


async def test_a_different_key_creates_a_second_ticket(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    first = await post_ticket(client, requester, "key-1")
    second = await post_ticket(client, requester, "key-2")
    assert first.status_code == second.status_code == 201
    assert "Idempotent-Replayed" not in second.headers
    assert first.json()["id"] != second.json()["id"]
    assert await count(db, "tickets") == 2


async def test_requests_without_a_key_are_not_deduplicated(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    for _ in range(2):
        response = await client.post("/api/tickets", json=TICKET, headers=requester.headers)
        assert response.status_code == 201, response.text
    assert await count(db, "tickets") == 2
    assert await count(db, "idempotency_keys") == 0


async def test_key_of_255_printable_characters_is_accepted(
    client: httpx.AsyncClient, requester: Account
) -> None:
    key = ("a1 ~-_" * 50)[:255]
    first = await post_ticket(client, requester, key)
    second = await post_ticket(client, requester, key)
    assert first.status_code == second.status_code == 201, second.text
    assert second.headers["Idempotent-Replayed"] == "true"


@pytest.mark.parametrize(
    "key",
    [
        "k" * 256,
        "tab\there",
        "café".encode(),
        "€uro".encode(),
    ],
    ids=["256-chars", "tab", "e-acute", "euro"],
)
async def test_invalid_key_is_400_field_invalid(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection, key: str | bytes
) -> None:
    response = await post_ticket(client, requester, key)
    assert_error(response, 400, "FIELD_INVALID", "Idempotency-Key")
    assert await count(db, "tickets") == 0
    assert await count(db, "idempotency_keys") == 0


async def test_empty_key_is_400_field_invalid(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    response = await post_ticket(client, requester, "")
    assert_error(response, 400, "FIELD_INVALID", "Idempotency-Key")
    assert await count(db, "tickets") == 0


async def test_validation_refusal_stores_no_key(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    refused = await post_ticket(client, requester, "retry-me", {"title": "  "})
    assert_error(refused, 400, "FIELD_REQUIRED", "title")
    assert await count(db, "idempotency_keys") == 0

    retry = await post_ticket(client, requester, "retry-me", TICKET)
    assert retry.status_code == 201, retry.text
    assert "Idempotent-Replayed" not in retry.headers
    assert await count(db, "tickets") == 1


async def test_forbidden_refusal_stores_no_key(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    refused = await post_ticket(client, requester, "retry-me", {**TICKET, "sla_minutes": 5})
    assert_error(refused, 403, "FORBIDDEN", "sla_minutes")
    assert await count(db, "idempotency_keys") == 0
    assert await count(db, "tickets") == 0

    retry = await post_ticket(client, requester, "retry-me", TICKET)
    assert retry.status_code == 201, retry.text
    assert "Idempotent-Replayed" not in retry.headers
    assert await count(db, "tickets") == 1


async def test_invalid_assignee_refusal_stores_no_key(
    client: httpx.AsyncClient, agent: Account, other_user: Account, db: asyncpg.Connection
) -> None:
    refused = await post_ticket(client, agent, "retry-me", {**TICKET, "assignee_id": other_user.id})
    assert_error(refused, 400, "FIELD_INVALID", "assignee_id")
    assert await count(db, "idempotency_keys") == 0

    retry = await post_ticket(client, agent, "retry-me", {**TICKET, "assignee_id": agent.id})
    assert retry.status_code == 201, retry.text
    assert "Idempotent-Replayed" not in retry.headers


async def test_key_older_than_24_hours_creates_a_new_ticket(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    first = await post_ticket(client, requester, "old-key")
    assert first.status_code == 201, first.text
    await db.execute(
        "UPDATE idempotency_keys SET created_at = created_at - interval '25 hours' "
        "WHERE key = 'old-key'"
    )

    second = await post_ticket(client, requester, "old-key")
    assert second.status_code == 201, second.text
    assert "Idempotent-Replayed" not in second.headers
    assert second.json()["id"] != first.json()["id"]
    assert await count(db, "tickets") == 2

    third = await post_ticket(client, requester, "old-key")
    assert third.headers["Idempotent-Replayed"] == "true"
    assert third.json()["id"] == second.json()["id"]
    assert await count(db, "tickets") == 2


async def test_key_younger_than_24_hours_still_replays(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    first = await post_ticket(client, requester, "young-key")
    await db.execute(
        "UPDATE idempotency_keys SET created_at = created_at - interval '23 hours' "
        "WHERE key = 'young-key'"
    )
    second = await post_ticket(client, requester, "young-key")
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.content == first.content
    assert await count(db, "tickets") == 1


async def test_key_older_than_24_hours_accepts_another_body(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    first = await post_ticket(client, requester, "old-key")
    assert first.status_code == 201, first.text
    await db.execute("UPDATE idempotency_keys SET created_at = now() - interval '25 hours'")
    second = await post_ticket(client, requester, "old-key", {"title": "Something else"})
    assert second.status_code == 201, second.text
    assert second.json()["title"] == "Something else"


# --- comments ------------------------------------------------------------------------------


async def test_same_key_and_body_creates_one_comment(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    first = await post_comment(client, requester, ticket["id"], "c-1", {"body": "Any news?"})
    assert first.status_code == 201, first.text
    second = await post_comment(client, requester, ticket["id"], "c-1", {"body": "Any news?"})
    assert second.status_code == 201, second.text
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.content == first.content
    assert await count(db, "comments") == 1
    comment_entries = await db.fetchval(
        "SELECT count(*) FROM timeline_logs WHERE action = 'comment.created'"
    )
    assert comment_entries == 1


async def test_same_key_on_another_tickets_comments_is_422(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    one = await create_ticket(client, requester)
    two = await create_ticket(client, requester)
    first = await post_comment(client, requester, one["id"], "c-1", {"body": "Same text"})
    assert first.status_code == 201, first.text
    second = await post_comment(client, requester, two["id"], "c-1", {"body": "Same text"})
    assert_error(second, 422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key")
    assert await count(db, "comments") == 1


async def test_same_key_with_another_comment_body_is_422(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    first = await post_comment(client, requester, ticket["id"], "c-1", {"body": "One"})
    assert first.status_code == 201, first.text
    second = await post_comment(client, requester, ticket["id"], "c-1", {"body": "Two"})
    assert_error(second, 422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key")
    assert await count(db, "comments") == 1


async def test_key_used_for_a_ticket_cannot_be_reused_for_a_comment(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    created = await post_ticket(client, requester, "k")
    assert created.status_code == 201, created.text
    response = await post_comment(client, requester, created.json()["id"], "k", {"body": "Hi"})
    assert_error(response, 422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key")
    assert await count(db, "comments") == 0


async def test_comment_key_is_scoped_to_the_caller(
    client: httpx.AsyncClient, requester: Account, agent: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    mine = await post_comment(client, requester, ticket["id"], "c-1", {"body": "Hello"})
    theirs = await post_comment(client, agent, ticket["id"], "c-1", {"body": "Hello"})
    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs.headers
    assert theirs.json()["author_id"] == agent.id
    assert await count(db, "comments") == 2


async def test_invalid_key_on_comment_is_400(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    response = await post_comment(client, requester, ticket["id"], "k" * 256, {"body": "Hi"})
    assert_error(response, 400, "FIELD_INVALID", "Idempotency-Key")
    assert await count(db, "comments") == 0


async def test_a_retry_that_spells_out_a_default_is_the_same_request(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    headers = {**requester.headers, "Idempotency-Key": "spelled-out"}
    first = await client.post("/api/tickets", json={"title": "Same"}, headers=headers)
    again = await client.post(
        "/api/tickets", json={"title": " Same ", "priority": "medium"}, headers=headers
    )
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert await db.fetchval("SELECT count(*) FROM tickets") == 1

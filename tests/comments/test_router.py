"""POST /api/tickets/{id}/comments: validation, who may comment, version, timeline, order."""

from datetime import datetime

import asyncpg
import httpx
import pytest

from tests.conftest import Account, Accounts, assert_error, create_ticket


async def comment(
    client: httpx.AsyncClient, account: Account, ticket_id: int, body: object
) -> httpx.Response:
    return await client.post(
        f"/api/tickets/{ticket_id}/comments", json=body, headers=account.headers
    )


async def comment_count(db: asyncpg.Connection) -> int:
    count: int = await db.fetchval("SELECT count(*) FROM comments")
    return count


async def test_comment_is_created_with_its_fields(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    response = await comment(client, requester, ticket["id"], {"body": "Still jammed"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"id", "ticket_id", "author_id", "body", "created_at"}
    assert body["ticket_id"] == ticket["id"]
    assert body["author_id"] == requester.id
    assert body["body"] == "Still jammed"
    assert datetime.fromisoformat(body["created_at"]).utcoffset() is not None
    row = await db.fetchrow("SELECT * FROM comments WHERE id = $1", body["id"])
    assert row is not None
    assert (row["ticket_id"], row["author_id"], row["body"]) == (
        ticket["id"],
        requester.id,
        "Still jammed",
    )


async def test_comment_body_is_trimmed(client: httpx.AsyncClient, requester: Account) -> None:
    ticket = await create_ticket(client, requester)
    response = await comment(client, requester, ticket["id"], {"body": "  \n Tray 2 \t "})
    assert response.status_code == 201, response.text
    assert response.json()["body"] == "Tray 2"


@pytest.mark.parametrize("payload", [{}, {"body": ""}, {"body": "   \n\t "}])
async def test_missing_or_blank_body_is_field_required(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection, payload: object
) -> None:
    ticket = await create_ticket(client, requester)
    response = await comment(client, requester, ticket["id"], payload)
    assert_error(response, 400, "FIELD_REQUIRED", "body")
    assert await comment_count(db) == 0


async def test_body_of_10001_characters_is_field_invalid(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    response = await comment(client, requester, ticket["id"], {"body": "x" * 10_001})
    assert_error(response, 400, "FIELD_INVALID", "body")
    assert await comment_count(db) == 0


async def test_body_of_10000_characters_after_trimming_is_accepted(
    client: httpx.AsyncClient, requester: Account
) -> None:
    ticket = await create_ticket(client, requester)
    response = await comment(client, requester, ticket["id"], {"body": f"  {'x' * 10_000}  "})
    assert response.status_code == 201, response.text
    assert response.json()["body"] == "x" * 10_000


@pytest.mark.parametrize("value", [5, None, ["a"], {"text": "a"}])
async def test_non_string_body_is_field_invalid(
    client: httpx.AsyncClient, requester: Account, value: object
) -> None:
    ticket = await create_ticket(client, requester)
    response = await comment(client, requester, ticket["id"], {"body": value})
    assert_error(response, 400, "FIELD_INVALID", "body")


async def test_unknown_field_in_comment_is_field_invalid(
    client: httpx.AsyncClient, requester: Account
) -> None:
    ticket = await create_ticket(client, requester)
    response = await comment(client, requester, ticket["id"], {"body": "Hi", "author_id": 9})
    assert_error(response, 400, "FIELD_INVALID", "author_id")


@pytest.mark.parametrize("role", ["agent", "admin"])
async def test_staff_may_comment_on_any_ticket(
    client: httpx.AsyncClient, requester: Account, accounts: Accounts, role: str
) -> None:
    staff = await accounts.create(role)
    ticket = await create_ticket(client, requester)
    response = await comment(client, staff, ticket["id"], {"body": "On it"})
    assert response.status_code == 201, response.text
    assert response.json()["author_id"] == staff.id


async def test_agent_may_comment_on_ticket_assigned_to_another_agent(
    client: httpx.AsyncClient, agent: Account, other_agent: Account
) -> None:
    ticket = await create_ticket(client, other_agent, assignee_id=other_agent.id)
    response = await comment(client, agent, ticket["id"], {"body": "Seen this before"})
    assert response.status_code == 201, response.text


async def test_another_user_commenting_gets_404(
    client: httpx.AsyncClient, requester: Account, other_user: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    response = await comment(client, other_user, ticket["id"], {"body": "Me too"})
    assert_error(response, 404, "NOT_FOUND")
    assert await comment_count(db) == 0


async def test_comment_on_a_missing_ticket_is_404(
    client: httpx.AsyncClient, admin: Account, db: asyncpg.Connection
) -> None:
    response = await comment(client, admin, 999, {"body": "Anyone?"})
    assert_error(response, 404, "NOT_FOUND")
    assert await comment_count(db) == 0


async def test_comment_without_a_token_is_401(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    response = await client.post(f"/api/tickets/{ticket['id']}/comments", json={"body": "Hi"})
    assert_error(response, 401, "UNAUTHORIZED")
    assert await comment_count(db) == 0


async def test_comment_with_a_bad_token_is_401(
    client: httpx.AsyncClient, requester: Account
) -> None:
    ticket = await create_ticket(client, requester)
    response = await client.post(
        f"/api/tickets/{ticket['id']}/comments",
        json={"body": "Hi"},
        headers={"Authorization": "Bearer not-a-token"},
    )
    assert_error(response, 401, "UNAUTHORIZED")


async def test_comment_leaves_the_ticket_version_unchanged(
    client: httpx.AsyncClient, requester: Account, agent: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    for author in (requester, agent):
        response = await comment(client, author, ticket["id"], {"body": "Note"})
        assert response.status_code == 201, response.text
    row = await db.fetchrow("SELECT version, updated_at FROM tickets WHERE id = $1", ticket["id"])
    assert row is not None
    assert row["version"] == 1
    detail = await client.get(f"/api/tickets/{ticket['id']}", headers=requester.headers)
    assert detail.json()["version"] == 1
    assert detail.headers["ETag"] == '"1"'
    # The ETag the requester holds still works for an update.
    update = await client.patch(
        f"/api/tickets/{ticket['id']}",
        json={"title": "Updated"},
        headers={**requester.headers, "If-Match": '"1"'},
    )
    assert update.status_code == 200, update.text


async def test_comment_writes_a_comment_created_timeline_entry(
    client: httpx.AsyncClient, requester: Account, agent: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    response = await comment(client, agent, ticket["id"], {"body": "Looking"})
    assert response.status_code == 201, response.text
    rows = await db.fetch(
        "SELECT action, actor_id FROM timeline_logs WHERE ticket_id = $1 ORDER BY id",
        ticket["id"],
    )
    assert [(row["action"], row["actor_id"]) for row in rows] == [
        ("ticket.created", requester.id),
        ("comment.created", agent.id),
    ]
    detail = await client.get(f"/api/tickets/{ticket['id']}", headers=requester.headers)
    entry = detail.json()["timeline"][-1]
    assert (entry["action"], entry["actor_id"]) == ("comment.created", agent.id)


async def test_refused_comment_writes_no_timeline_entry(
    client: httpx.AsyncClient, requester: Account, other_user: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    assert (await comment(client, requester, ticket["id"], {"body": " "})).status_code == 400
    assert (await comment(client, other_user, ticket["id"], {"body": "Hi"})).status_code == 404
    actions = await db.fetch("SELECT action FROM timeline_logs WHERE ticket_id = $1", ticket["id"])
    assert [row["action"] for row in actions] == ["ticket.created"]


async def test_ticket_detail_lists_comments_oldest_first(
    client: httpx.AsyncClient, requester: Account, agent: Account
) -> None:
    ticket = await create_ticket(client, requester)
    created = []
    for author, text in ((requester, "first"), (agent, "second"), (requester, "third")):
        response = await comment(client, author, ticket["id"], {"body": text})
        assert response.status_code == 201, response.text
        created.append(response.json())
    detail = await client.get(f"/api/tickets/{ticket['id']}", headers=requester.headers)
    assert detail.status_code == 200, detail.text
    comments = detail.json()["comments"]
    assert [c["body"] for c in comments] == ["first", "second", "third"]
    assert comments == created


async def test_a_nul_character_in_a_comment_is_refused(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    response = await client.post(
        f"/api/tickets/{ticket['id']}/comments", json={"body": "a\x00b"}, headers=requester.headers
    )
    assert_error(response, 400, "FIELD_INVALID", "body")
    assert await db.fetchval("SELECT count(*) FROM comments") == 0

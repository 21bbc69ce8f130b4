"""POST /api/tickets/{id}/comments: validation, who may comment, version, timeline, order."""

from datetime import datetime

import asyncpg
import httpx
import pytest

from tests.support.accounts import Account, Accounts
from tests.support.db import count_rows
from tests.support.responses import COMMENT_FIELDS, as_a_requester_reads, assert_error
from tests.support.tickets import (
    TICKETS,
    create_ticket,
    patch_ticket,
    post_comment,
    stored_timeline,
)


async def test_comment_is_created_with_its_fields(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    response = await post_comment(client, requester, ticket["id"], {"body": "Still jammed"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == COMMENT_FIELDS
    assert body["ticket_id"] == ticket["id"]
    assert body["author_id"] == requester.id
    assert body["author"] == requester.person
    assert body["internal"] is False
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
    response = await post_comment(client, requester, ticket["id"], {"body": "  \n Tray 2 \t "})
    assert response.status_code == 201, response.text
    assert response.json()["body"] == "Tray 2"


async def test_body_of_10000_characters_after_trimming_is_accepted(
    client: httpx.AsyncClient, requester: Account
) -> None:
    ticket = await create_ticket(client, requester)
    response = await post_comment(client, requester, ticket["id"], {"body": f"  {'x' * 10_000}  "})
    assert response.status_code == 201, response.text
    assert response.json()["body"] == "x" * 10_000


REFUSED_BODIES = [
    pytest.param({}, "FIELD_REQUIRED", "body", id="no-body"),
    pytest.param({"body": ""}, "FIELD_REQUIRED", "body", id="empty"),
    pytest.param({"body": "   \n\t "}, "FIELD_REQUIRED", "body", id="blank"),
    pytest.param({"body": "x" * 10_001}, "FIELD_INVALID", "body", id="10001-characters"),
    pytest.param({"body": "a\x00b"}, "FIELD_INVALID", "body", id="nul-character"),
    *[
        pytest.param({"body": value}, "FIELD_INVALID", "body", id=f"not-text-{value!r}")
        for value in (5, None, ["a"], {"text": "a"})
    ],
    pytest.param({"body": "Hi", "author_id": 9}, "FIELD_INVALID", "author_id", id="unknown-field"),
]


@pytest.mark.parametrize(("payload", "code", "field"), REFUSED_BODIES)
async def test_a_refused_body_is_a_400_naming_the_field_and_stores_nothing(
    client: httpx.AsyncClient,
    requester: Account,
    db: asyncpg.Connection,
    payload: object,
    code: str,
    field: str,
) -> None:
    ticket = await create_ticket(client, requester)
    response = await post_comment(client, requester, ticket["id"], payload)
    assert_error(response, 400, code, field)
    assert await count_rows(db, "comments") == 0


@pytest.mark.parametrize("role", ["agent", "admin"])
async def test_staff_may_comment_on_any_ticket(
    client: httpx.AsyncClient, requester: Account, accounts: Accounts, role: str
) -> None:
    staff = await accounts.create(role)
    ticket = await create_ticket(client, requester)
    response = await post_comment(client, staff, ticket["id"], {"body": "On it"})
    assert response.status_code == 201, response.text
    assert response.json()["author_id"] == staff.id


async def test_agent_may_comment_on_ticket_assigned_to_another_agent(
    client: httpx.AsyncClient, agent: Account, other_agent: Account
) -> None:
    ticket = await create_ticket(client, other_agent, assignee_id=other_agent.id)
    response = await post_comment(client, agent, ticket["id"], {"body": "Seen this before"})
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("caller", "status", "code"),
    [
        ("another user", 404, "NOT_FOUND"),
        ("admin, on a missing ticket", 404, "NOT_FOUND"),
        ("no token", 401, "UNAUTHORIZED"),
        ("a bad token", 401, "UNAUTHORIZED"),
    ],
)
async def test_a_comment_the_caller_may_not_post_is_refused_and_stores_nothing(
    client: httpx.AsyncClient,
    requester: Account,
    other_user: Account,
    admin: Account,
    db: asyncpg.Connection,
    caller: str,
    status: int,
    code: str,
) -> None:
    headers = {
        "another user": other_user.headers,
        "admin, on a missing ticket": admin.headers,
        "no token": {},
        "a bad token": {"Authorization": "Bearer not-a-token"},
    }[caller]
    ticket_id = 999 if "missing" in caller else (await create_ticket(client, requester))["id"]
    response = await client.post(
        f"{TICKETS}/{ticket_id}/comments", json={"body": "Me too"}, headers=headers
    )
    assert_error(response, status, code)
    assert await count_rows(db, "comments") == 0


async def test_comment_leaves_the_ticket_version_unchanged(
    client: httpx.AsyncClient, requester: Account, agent: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    for author in (requester, agent):
        response = await post_comment(client, author, ticket["id"], {"body": "Note"})
        assert response.status_code == 201, response.text
    row = await db.fetchrow("SELECT version, updated_at FROM tickets WHERE id = $1", ticket["id"])
    assert row is not None
    assert row["version"] == 1
    detail = await client.get(f"{TICKETS}/{ticket['id']}", headers=requester.headers)
    assert detail.json()["version"] == 1
    assert detail.headers["ETag"] == '"1"'
    # The ETag the requester holds still works for an update.
    update = await patch_ticket(client, requester, ticket["id"], {"title": "Updated"})
    assert update.status_code == 200, update.text


async def test_comment_writes_a_comment_created_timeline_entry(
    client: httpx.AsyncClient, requester: Account, agent: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    response = await post_comment(client, agent, ticket["id"], {"body": "Looking"})
    assert response.status_code == 201, response.text
    assert await stored_timeline(db, ticket["id"]) == [
        ("ticket.created", requester.id),
        ("comment.created", agent.id),
    ]
    detail = await client.get(f"{TICKETS}/{ticket['id']}", headers=requester.headers)
    entry = detail.json()["timeline"][-1]
    assert (entry["action"], entry["actor_id"]) == ("comment.created", agent.id)


async def test_refused_comment_writes_no_timeline_entry(
    client: httpx.AsyncClient, requester: Account, other_user: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    assert (await post_comment(client, requester, ticket["id"], {"body": " "})).status_code == 400
    assert (await post_comment(client, other_user, ticket["id"], {"body": "Hi"})).status_code == 404
    assert await stored_timeline(db, ticket["id"]) == [("ticket.created", requester.id)]


async def test_ticket_detail_lists_comments_oldest_first(
    client: httpx.AsyncClient, requester: Account, agent: Account
) -> None:
    ticket = await create_ticket(client, requester)
    created = []
    for author, text in ((requester, "first"), (agent, "second"), (requester, "third")):
        response = await post_comment(client, author, ticket["id"], {"body": text})
        assert response.status_code == 201, response.text
        created.append(response.json())
    detail = await client.get(f"{TICKETS}/{ticket['id']}", headers=requester.headers)
    assert detail.status_code == 200, detail.text
    comments = detail.json()["comments"]
    assert [c["body"] for c in comments] == ["first", "second", "third"]
    assert comments == [as_a_requester_reads(comment) for comment in created]

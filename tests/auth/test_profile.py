"""PATCH /api/me: a signed-in person changes their own name (and nothing else: not their
role, email or state); comments and timeline entries show the new name."""

from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.accounts import USER_FIELDS, Account, Accounts, stored_accounts
from tests.support.responses import assert_error
from tests.support.tickets import add_comment, create_ticket, get_ticket


async def rename(client: httpx.AsyncClient, headers: dict[str, str], body: Any) -> httpx.Response:
    return await client.patch("/api/me", json=body, headers=headers)


@pytest.mark.parametrize("role", ["user", "agent", "admin"])
async def test_anyone_signed_in_renames_themselves(
    client: httpx.AsyncClient, db: asyncpg.Connection, accounts: Accounts, role: str
) -> None:
    account = await accounts.create(role)
    other = await accounts.create("user")
    before = await stored_accounts(db)
    response = await rename(client, account.headers, {"name": "  New Name "})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == USER_FIELDS
    assert (body["id"], body["name"], body["role"], body["active"]) == (
        account.id,
        "New Name",
        role,
        True,
    )
    after = await stored_accounts(db)
    assert after[account.id] == before[account.id] | {"name": "New Name"}
    assert after[other.id] == before[other.id]
    # The token still works: a new name revokes nothing.
    me = await client.get("/api/me", headers=account.headers)
    assert me.status_code == 200 and me.json()["name"] == "New Name"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Ada\u200b Lovelace", "Ada Lovelace"),
        ("\u202eAda Lovelace", "Ada Lovelace"),
        ("\uff21\uff44\uff41 Lovelace", "Ada Lovelace"),
        ("Jos\u0065\u0301", "Jos\u00e9"),
        ("n" * 100, "n" * 100),
    ],
    ids=["zwsp", "rlo", "full-width", "decomposed", "100-characters"],
)
async def test_the_name_follows_the_rules_of_registration(
    client: httpx.AsyncClient, db: asyncpg.Connection, requester: Account, typed: str, stored: str
) -> None:
    response = await rename(client, requester.headers, {"name": typed})
    assert response.status_code == 200, response.text
    assert response.json()["name"] == stored
    assert await db.fetchval("SELECT name FROM users WHERE id = $1", requester.id) == stored


async def test_comments_and_the_timeline_show_the_new_name(
    client: httpx.AsyncClient, requester: Account, agent: Account
) -> None:
    ticket = await create_ticket(client, requester)
    await add_comment(client, requester, ticket["id"], "Still jammed")
    response = await rename(client, requester.headers, {"name": "Ada Lovelace"})
    assert response.status_code == 200, response.text
    detail = await get_ticket(client, agent, ticket["id"])
    person = requester.seen_by(agent) | {"name": "Ada Lovelace"}
    assert detail["comments"][0]["author"] == person
    assert detail["timeline"][0]["actor"] == person


REFUSED = [
    pytest.param({}, 400, "FIELD_REQUIRED", "name", id="empty"),
    pytest.param({"name": None}, 400, "FIELD_INVALID", "name", id="null"),
    pytest.param({"name": "   "}, 400, "FIELD_REQUIRED", "name", id="blank"),
    pytest.param({"name": "\u200b\u00ad"}, 400, "FIELD_REQUIRED", "name", id="only-invisible"),
    pytest.param({"name": "n" * 101}, 400, "FIELD_INVALID", "name", id="over-100"),
    pytest.param({"name": "A\x00B"}, 400, "FIELD_INVALID", "name", id="nul"),
    pytest.param({"name": 5}, 400, "FIELD_INVALID", "name", id="a-number"),
    # Only an admin changes a role or a state (PATCH /api/users/{id}); nobody their email.
    *[
        pytest.param(
            {"name": "Fine", field: value}, 400, "FIELD_INVALID", field, id=f"with-{field}"
        )
        for field, value in (
            ("role", "admin"),
            ("active", True),
            ("email", "new@example.test"),
            ("token_version", 0),
            ("password", "longenough"),
        )
    ],
    pytest.param(["Fine"], 400, "BAD_REQUEST", None, id="a-json-list"),
]


@pytest.mark.parametrize(("body", "status", "code", "field"), REFUSED)
async def test_a_refused_change_changes_nothing(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    requester: Account,
    body: Any,
    status: int,
    code: str,
    field: str | None,
) -> None:
    before = await stored_accounts(db)
    response = await rename(client, requester.headers, body)
    assert_error(response, status, code, field)
    assert await stored_accounts(db) == before


async def test_without_a_token_is_unauthorized(
    client: httpx.AsyncClient, db: asyncpg.Connection, requester: Account
) -> None:
    before = await stored_accounts(db)
    assert_error(await rename(client, {}, {"name": "Nobody"}), 401, "UNAUTHORIZED")
    assert await stored_accounts(db) == before

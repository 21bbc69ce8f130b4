"""A deactivated account: it cannot sign in (403 ACCOUNT_DEACTIVATED, but only with the
right password), every token it held stops working at once, on every server process, and
for good (a reactivation does not bring them back); its tickets and comments keep its
name, and it cannot be given tickets."""

import asyncpg
import httpx
import pytest

from tests.support.accounts import (
    PASSWORD,
    Account,
    Accounts,
    bearer,
    login,
    patch_user,
    stored_account,
)
from tests.support.db import count_rows
from tests.support.responses import assert_error
from tests.support.tickets import add_comment, create_ticket, get_ticket, post_ticket


async def deactivate(client: httpx.AsyncClient, admin: Account, account: Account) -> None:
    response = await patch_user(client, admin, account.id, {"active": False})
    assert response.status_code == 200, response.text
    assert response.json()["active"] is False


async def reactivate(client: httpx.AsyncClient, admin: Account, account: Account) -> None:
    response = await patch_user(client, admin, account.id, {"active": True})
    assert response.status_code == 200, response.text
    assert response.json()["active"] is True


# --- signing in ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["user", "agent", "admin"])
async def test_a_deactivated_account_cannot_sign_in_with_its_right_password(
    client: httpx.AsyncClient, accounts: Accounts, admin: Account, role: str
) -> None:
    account = await accounts.create(role)
    await deactivate(client, admin, account)
    assert_error(await login(client, account), 403, "ACCOUNT_DEACTIVATED")


async def test_a_wrong_password_tells_nothing_about_deactivation(
    client: httpx.AsyncClient, requester: Account, other_user: Account, admin: Account
) -> None:
    """Without the password, a deactivated account answers as an active one and as an
    email nobody has."""
    await deactivate(client, admin, requester)
    deactivated = await login(client, requester, "wrong-password")
    active = await login(client, other_user, "wrong-password")
    unknown = await client.post(
        "/api/login", json={"email": "nobody@example.test", "password": PASSWORD}
    )
    for response in (deactivated, active, unknown):
        assert_error(response, 401, "INVALID_CREDENTIALS")
    assert deactivated.json() == active.json() == unknown.json()


# --- tokens -------------------------------------------------------------------------------------


async def test_tokens_held_before_deactivation_stop_working_and_stay_revoked(
    client: httpx.AsyncClient, db: asyncpg.Connection, requester: Account, admin: Account
) -> None:
    signed_in = await login(client, requester)
    assert signed_in.status_code == 200, signed_in.text
    tokens = [requester.headers, bearer(signed_in.json()["token"])]
    for headers in tokens:
        assert (await client.get("/api/me", headers=headers)).status_code == 200

    await deactivate(client, admin, requester)
    for headers in tokens:
        assert_error(await client.get("/api/me", headers=headers), 401, "UNAUTHORIZED")
        assert_error(await client.get("/api/tickets", headers=headers), 401, "UNAUTHORIZED")
        refused = await client.post("/api/tickets", json={"title": "Still?"}, headers=headers)
        assert_error(refused, 401, "UNAUTHORIZED")
        renamed = await client.patch("/api/me", json={"name": "Ghost"}, headers=headers)
        assert_error(renamed, 401, "UNAUTHORIZED")
    assert await count_rows(db, "tickets") == 0

    await reactivate(client, admin, requester)
    for headers in tokens:
        assert_error(await client.get("/api/me", headers=headers), 401, "UNAUTHORIZED")
    again = await login(client, requester)
    assert again.status_code == 200, again.text
    me = await client.get("/api/me", headers=bearer(again.json()["token"]))
    assert me.status_code == 200, me.text
    assert me.json()["id"] == requester.id and me.json()["active"] is True
    stored = await stored_account(db, requester.id)
    assert stored is not None and stored["name"] == requester.name


async def test_a_deactivated_account_is_refused_by_every_server_process(
    client: httpx.AsyncClient, live_server: str, agent: Account, admin: Account
) -> None:
    """The server in its own process, with its own pool, reads the account per request:
    nothing cached there outlives the deactivation made here."""
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as other_process:
        assert (await other_process.get("/api/me", headers=agent.headers)).status_code == 200
        await deactivate(client, admin, agent)
        response = await other_process.get("/api/me", headers=agent.headers)
        assert_error(response, 401, "UNAUTHORIZED")


async def test_a_row_deactivated_by_hand_refuses_its_tokens_too(
    client: httpx.AsyncClient, db: asyncpg.Connection, requester: Account
) -> None:
    """Whatever set `active` to false (an operator's UPDATE leaves token_version alone)."""
    await db.execute("UPDATE users SET active = false WHERE id = $1", requester.id)
    assert_error(await client.get("/api/me", headers=requester.headers), 401, "UNAUTHORIZED")


async def test_a_deactivated_admins_token_changes_no_account(
    client: httpx.AsyncClient, db: asyncpg.Connection, accounts: Accounts, admin: Account
) -> None:
    other_admin, agent = await accounts.create("admin"), await accounts.create("agent")
    await deactivate(client, other_admin, admin)
    response = await patch_user(client, admin, agent.id, {"role": "admin"})
    assert_error(response, 401, "UNAUTHORIZED")
    assert await db.fetchval("SELECT role FROM users WHERE id = $1", agent.id) == "agent"
    staff = await client.post(
        "/api/register",
        json={
            "name": "New",
            "email": "new@example.test",
            "password": "longenough",
            "role": "admin",
        },
        headers=admin.headers,
    )
    assert_error(staff, 401, "UNAUTHORIZED")
    assert await count_rows(db, "users") == 3


# --- what the account leaves behind ---------------------------------------------------------


async def test_its_tickets_and_comments_stay_with_its_name(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    requester: Account,
    agent: Account,
    admin: Account,
) -> None:
    ticket = await create_ticket(client, requester)
    await add_comment(client, requester, ticket["id"], "It is still jammed")
    await deactivate(client, admin, requester)

    detail = await get_ticket(client, agent, ticket["id"])
    assert detail["requester_id"] == requester.id
    [comment] = detail["comments"]
    assert comment["author"] == requester.seen_by(agent)
    assert [entry["actor"] for entry in detail["timeline"]][:1] == [requester.seen_by(agent)]
    assert (await count_rows(db, "tickets"), await count_rows(db, "comments")) == (1, 1)
    listed = await client.get("/api/users?active=false", headers=agent.headers)
    assert [user["id"] for user in listed.json()["items"]] == [requester.id]


async def test_a_deactivated_agent_cannot_be_given_a_ticket(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    requester: Account,
    agent: Account,
    other_agent: Account,
    admin: Account,
) -> None:
    ticket = await create_ticket(client, requester)
    await deactivate(client, admin, agent)
    refused = await post_ticket(client, admin, {"title": "For the agent", "assignee_id": agent.id})
    assert_error(refused, 400, "FIELD_INVALID", "assignee_id")
    response = await client.patch(
        f"/api/tickets/{ticket['id']}",
        json={"assignee_id": agent.id},
        headers=admin.headers | {"If-Match": '"1"'},
    )
    assert_error(response, 400, "FIELD_INVALID", "assignee_id")
    assert await db.fetchval("SELECT assignee_id FROM tickets") is None
    # Another agent, active, still can be.
    response = await client.patch(
        f"/api/tickets/{ticket['id']}",
        json={"assignee_id": other_agent.id},
        headers=admin.headers | {"If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text

"""PATCH /api/users/{id}: an admin changes an account's role, name, and whether it is
active; nobody demotes or deactivates themselves; a refused request changes nothing. (Who
may call it: tests/authz/test_accounts.py; deactivation: test_deactivation.py; the last
admin under concurrency: test_last_admin.py.)"""

from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.accounts import (
    USER_FIELDS,
    Account,
    Accounts,
    patch_user,
    stored_account,
    stored_accounts,
)
from tests.support.responses import assert_error

# --- what an admin changes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "body"),
    [
        pytest.param("user", {"role": "agent"}, id="user-made-an-agent"),
        pytest.param("user", {"role": "admin"}, id="user-made-an-admin"),
        pytest.param("agent", {"role": "user"}, id="agent-made-a-user"),
        pytest.param("agent", {"role": "admin"}, id="agent-made-an-admin"),
        pytest.param("admin", {"role": "agent"}, id="another-admin-made-an-agent"),
        pytest.param("admin", {"role": "user"}, id="another-admin-made-a-user"),
        pytest.param("user", {"name": "Grace Hopper"}, id="renamed"),
        pytest.param("agent", {"active": False}, id="agent-deactivated"),
        pytest.param("admin", {"active": False}, id="another-admin-deactivated"),
        pytest.param(
            "user", {"role": "agent", "name": "Grace Hopper", "active": False}, id="all-three"
        ),
    ],
)
async def test_an_admin_changes_an_account_and_gets_it_back(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    accounts: Accounts,
    admin: Account,
    role: str,
    body: dict[str, Any],
) -> None:
    account = await accounts.create(role)
    before = await stored_account(db, account.id)
    assert before is not None
    response = await patch_user(client, admin, account.id, body)
    assert response.status_code == 200, response.text
    returned = response.json()
    assert set(returned) == USER_FIELDS
    expected = {"name": account.name, "email": account.email, "role": role, "active": True}
    expected |= body
    assert {key: returned[key] for key in expected} == expected
    assert returned["id"] == account.id
    after = await stored_account(db, account.id)
    assert after is not None
    assert {key: after[key] for key in expected} == expected
    # Only a deactivation revokes the account's tokens; the password is never touched.
    assert after["token_version"] == int(body.get("active") is False)
    assert after["password_hash"] == before["password_hash"]


async def test_only_the_account_named_changes(
    client: httpx.AsyncClient, db: asyncpg.Connection, accounts: Accounts, admin: Account
) -> None:
    target, bystander = await accounts.create("agent"), await accounts.create("agent")
    before = await stored_accounts(db)
    response = await patch_user(client, admin, target.id, {"role": "user", "active": False})
    assert response.status_code == 200, response.text
    after = await stored_accounts(db)
    assert after[bystander.id] == before[bystander.id]
    assert after[admin.id] == before[admin.id]
    assert after[target.id] != before[target.id]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (" Grace Hopper ", "Grace Hopper"),
        ("Grace\u200b Hopper", "Grace Hopper"),
        ("\uff27race Hopper", "Grace Hopper"),
        ("Jos\u0065\u0301", "Jos\u00e9"),
        ("n" * 100, "n" * 100),
    ],
    ids=["spaces", "zero-width-space", "full-width", "decomposed", "100-characters"],
)
async def test_a_name_follows_the_rules_of_registration(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    requester: Account,
    admin: Account,
    typed: str,
    stored: str,
) -> None:
    response = await patch_user(client, admin, requester.id, {"name": typed})
    assert response.status_code == 200, response.text
    assert response.json()["name"] == stored
    assert await db.fetchval("SELECT name FROM users WHERE id = $1", requester.id) == stored


async def test_a_deactivated_account_is_reactivated_and_what_is_sent_again_is_no_change(
    client: httpx.AsyncClient, db: asyncpg.Connection, agent: Account, admin: Account
) -> None:
    for body, active, version in (
        ({"active": False}, False, 1),
        ({"active": False}, False, 1),  # already deactivated: its tokens are not bumped again
        ({"active": True}, True, 1),
        ({"active": True}, True, 1),
        ({"role": "agent", "name": agent.name}, True, 1),
    ):
        response = await patch_user(client, admin, agent.id, body)
        assert response.status_code == 200, response.text
        assert response.json()["active"] is active
        stored = await stored_account(db, agent.id)
        assert stored is not None
        assert (stored["active"], stored["token_version"], stored["role"]) == (
            active,
            version,
            "agent",
        )


async def test_an_admin_may_rename_themselves_and_repeat_their_own_role_and_state(
    client: httpx.AsyncClient, db: asyncpg.Connection, admin: Account
) -> None:
    before = await stored_account(db, admin.id)
    assert before is not None
    response = await patch_user(
        client, admin, admin.id, {"name": "Head Admin", "role": "admin", "active": True}
    )
    assert response.status_code == 200, response.text
    assert await stored_account(db, admin.id) == before | {"name": "Head Admin"}
    assert (await client.get("/api/me", headers=admin.headers)).json()["name"] == "Head Admin"


# --- what is refused --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"role": "user"}, "role", id="demote-to-user"),
        pytest.param({"role": "agent"}, "role", id="demote-to-agent"),
        pytest.param({"active": False}, "active", id="deactivate"),
        pytest.param({"role": "agent", "active": False}, "active", id="both"),
        pytest.param({"name": "Still Me", "role": "user"}, "role", id="rename-and-demote"),
    ],
)
async def test_an_admin_cannot_demote_or_deactivate_themselves(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    accounts: Accounts,
    admin: Account,
    body: dict[str, Any],
    field: str,
) -> None:
    await accounts.create("admin")  # not the last admin: the rule is about oneself
    before = await stored_accounts(db)
    response = await patch_user(client, admin, admin.id, body)
    assert_error(response, 409, "CANNOT_CHANGE_OWN_ACCOUNT", field)
    assert await stored_accounts(db) == before
    assert (await client.get("/api/me", headers=admin.headers)).status_code == 200


REFUSED_BODIES = [
    pytest.param({}, 400, "FIELD_REQUIRED", None, id="empty"),
    *[
        pytest.param({field: None}, 400, "FIELD_INVALID", field, id=f"{field}-null")
        for field in ("role", "name", "active")
    ],
    pytest.param({"role": "superuser"}, 400, "FIELD_INVALID", "role", id="unknown-role"),
    pytest.param({"role": 1}, 400, "FIELD_INVALID", "role", id="role-a-number"),
    pytest.param({"name": "   "}, 400, "FIELD_REQUIRED", "name", id="blank-name"),
    pytest.param({"name": "\u200b\u00ad"}, 400, "FIELD_REQUIRED", "name", id="invisible-name"),
    pytest.param({"name": "n" * 101}, 400, "FIELD_INVALID", "name", id="name-over-100"),
    pytest.param({"name": "A\x00B"}, 400, "FIELD_INVALID", "name", id="nul-in-name"),
    pytest.param({"name": 5}, 400, "FIELD_INVALID", "name", id="name-a-number"),
    *[
        pytest.param({"active": value}, 400, "FIELD_INVALID", "active", id=f"active-{label}")
        for value, label in (("false", "string"), (0, "zero"), ("no", "no"))
    ],
    # Not an admin's to set here: unknown fields, refused as everywhere.
    *[
        pytest.param({field: value}, 400, "FIELD_INVALID", field, id=f"unknown-{field}")
        for field, value in (
            ("email", "new@example.test"),
            ("password", "longenough"),
            ("token_version", 0),
            ("id", 1),
        )
    ],
    pytest.param({"name": "Fine", "email": "x@y"}, 400, "FIELD_INVALID", "email", id="one-unknown"),
    pytest.param([{"name": "Fine"}], 400, "BAD_REQUEST", None, id="a-json-list"),
]


@pytest.mark.parametrize(("body", "status", "code", "field"), REFUSED_BODIES)
async def test_a_refused_body_changes_nothing(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    agent: Account,
    admin: Account,
    body: Any,
    status: int,
    code: str,
    field: str | None,
) -> None:
    before = await stored_accounts(db)
    response = await patch_user(client, admin, agent.id, body)
    assert_error(response, status, code, field)
    assert await stored_accounts(db) == before


@pytest.mark.parametrize("user_id", ["987654", "0", "-1", "abc", str(2**31), "1.5"])
async def test_an_unknown_account_is_not_found(
    client: httpx.AsyncClient, db: asyncpg.Connection, admin: Account, user_id: str
) -> None:
    before = await stored_accounts(db)
    response = await patch_user(client, admin, user_id, {"role": "agent"})
    assert_error(response, 404, "NOT_FOUND")
    assert await stored_accounts(db) == before

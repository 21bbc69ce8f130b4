"""The matrix (see matrix.py) for the accounts: listing users, GET and PATCH /api/me,
registration, sign-in, password changes, and an admin's changes to an account."""

import asyncpg
import httpx
import pytest

from tests.authz.matrix import World, check_refusal, covers, signed_in
from tests.support.accounts import PASSWORD, stored_accounts

ACCOUNT_NAMES = ("user", "other_user", "agent", "other_agent", "third_agent", "admin", "demoted")


@covers("GET /api/users")
@pytest.mark.parametrize(
    ("caller", "status"),
    [
        pytest.param("anonymous", 401, id="anonymous"),
        pytest.param("user", 403, id="user"),
        pytest.param("demoted", 403, id="demoted"),
        pytest.param("agent", 200, id="agent"),
        pytest.param("admin", 200, id="admin"),
    ],
)
async def test_list_users(
    client: httpx.AsyncClient, world: World, caller: str, status: int
) -> None:
    response = await client.get("/api/users?limit=100", headers=world.headers(caller))
    if status == 200:
        assert response.status_code == 200, response.text
        seen = {u["id"] for u in response.json()["items"]}
        assert seen == {getattr(world, name).id for name in ACCOUNT_NAMES}
        assert all(
            "password_hash" not in u and "token_version" not in u for u in response.json()["items"]
        )
    else:
        check_refusal(response, status, None)


@covers("GET /api/me")
@pytest.mark.parametrize(
    ("caller", "status"),
    [
        pytest.param("anonymous", 401, id="anonymous"),
        *[pytest.param(c, 200, id=c) for c in ("user", "demoted", "agent", "admin")],
    ],
)
async def test_me(client: httpx.AsyncClient, world: World, caller: str, status: int) -> None:
    response = await client.get("/api/me", headers=world.headers(caller))
    if status == 200:
        assert response.status_code == 200, response.text
        account = signed_in(world.caller(caller))
        expected_role = "user" if caller == "demoted" else account.role
        assert (response.json()["id"], response.json()["role"]) == (account.id, expected_role)
    else:
        check_refusal(response, status, None)


# Anyone may open a requester account; only an admin may create staff accounts.
# fmt: off
REGISTER_GRID: dict[str, tuple[int, int, int, int]] = {
    #             no role  user  agent  admin
    "anonymous": (201,     201,  403,   403),
    "user":      (201,     201,  403,   403),
    "demoted":   (201,     201,  403,   403),
    "agent":     (201,     201,  403,   403),
    "admin":     (201,     201,  201,   201),
}
# fmt: on
REGISTER_CASES = [
    pytest.param(caller, role, status, id=f"{caller} registers {role or 'no role'} -> {status}")
    for caller, statuses in REGISTER_GRID.items()
    for role, status in zip((None, "user", "agent", "admin"), statuses, strict=True)
]


@covers("POST /api/register")
@pytest.mark.parametrize(("caller", "role", "status"), REGISTER_CASES)
async def test_register(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    world: World,
    caller: str,
    role: str | None,
    status: int,
) -> None:
    body = {"name": "New Person", "email": "new@example.test", "password": "longenough"}
    if role is not None:
        body["role"] = role
    response = await client.post("/api/register", json=body, headers=world.headers(caller))
    stored = await db.fetchval("SELECT role FROM users WHERE email = 'new@example.test'")
    if status == 201:
        assert response.status_code == 201, response.text
        assert response.json()["role"] == stored == (role or "user")
    else:
        check_refusal(response, status, "role")
        assert stored is None


@covers("POST /api/login")
@pytest.mark.parametrize(
    ("who", "password", "status", "code"),
    [
        *[
            pytest.param(who, PASSWORD, 200, None, id=f"{who}: right password")
            for who in ("user", "agent", "admin")
        ],
        pytest.param(
            "user", "wrong-password", 401, "INVALID_CREDENTIALS", id="user: wrong password"
        ),
        pytest.param(
            "admin", "wrong-password", 401, "INVALID_CREDENTIALS", id="admin: wrong password"
        ),
        pytest.param("nobody", PASSWORD, 401, "INVALID_CREDENTIALS", id="unknown email"),
    ],
)
async def test_login(
    client: httpx.AsyncClient, world: World, who: str, password: str, status: int, code: str | None
) -> None:
    account = world.caller(who) if who != "nobody" else None
    email = account.email if account else "nobody@example.test"
    response = await client.post("/api/login", json={"email": email, "password": password})
    if status == 200:
        assert response.status_code == 200, response.text
        assert account is not None
        assert response.json()["user"]["id"] == account.id
    else:
        check_refusal(response, status, None, code)


@covers("POST /api/me/password")
@pytest.mark.parametrize(
    ("caller", "current", "status"),
    [
        pytest.param("anonymous", PASSWORD, 401, id="anonymous"),
        *[
            pytest.param(c, PASSWORD, 200, id=f"{c}: right current password")
            for c in ("user", "agent", "admin")
        ],
        *[
            pytest.param(c, "wrong-password", 400, id=f"{c}: wrong current password")
            for c in ("user", "admin")
        ],
    ],
)
async def test_change_password(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    world: World,
    caller: str,
    current: str,
    status: int,
) -> None:
    response = await client.post(
        "/api/me/password",
        json={"current_password": current, "new_password": "a-new-passphrase"},
        headers=world.headers(caller),
    )
    versions = dict(await db.fetch("SELECT id, token_version FROM users"))
    account = world.caller(caller)
    if status == 200:
        assert response.status_code == 200, response.text
        assert account is not None and response.json()["user"]["id"] == account.id
        # Only the caller's own account changed.
        assert versions == {i: int(i == account.id) for i in versions}
    else:
        check_refusal(response, status, "current_password")
        assert set(versions.values()) == {0}


# Only an admin changes an account; the target is another account of the world, one that
# may be changed without touching the last admin (the other agent: its role and state).
PATCH_USER_CASES = [
    pytest.param("anonymous", "other_agent", 401, id="anonymous"),
    *[pytest.param(c, "other_agent", 403, id=c) for c in ("user", "demoted", "agent")],
    pytest.param("agent", "agent", 403, id="agent, themselves"),
    pytest.param("admin", "other_agent", 200, id="admin"),
    pytest.param("admin", "missing", 404, id="admin, no such account"),
    pytest.param("user", "missing", 403, id="user, no such account"),
]
NO_SUCH_ACCOUNT = 987_654


@covers("PATCH /api/users/{user_id}")
@pytest.mark.parametrize(("caller", "target", "status"), PATCH_USER_CASES)
async def test_patch_user(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    world: World,
    caller: str,
    target: str,
    status: int,
) -> None:
    user_id = NO_SUCH_ACCOUNT if target == "missing" else getattr(world, target).id
    body = {"role": "admin", "name": "Renamed", "active": False}
    before = await stored_accounts(db)
    response = await client.patch(f"/api/users/{user_id}", json=body, headers=world.headers(caller))
    after = await stored_accounts(db)
    if status == 200:
        assert response.status_code == 200, response.text
        assert {key: response.json()[key] for key in body} == body
        assert {key: after[user_id][key] for key in body} == body
        assert {i: row for i, row in after.items() if i != user_id} == {
            i: row for i, row in before.items() if i != user_id
        }
    else:
        check_refusal(response, status, None)
        assert after == before


@covers("PATCH /api/me")
@pytest.mark.parametrize(
    ("caller", "status"),
    [
        pytest.param("anonymous", 401, id="anonymous"),
        *[pytest.param(c, 200, id=c) for c in ("user", "demoted", "agent", "admin")],
    ],
)
async def test_patch_me(
    client: httpx.AsyncClient, db: asyncpg.Connection, world: World, caller: str, status: int
) -> None:
    before = await stored_accounts(db)
    response = await client.patch(
        "/api/me", json={"name": "Renamed"}, headers=world.headers(caller)
    )
    after = await stored_accounts(db)
    if status == 200:
        assert response.status_code == 200, response.text
        account = signed_in(world.caller(caller))
        assert response.json()["id"] == account.id
        # Only the caller's own name changed.
        assert after == before | {account.id: before[account.id] | {"name": "Renamed"}}
    else:
        check_refusal(response, status, None)
        assert after == before

"""POST /api/register, POST /api/login, GET /api/me and GET /api/users."""

from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import jwt
import pytest

from tests.support.accounts import (
    NEW_ACCOUNT,
    PASSWORD,
    USER_FIELDS,
    Account,
    Accounts,
    bearer,
    claims_for,
    register,
    sign,
)
from tests.support.db import count_rows
from tests.support.responses import assert_error
from tests.support.server import TEST_JWT_SECRET

# --- POST /api/register ----------------------------------------------------------------------


async def test_register_creates_a_user_with_a_lower_case_email(client: httpx.AsyncClient) -> None:
    response = await register(client, name=" Grace ", email="Grace@Example.COM")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["name"] == "Grace"
    assert body["email"] == "grace@example.com"
    assert body["role"] == "user"
    assert body["active"] is True
    assert set(body) == USER_FIELDS


async def test_register_response_never_carries_the_password_or_its_hash(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    response = await register(client)
    assert response.status_code == 201, response.text
    stored_hash = await db.fetchval(
        "SELECT password_hash FROM users WHERE email = $1", NEW_ACCOUNT["email"]
    )
    assert set(response.json()) == USER_FIELDS
    assert "password" not in response.text
    assert NEW_ACCOUNT["password"] not in response.text
    assert stored_hash not in response.text
    assert stored_hash != NEW_ACCOUNT["password"]


async def test_register_stores_the_account_with_a_lower_case_email(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    response = await register(client, email="Ada.L@Example.TEST")
    assert response.status_code == 201, response.text
    row = await db.fetchrow("SELECT id, name, email, role FROM users")
    assert row is not None
    assert dict(row) == {
        "id": response.json()["id"],
        "name": "Ada Lovelace",
        "email": "ada.l@example.test",
        "role": "user",
    }


async def test_register_created_at_is_iso_8601_with_offset(client: httpx.AsyncClient) -> None:
    response = await register(client)
    assert response.status_code == 201, response.text
    created_at = datetime.fromisoformat(response.json()["created_at"])
    assert created_at.utcoffset() is not None


async def test_register_same_email_in_other_case_is_email_taken(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    first = await register(client, email="ada@example.test")
    assert first.status_code == 201, first.text
    second = await register(client, email="ADA@Example.Test", name="Someone Else")
    assert_error(second, 409, "EMAIL_TAKEN", field="email")
    rows = await db.fetch("SELECT name FROM users WHERE lower(email) = 'ada@example.test'")
    assert [r["name"] for r in rows] == ["Ada Lovelace"]


async def test_register_email_of_a_seeded_account_is_email_taken(
    client: httpx.AsyncClient, db: asyncpg.Connection, requester: Account
) -> None:
    response = await register(client, email=requester.email.upper())
    assert_error(response, 409, "EMAIL_TAKEN", field="email")
    assert await count_rows(db, "users") == 1


async def test_register_name_of_100_characters_is_accepted(client: httpx.AsyncClient) -> None:
    response = await register(client, name="n" * 100)
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "n" * 100


@pytest.mark.parametrize(
    "password",
    [
        pytest.param("a" * 8, id="8-ascii-bytes"),
        pytest.param("a" * 72, id="72-ascii-bytes"),
        pytest.param("é" * 4, id="4-chars-8-bytes"),
        pytest.param("é" * 25, id="25-chars-50-bytes"),
        pytest.param("é" * 36, id="36-chars-72-bytes"),
    ],
)
async def test_register_password_of_8_to_72_bytes_is_accepted_and_logs_in(
    client: httpx.AsyncClient, password: str
) -> None:
    response = await register(client, password=password)
    assert response.status_code == 201, response.text
    login = await client.post(
        "/api/login", json={"email": NEW_ACCOUNT["email"], "password": password}
    )
    assert login.status_code == 200, login.text


def _without(field: str) -> dict[str, str]:
    return {key: value for key, value in NEW_ACCOUNT.items() if key != field}


REFUSED = [
    *[
        pytest.param(_without(field), 400, "FIELD_REQUIRED", field, id=f"no-{field}")
        for field in ("name", "email", "password")
    ],
    pytest.param(NEW_ACCOUNT | {"name": "   "}, 400, "FIELD_REQUIRED", "name", id="blank-name"),
    pytest.param(
        NEW_ACCOUNT | {"name": "n" * 101}, 400, "FIELD_INVALID", "name", id="name-over-100"
    ),
    pytest.param(NEW_ACCOUNT | {"name": "A\x00B"}, 400, "FIELD_INVALID", "name", id="nul-in-name"),
    # bcrypt reads 72 bytes: the bounds are bytes, not characters.
    *[
        pytest.param(
            NEW_ACCOUNT | {"password": password}, 400, "FIELD_INVALID", "password", id=label
        )
        for password, label in (
            ("a" * 7, "password-7-ascii-bytes"),
            ("é" * 3 + "a", "password-4-chars-7-bytes"),
            ("a" * 73, "password-73-ascii-bytes"),
            ("é" * 37, "password-37-chars-74-bytes"),
            ("a" * 71 + "é", "password-72-chars-73-bytes"),
        )
    ],
    *[
        pytest.param(NEW_ACCOUNT | {"email": email}, 400, "FIELD_INVALID", "email", id=email)
        for email in ("no-at-sign", "two@@example.test", "has space@example.test")
    ],
    *[
        pytest.param(
            NEW_ACCOUNT | {field: value}, 400, "FIELD_INVALID", field, id=f"{field}-of-wrong-type"
        )
        for field, value in (
            ("name", 5),
            ("email", ["ada@example.test"]),
            ("password", 12345678),
            ("role", 1),
        )
    ],
    pytest.param(
        NEW_ACCOUNT | {"nickname": "ada"}, 400, "FIELD_INVALID", "nickname", id="unknown-field"
    ),
    pytest.param([NEW_ACCOUNT], 400, "BAD_REQUEST", None, id="a-json-list"),
    # Anyone may open a requester account; a staff account needs an admin's token.
    *[
        pytest.param(
            NEW_ACCOUNT | {"role": role}, 403, "FORBIDDEN", "role", id=f"{role}-without-a-token"
        )
        for role in ("agent", "admin")
    ],
]


@pytest.mark.parametrize(("body", "status", "code", "field"), REFUSED)
async def test_a_refused_registration_creates_no_account(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    body: Any,
    status: int,
    code: str,
    field: str | None,
) -> None:
    response = await client.post("/api/register", json=body)
    assert_error(response, status, code, field)
    assert await count_rows(db, "users") == 0


async def test_register_body_that_is_not_json_is_bad_request(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    response = await client.post(
        "/api/register",
        content=b'{"name": "Ada", "email": ',
        headers={"Content-Type": "application/json"},
    )
    assert_error(response, 400, "BAD_REQUEST")
    assert await count_rows(db, "users") == 0


async def test_register_unknown_role_is_field_invalid(
    client: httpx.AsyncClient, db: asyncpg.Connection, admin: Account
) -> None:
    response = await register(client, headers=admin.headers, role="superuser")
    assert_error(response, 400, "FIELD_INVALID", field="role")
    assert await count_rows(db, "users") == 1


async def test_register_explicit_user_role_needs_no_token(client: httpx.AsyncClient) -> None:
    response = await register(client, role="user")
    assert response.status_code == 201, response.text
    assert response.json()["role"] == "user"


@pytest.mark.parametrize("caller_role", ["user", "agent"])
@pytest.mark.parametrize("role", ["agent", "admin"])
async def test_register_staff_role_with_a_non_admin_token_is_forbidden(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    accounts: Accounts,
    caller_role: str,
    role: str,
) -> None:
    caller = await accounts.create(caller_role)
    response = await register(client, headers=caller.headers, role=role)
    assert_error(response, 403, "FORBIDDEN", field="role")
    assert await count_rows(db, "users") == 1


@pytest.mark.parametrize("role", ["agent", "admin"])
async def test_register_staff_role_with_an_admin_token_creates_it(
    client: httpx.AsyncClient, db: asyncpg.Connection, admin: Account, role: str
) -> None:
    response = await register(client, headers=admin.headers, role=role)
    assert response.status_code == 201, response.text
    assert response.json()["role"] == role
    stored = await db.fetchval("SELECT role FROM users WHERE email = $1", NEW_ACCOUNT["email"])
    assert stored == role


async def test_register_staff_role_with_a_forged_admin_role_claim_is_forbidden(
    client: httpx.AsyncClient, db: asyncpg.Connection, requester: Account
) -> None:
    forged = sign(claims_for(requester, role="admin"))
    response = await register(client, headers=bearer(forged), role="agent")
    assert_error(response, 403, "FORBIDDEN", field="role")
    assert await count_rows(db, "users") == 1


# --- POST /api/login -----------------------------------------------------------------------


async def test_login_returns_a_token_that_me_accepts(client: httpx.AsyncClient) -> None:
    registered = await register(client, name="Grace", email="g@x.io")
    assert registered.status_code == 201, registered.text
    login = await client.post(
        "/api/login", json={"email": "G@X.io", "password": NEW_ACCOUNT["password"]}
    )
    assert login.status_code == 200, login.text
    token = login.json()["token"]
    me = await client.get("/api/me", headers=bearer(token))
    assert me.status_code == 200
    assert me.json()["email"] == "g@x.io"


async def test_a_nul_character_in_login_is_refused_not_a_server_error(
    client: httpx.AsyncClient, requester: Account
) -> None:
    response = await client.post(
        "/api/login", json={"email": requester.email, "password": "Password\x00123"}
    )
    assert_error(response, 400, "FIELD_INVALID", "password")


async def test_login_unknown_email_and_wrong_password_get_the_same_answer(
    client: httpx.AsyncClient, requester: Account
) -> None:
    wrong_password = await client.post(
        "/api/login", json={"email": requester.email, "password": "wrong-password"}
    )
    unknown_email = await client.post(
        "/api/login", json={"email": "nobody@example.test", "password": PASSWORD}
    )
    assert_error(wrong_password, 401, "INVALID_CREDENTIALS")
    assert_error(unknown_email, 401, "INVALID_CREDENTIALS")
    assert wrong_password.json() == unknown_email.json()


@pytest.mark.parametrize("missing", ["email", "password"])
async def test_login_without_a_required_field_is_field_required(
    client: httpx.AsyncClient, requester: Account, missing: str
) -> None:
    body = {"email": requester.email, "password": PASSWORD}
    del body[missing]
    response = await client.post("/api/login", json=body)
    assert_error(response, 400, "FIELD_REQUIRED", field=missing)


async def test_login_token_is_an_hs256_jwt_with_sub_role_iat_exp(
    client: httpx.AsyncClient, agent: Account
) -> None:
    response = await client.post("/api/login", json={"email": agent.email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    token = response.json()["token"]
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    claims = jwt.decode(
        token,
        TEST_JWT_SECRET,
        algorithms=["HS256"],
        audience="helpdesk-api",
        issuer="helpdesk",
        options={"require": ["sub", "role", "ver", "iat", "exp"]},
    )
    assert claims["sub"] == str(agent.id)
    assert claims["role"] == "agent"
    assert claims["ver"] == 0
    now = datetime.now(UTC).timestamp()
    assert claims["iat"] <= now + 5
    assert claims["exp"] > now


async def test_login_response_never_carries_the_password_hash(
    client: httpx.AsyncClient, db: asyncpg.Connection, requester: Account
) -> None:
    response = await client.post(
        "/api/login", json={"email": requester.email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    stored_hash = await db.fetchval("SELECT password_hash FROM users WHERE id = $1", requester.id)
    assert "password" not in response.text
    assert PASSWORD not in response.text
    assert stored_hash not in response.text


# --- GET /api/me ---------------------------------------------------------------------------


async def test_me_returns_the_caller_without_password_hash(
    client: httpx.AsyncClient, db: asyncpg.Connection, requester: Account
) -> None:
    response = await client.get("/api/me", headers=requester.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == USER_FIELDS
    row = await db.fetchrow("SELECT name, email, role FROM users WHERE id = $1", requester.id)
    assert row is not None
    assert body["id"] == requester.id
    assert {k: body[k] for k in ("name", "email", "role")} == dict(row)
    assert "password" not in response.text


async def test_me_without_a_token_is_unauthorized(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/me")
    assert_error(response, 401, "UNAUTHORIZED")


# --- GET /api/users ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("caller", "status", "code"), [("user", 403, "FORBIDDEN"), ("anonymous", 401, "UNAUTHORIZED")]
)
async def test_list_users_is_for_staff_only(
    client: httpx.AsyncClient, requester: Account, caller: str, status: int, code: str
) -> None:
    headers = requester.headers if caller == "user" else {}
    response = await client.get("/api/users", headers=headers)
    assert_error(response, status, code)


@pytest.mark.parametrize("caller_role", ["agent", "admin"])
async def test_list_users_as_staff_returns_every_account(
    client: httpx.AsyncClient, accounts: Accounts, caller_role: str
) -> None:
    caller = await accounts.create(caller_role)
    others = [await accounts.create(role) for role in ("user", "agent", "admin")]
    response = await client.get("/api/users", headers=caller.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"items", "next_offset"}
    assert body["next_offset"] is None
    assert sorted(item["id"] for item in body["items"]) == sorted(
        [caller.id, *(account.id for account in others)]
    )
    for item in body["items"]:
        assert set(item) == USER_FIELDS
    assert "password" not in response.text


async def test_list_users_role_agent_returns_only_agents(
    client: httpx.AsyncClient, accounts: Accounts, admin: Account
) -> None:
    agents = [await accounts.create("agent") for _ in range(2)]
    await accounts.create("user")
    response = await client.get("/api/users", params={"role": "agent"}, headers=admin.headers)
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert sorted(item["id"] for item in items) == sorted(a.id for a in agents)
    assert {item["role"] for item in items} == {"agent"}


@pytest.mark.parametrize(
    ("param", "value"), [("role", "bogus"), ("limit", "0"), ("limit", "x"), ("offset", "-1")]
)
async def test_list_users_bad_parameter_is_field_invalid(
    client: httpx.AsyncClient, agent: Account, param: str, value: str
) -> None:
    response = await client.get("/api/users", params={param: value}, headers=agent.headers)
    assert_error(response, 400, "FIELD_INVALID", field=param)


async def test_list_users_pages_with_limit_offset_and_next_offset(
    client: httpx.AsyncClient, accounts: Accounts, admin: Account
) -> None:
    created = [admin.id] + [(await accounts.create("user")).id for _ in range(4)]
    seen: list[int] = []
    offsets: list[int | None] = []
    offset: int | None = 0
    while offset is not None:
        response = await client.get(
            "/api/users", params={"limit": 2, "offset": offset}, headers=admin.headers
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["items"]) <= 2
        seen += [item["id"] for item in body["items"]]
        offset = body["next_offset"]
        offsets.append(offset)
    assert offsets == [2, 4, None]
    assert sorted(seen) == sorted(created)
    assert len(seen) == len(set(seen))


async def test_list_users_last_full_page_has_null_next_offset(
    client: httpx.AsyncClient, accounts: Accounts, admin: Account
) -> None:
    await accounts.create("user")
    response = await client.get(
        "/api/users", params={"limit": 2, "offset": 0}, headers=admin.headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["items"]) == 2
    assert body["next_offset"] is None


async def test_list_users_offset_past_the_end_is_an_empty_last_page(
    client: httpx.AsyncClient, admin: Account
) -> None:
    response = await client.get("/api/users", params={"offset": 50}, headers=admin.headers)
    assert response.status_code == 200, response.text
    assert response.json() == {"items": [], "next_offset": None}

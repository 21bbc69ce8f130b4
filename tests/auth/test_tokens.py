"""Bearer tokens: anything but a valid, unexpired HS256 token for an existing account is
401 UNAUTHORIZED, and the caller's role is read from the database, not from the token."""

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from tests.conftest import Account, assert_error, bearer, claims_for, sign


def _b64(data: dict[str, Any]) -> str:
    raw = json.dumps(data, default=lambda d: int(d.timestamp())).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


async def test_token_made_here_is_accepted(client: httpx.AsyncClient, requester: Account) -> None:
    """The control for the tests below: the same claims, correctly signed, work."""
    response = await client.get("/api/me", headers=bearer(sign(claims_for(requester))))
    assert response.status_code == 200, response.text
    assert response.json()["id"] == requester.id


async def test_no_authorization_header_is_unauthorized(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/me")
    assert_error(response, 401, "UNAUTHORIZED")


@pytest.mark.parametrize(
    "header",
    ["Bearer garbage", "Bearer ", "Bearer a.b.c", "Basic dXNlcjpwYXNz", "garbage"],
)
async def test_malformed_authorization_header_is_unauthorized(
    client: httpx.AsyncClient, header: str
) -> None:
    response = await client.get("/api/me", headers={"Authorization": header})
    assert_error(response, 401, "UNAUTHORIZED")


async def test_token_signed_with_another_secret_is_unauthorized(
    client: httpx.AsyncClient, requester: Account
) -> None:
    token = sign(claims_for(requester), secret="another-secret-another-secret-12345678")
    response = await client.get("/api/me", headers=bearer(token))
    assert_error(response, 401, "UNAUTHORIZED")


async def test_expired_token_is_unauthorized(client: httpx.AsyncClient, requester: Account) -> None:
    now = datetime.now(UTC)
    token = sign(claims_for(requester, iat=now - timedelta(hours=2), exp=now - timedelta(hours=1)))
    response = await client.get("/api/me", headers=bearer(token))
    assert_error(response, 401, "UNAUTHORIZED")


@pytest.mark.parametrize("claim", ["sub", "exp", "ver", "iss", "aud"])
async def test_token_without_a_required_claim_is_unauthorized(
    client: httpx.AsyncClient, requester: Account, claim: str
) -> None:
    claims = claims_for(requester)
    del claims[claim]
    response = await client.get("/api/me", headers=bearer(sign(claims)))
    assert_error(response, 401, "UNAUTHORIZED")


async def test_unsigned_alg_none_token_is_unauthorized(
    client: httpx.AsyncClient, requester: Account
) -> None:
    token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims_for(requester))}."
    response = await client.get("/api/me", headers=bearer(token))
    assert_error(response, 401, "UNAUTHORIZED")


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
async def test_token_with_another_algorithm_is_unauthorized(
    client: httpx.AsyncClient, requester: Account
) -> None:
    """The algorithm is pinned: HS512 with the right secret is still refused."""
    token = sign(claims_for(requester), algorithm="HS512")
    response = await client.get("/api/me", headers=bearer(token))
    assert_error(response, 401, "UNAUTHORIZED")


@pytest.mark.parametrize("sub", ["not-a-number", "999999", str(2**40)])
async def test_token_whose_subject_is_no_account_is_unauthorized(
    client: httpx.AsyncClient, requester: Account, sub: str
) -> None:
    response = await client.get("/api/me", headers=bearer(sign(claims_for(requester, sub=sub))))
    assert_error(response, 401, "UNAUTHORIZED")


async def test_token_of_a_deleted_account_is_unauthorized(
    client: httpx.AsyncClient, db: asyncpg.Connection, requester: Account
) -> None:
    assert (await client.get("/api/me", headers=requester.headers)).status_code == 200
    await db.execute("DELETE FROM users WHERE id = $1", requester.id)
    response = await client.get("/api/me", headers=requester.headers)
    assert_error(response, 401, "UNAUTHORIZED")


async def test_role_claim_of_admin_gives_a_user_only_a_users_rights(
    client: httpx.AsyncClient, requester: Account
) -> None:
    token = sign(claims_for(requester, role="admin"))
    me = await client.get("/api/me", headers=bearer(token))
    assert me.status_code == 200, me.text
    assert me.json()["role"] == "user"
    response = await client.get("/api/users", headers=bearer(token))
    assert_error(response, 403, "FORBIDDEN")


async def test_role_change_in_the_database_applies_to_an_existing_token(
    client: httpx.AsyncClient, db: asyncpg.Connection, agent: Account
) -> None:
    assert (await client.get("/api/users", headers=agent.headers)).status_code == 200
    await db.execute("UPDATE users SET role = 'user' WHERE id = $1", agent.id)
    response = await client.get("/api/users", headers=agent.headers)
    assert_error(response, 403, "FORBIDDEN")


async def test_bad_token_on_register_for_staff_is_unauthorized_and_creates_nothing(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    """Only a staff role needs the token (signing up as a user ignores it: see
    tests/users/test_register_lookalikes.py)."""
    response = await client.post(
        "/api/register",
        json={
            "name": "Ada",
            "email": "ada@example.test",
            "password": "longenough",
            "role": "agent",
        },
        headers=bearer("garbage"),
    )
    assert_error(response, 401, "UNAUTHORIZED")
    assert await db.fetchval("SELECT count(*) FROM users") == 0


@pytest.mark.parametrize("password", ["x" * 73, "é" * 37, "x" * 100_000])
async def test_login_with_a_password_longer_than_bcrypt_reads_is_a_400(
    client: httpx.AsyncClient, requester: Account, password: str
) -> None:
    """No account can have it (bcrypt reads 72 bytes): a clear 400, the same for a known
    and an unknown email, never a 500."""
    for email in (requester.email, "nobody@example.test"):
        response = await client.post("/api/login", json={"email": email, "password": password})
        assert_error(response, 400, "FIELD_INVALID", "password")

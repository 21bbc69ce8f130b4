"""Bearer tokens: anything but a valid, unexpired HS256 token for an existing account is
401 UNAUTHORIZED, and the caller's role is read from the database, not from the token."""

import base64
import json
from collections.abc import Callable
from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.accounts import (
    Account,
    Accounts,
    bearer,
    claims_for,
    expired_token,
    sign,
    token_signed_elsewhere,
)
from tests.support.responses import assert_error


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


def _without(claim: str) -> Callable[[Account], str]:
    return lambda account: sign(claims_for(account, **{claim: None}))


def _with_subject(sub: str) -> Callable[[Account], str]:
    return lambda account: sign(claims_for(account, sub=sub))


# Tokens for an existing account that must not be accepted: each is the valid token above
# with one thing wrong.
BAD_TOKENS = {
    "another-secret": token_signed_elsewhere,
    "expired": expired_token,
    **{f"without-{claim}": _without(claim) for claim in ("sub", "exp", "ver", "iss", "aud")},
    "unsigned-alg-none": lambda a: f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims_for(a))}.",
    # The algorithm is pinned: HS512 with the right secret is still refused.
    "another-algorithm": lambda a: sign(claims_for(a), algorithm="HS512"),
    **{f"subject-{sub}": _with_subject(sub) for sub in ("not-a-number", "999999", str(2**40))},
}


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
@pytest.mark.parametrize("kind", BAD_TOKENS)
async def test_a_token_with_anything_wrong_is_unauthorized(
    client: httpx.AsyncClient, requester: Account, kind: str
) -> None:
    response = await client.get("/api/me", headers=bearer(BAD_TOKENS[kind](requester)))
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


@pytest.mark.parametrize(
    ("role", "change", "url", "status", "code"),
    [
        pytest.param(
            "user",
            "DELETE FROM users WHERE id = $1",
            "/api/me",
            401,
            "UNAUTHORIZED",
            id="account-deleted",
        ),
        pytest.param(
            "agent",
            "UPDATE users SET role = 'user' WHERE id = $1",
            "/api/users",
            403,
            "FORBIDDEN",
            id="agent-made-a-user",
        ),
    ],
)
async def test_a_change_to_the_account_applies_to_the_tokens_it_already_holds(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    accounts: Accounts,
    role: str,
    change: str,
    url: str,
    status: int,
    code: str,
) -> None:
    account = await accounts.create(role)
    assert (await client.get(url, headers=account.headers)).status_code == 200
    await db.execute(change, account.id)
    assert_error(await client.get(url, headers=account.headers), status, code)


@pytest.mark.parametrize("password", ["x" * 73, "é" * 37, "x" * 100_000])
async def test_login_with_a_password_longer_than_bcrypt_reads_is_a_400(
    client: httpx.AsyncClient, requester: Account, password: str
) -> None:
    """No account can have it (bcrypt reads 72 bytes): a clear 400, the same for a known
    and an unknown email, never a 500."""
    for email in (requester.email, "nobody@example.test"):
        response = await client.post("/api/login", json={"email": email, "password": password})
        assert_error(response, 400, "FIELD_INVALID", "password")

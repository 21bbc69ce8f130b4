"""Rate limits: per user on the API, per client address and per email on login and
registration; 429 RATE_LIMIT with Retry-After and the IETF draft's RateLimit headers.
Counters in process memory, or in the machine's Redis shared by several app instances."""

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from helpdesk.config import Settings
from helpdesk.main import create_app
from tests.support.accounts import PASSWORD, Account, Accounts
from tests.support.apps import asgi_client
from tests.support.db import count_rows
from tests.support.responses import assert_error

REDIS_URL = "redis://127.0.0.1:6379/0"
AUTH_LIMIT = 3
API_LIMIT = 5


@asynccontextmanager
async def limited_app(settings: Settings, **overrides: Any) -> AsyncIterator[FastAPI]:
    limits = {
        "rate_limit_api_per_minute": API_LIMIT,
        "rate_limit_auth_per_minute": AUTH_LIMIT,
    }
    app = create_app(settings.model_copy(update=limits | overrides))
    try:
        yield app
    finally:
        await app.state.database.close()


def client_for(app: FastAPI, address: str = "10.0.0.1") -> httpx.AsyncClient:
    return asgi_client(app, address)


def quota(response: httpx.Response, policy: str) -> tuple[int, int]:
    """(remaining, seconds to reset) for one policy in the RateLimit header."""
    match = re.search(rf'"{policy}";r=(\d+);t=(\d+)', response.headers["RateLimit"])
    assert match, response.headers["RateLimit"]
    return int(match[1]), int(match[2])


def assert_rate_limited(response: httpx.Response, policy: str) -> None:
    assert_error(response, 429, "RATE_LIMIT")
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert f'"{policy}";q=' in response.headers["RateLimit-Policy"]
    assert quota(response, policy)[0] == 0


async def login(client: httpx.AsyncClient, email: str, password: str = "wrong-password") -> Any:
    return await client.post("/api/login", json={"email": email, "password": password})


# --- login and registration ----------------------------------------------------------------


async def test_login_attempts_per_email_are_limited_from_any_address(
    settings: Settings, requester: Account
) -> None:
    async with limited_app(settings) as app:
        attempts = []
        for n in range(AUTH_LIMIT):
            # Each from its own address, so only the per-email limit can stop them.
            async with client_for(app, f"10.0.1.{n}") as client:
                attempts.append(await login(client, requester.email))
        assert [r.status_code for r in attempts] == [401] * AUTH_LIMIT
        assert [quota(r, "auth-email")[0] for r in attempts] == [2, 1, 0]
        assert attempts[0].headers["RateLimit-Policy"] == (
            f'"auth-address";q={AUTH_LIMIT};w=60, "auth-email";q={AUTH_LIMIT};w=60'
        )

        async with client_for(app, "10.0.1.99") as client:
            # Even the right password: the account is protected for the rest of the window.
            refused = await login(client, requester.email, PASSWORD)
            assert_rate_limited(refused, "auth-email")
            # Another account is not affected.
            other = await login(client, "someone-else@example.test")
            assert_error(other, 401, "INVALID_CREDENTIALS")


async def test_login_attempts_per_address_are_limited_across_emails(
    settings: Settings, requester: Account
) -> None:
    async with limited_app(settings) as app:
        async with client_for(app, "10.0.2.1") as client:
            for n in range(AUTH_LIMIT):
                response = await login(client, f"guess{n}@example.test")
                assert_error(response, 401, "INVALID_CREDENTIALS")
            assert_rate_limited(await login(client, requester.email, PASSWORD), "auth-address")
            # Malformed bodies are counted too (the address is checked before the body).
            assert_rate_limited(await client.post("/api/login", json={}), "auth-address")
        async with client_for(app, "10.0.2.2") as client:
            assert (await login(client, requester.email, PASSWORD)).status_code == 200


async def test_registration_is_limited_and_a_refused_one_creates_nothing(
    settings: Settings, db: asyncpg.Connection
) -> None:
    async with limited_app(settings) as app, client_for(app, "10.0.3.1") as client:
        for n in range(AUTH_LIMIT):
            body = {"name": "N", "email": f"new{n}@example.test", "password": "longenough"}
            assert (await client.post("/api/register", json=body)).status_code == 201
        body = {"name": "N", "email": "one-more@example.test", "password": "longenough"}
        assert_rate_limited(await client.post("/api/register", json=body), "auth-address")
    assert await count_rows(db, "users") == AUTH_LIMIT
    assert (
        await db.fetchval("SELECT count(*) FROM users WHERE email = 'one-more@example.test'") == 0
    )


async def test_password_change_guesses_count_against_the_account(
    settings: Settings, db: asyncpg.Connection, requester: Account
) -> None:
    body = {"current_password": "guess-guess", "new_password": "a-new-passphrase"}
    async with limited_app(settings) as app:
        for n in range(AUTH_LIMIT):
            # Each from its own address, so only the per-account limit can stop them.
            async with client_for(app, f"10.0.4.{n}") as client:
                response = await client.post(
                    "/api/me/password", json=body, headers=requester.headers
                )
                assert_error(response, 400, "FIELD_INVALID", "current_password")
        async with client_for(app, "10.0.4.99") as client:
            response = await client.post("/api/me/password", json=body, headers=requester.headers)
            assert_rate_limited(response, "auth-email")
    assert await db.fetchval("SELECT token_version FROM users WHERE id = $1", requester.id) == 0


async def test_password_change_guesses_count_against_the_address_across_accounts(
    settings: Settings, db: asyncpg.Connection, accounts: Accounts
) -> None:
    """Two accounts must not double an attacker's guesses from one address."""
    first, second = await accounts.create("user"), await accounts.create("user")
    body = {"current_password": "guess-guess", "new_password": "a-new-passphrase"}
    async with limited_app(settings) as app:
        async with client_for(app, "10.0.5.1") as client:
            for n in range(AUTH_LIMIT):
                account = (first, second)[n % 2]
                response = await client.post("/api/me/password", json=body, headers=account.headers)
                assert_error(response, 400, "FIELD_INVALID", "current_password")
            # The right password too: this address is out of attempts for the window.
            right = {"current_password": PASSWORD, "new_password": "a-new-passphrase"}
            response = await client.post("/api/me/password", json=right, headers=second.headers)
            assert_rate_limited(response, "auth-address")
        async with client_for(app, "10.0.5.2") as client:
            response = await client.post("/api/me/password", json=right, headers=second.headers)
            assert response.status_code == 200, response.text
    versions = await db.fetch("SELECT id, token_version FROM users ORDER BY id")
    assert [(row["id"], row["token_version"]) for row in versions] == [
        (first.id, 0),
        (second.id, 1),
    ]


# --- the API, per user ------------------------------------------------------------------------


async def test_api_requests_per_user_are_limited_with_headers_on_every_response(
    settings: Settings, db: asyncpg.Connection, requester: Account, other_user: Account
) -> None:
    async with limited_app(settings) as app, client_for(app) as client:
        remaining = []
        for _ in range(API_LIMIT):
            response = await client.get("/api/tickets", headers=requester.headers)
            assert response.status_code == 200
            assert response.headers["RateLimit-Policy"] == f'"api";q={API_LIMIT};w=60'
            remaining.append(quota(response, "api")[0])
        assert remaining == [4, 3, 2, 1, 0]

        refused = await client.post("/api/tickets", json={"title": "t"}, headers=requester.headers)
        assert_rate_limited(refused, "api")
        assert await count_rows(db, "tickets") == 0
        # Errors of a counted request carry the headers too.
        missing = await client.get("/api/tickets/999", headers=other_user.headers)
        assert_error(missing, 404, "NOT_FOUND")
        assert quota(missing, "api")[0] == API_LIMIT - 1
        # Other users and unauthenticated endpoints are not affected.
        assert (await client.get("/api/tickets", headers=other_user.headers)).status_code == 200
        health = await client.get("/api/health")
        assert health.status_code == 200
        assert "RateLimit" not in health.headers


async def test_a_bad_token_is_not_counted_against_anyone(
    settings: Settings, requester: Account
) -> None:
    async with limited_app(settings) as app, client_for(app) as client:
        for _ in range(API_LIMIT * 2):
            bad = await client.get("/api/tickets", headers={"Authorization": "Bearer nope"})
            assert_error(bad, 401, "UNAUTHORIZED")
        assert (await client.get("/api/tickets", headers=requester.headers)).status_code == 200


async def test_zero_turns_a_limit_off(settings: Settings, requester: Account) -> None:
    async with (
        limited_app(settings, rate_limit_api_per_minute=0, rate_limit_auth_per_minute=0) as app,
        client_for(app) as client,
    ):
        for _ in range(AUTH_LIMIT * 4):
            assert_error(await login(client, requester.email), 401, "INVALID_CREDENTIALS")
        for _ in range(API_LIMIT * 4):
            response = await client.get("/api/me", headers=requester.headers)
            assert response.status_code == 200
            assert "RateLimit" not in response.headers


# --- shared counters in Redis -----------------------------------------------------------------


@pytest.fixture
async def redis_settings(settings: Settings) -> AsyncIterator[Settings]:
    redis_settings = settings.model_copy(update={"redis_url": REDIS_URL})
    async with limited_app(redis_settings) as app:
        await app.state.rate_limiter.storage.reset()  # this project's keys only
        if not await app.state.rate_limiter.storage.check():
            pytest.fail(f"no Redis at {REDIS_URL}: the machine's Redis must be running")
    yield redis_settings
    async with limited_app(redis_settings) as app:
        await app.state.rate_limiter.storage.reset()


async def test_two_app_processes_share_their_counters_through_redis(
    redis_settings: Settings, requester: Account
) -> None:
    """Two app instances (as two API processes): the limit holds across both."""
    async with (
        limited_app(redis_settings) as first,
        limited_app(redis_settings) as second,
        client_for(first) as a,
        client_for(second) as b,
    ):
        statuses = []
        for n in range(API_LIMIT):
            response = await (a, b)[n % 2].get("/api/me", headers=requester.headers)
            statuses.append(response.status_code)
        assert statuses == [200] * API_LIMIT
        assert_rate_limited(await a.get("/api/me", headers=requester.headers), "api")
        assert_rate_limited(await b.get("/api/me", headers=requester.headers), "api")


async def test_login_limit_is_shared_through_redis(
    redis_settings: Settings, requester: Account
) -> None:
    async with (
        limited_app(redis_settings) as first,
        limited_app(redis_settings) as second,
        client_for(first, "10.0.5.1") as a,
        client_for(second, "10.0.5.2") as b,
    ):
        for n in range(AUTH_LIMIT):
            assert (await login((a, b)[n % 2], requester.email)).status_code == 401
        assert_rate_limited(await login(b, requester.email, PASSWORD), "auth-email")


async def test_when_redis_is_down_requests_still_go_through(
    settings: Settings, requester: Account
) -> None:
    """A broken limiter must not take the desk down: fail open (and log it)."""
    down = {"redis_url": "redis://127.0.0.1:1/0"}
    async with limited_app(settings, **down) as app, client_for(app) as client:
        for _ in range(API_LIMIT + 2):
            response = await client.get("/api/me", headers=requester.headers)
            assert response.status_code == 200
            assert "RateLimit" not in response.headers
        assert (await login(client, requester.email, PASSWORD)).status_code == 200

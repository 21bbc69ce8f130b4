"""Test fixtures. Every test runs against a real PostgreSQL: an embedded one started for
the session, or $TEST_DATABASE_URL's (whose schema is dropped and rebuilt). The schema is
built by running the Alembic migrations, and every test starts from empty tables."""

import asyncio
import os
import re
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import bcrypt
import httpx
import jwt
import pytest
from fastapi import FastAPI

from helpdesk import migrate
from helpdesk.auth.tokens import issue_token
from helpdesk.config import Settings, to_asyncpg_url
from helpdesk.db import EmbeddedPostgres
from helpdesk.main import create_app
from tests.support.server import TEST_JWT_SECRET, Server, plain_url

PASSWORD = "Password123"
TABLES = "users, tickets, comments, timeline_logs, idempotency_keys"
# What every ticket in a response carries.
TICKET_FIELDS = {
    "id",
    "title",
    "description",
    "status",
    "priority",
    "requester_id",
    "assignee_id",
    "sla_minutes",
    "due_at",
    "breached",
    "version",
    "created_at",
    "updated_at",
}
ISO_8601_WITH_OFFSET = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
_PASSWORD_HASH = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode()


async def _reset_schema(url: str) -> None:
    connection = await asyncpg.connect(plain_url(url))
    try:
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    given = os.environ.get("TEST_DATABASE_URL")
    if given:
        url = to_asyncpg_url(given)
        asyncio.run(_reset_schema(url))
        asyncio.run(migrate.upgrade(url))
        yield url
        return
    with tempfile.TemporaryDirectory(prefix="helpdesk-test-") as tmp:
        os.chmod(tmp, 0o755)  # noqa: S103 - the embedded server may run as its own system user
        embedded = EmbeddedPostgres(Path(tmp) / "pg")
        url = to_asyncpg_url(embedded.start())
        try:
            asyncio.run(migrate.upgrade(url))
            yield url
        finally:
            embedded.stop()


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=None,
        helpdesk_embedded_database_url=database_url,
        jwt_secret=TEST_JWT_SECRET,
        bcrypt_rounds=4,
        # Off for the suite; tests/test_rate_limits.py turns them on in apps of its own.
        rate_limit_api_per_minute=0,
        rate_limit_auth_per_minute=0,
        redis_url=None,
    )


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    yield application
    await application.state.engine.dispose()


@pytest.fixture(autouse=True)
async def clean_tables(database_url: str) -> None:
    connection = await asyncpg.connect(plain_url(database_url))
    try:
        await connection.execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")
    finally:
        await connection.close()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    """A direct connection, to check what the API stored."""
    connection = await asyncpg.connect(plain_url(database_url))
    yield connection
    await connection.close()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Account:
    id: int
    email: str
    role: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.token)


def claims_for(account: Account, **overrides: Any) -> dict[str, Any]:
    """The claims of a valid token for `account`; an override of None leaves a claim out."""
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": str(account.id),
        "role": account.role,
        "ver": 0,
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "iss": "helpdesk",
        "aud": "helpdesk-api",
    }
    claims.update(overrides)
    return {key: value for key, value in claims.items() if value is not None}


def sign(claims: dict[str, Any], secret: str = TEST_JWT_SECRET, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, secret, algorithm=algorithm)


class Accounts:
    """Creates accounts straight in the database (password `Password123`), with a token."""

    def __init__(self, db: asyncpg.Connection, settings: Settings) -> None:
        self._db = db
        self._settings = settings
        self._count = 0

    async def create(self, role: str = "user", email: str | None = None) -> Account:
        self._count += 1
        email = email or f"{role}{self._count}@example.test"
        user_id = await self._db.fetchval(
            "INSERT INTO users (name, email, password_hash, role) VALUES ($1, $2, $3, $4) "
            "RETURNING id",
            f"{role.title()} {self._count}",
            email,
            _PASSWORD_HASH,
            role,
        )
        token = issue_token(
            user_id=user_id, role=role, token_version=0, settings=self._settings
        ).token
        return Account(id=user_id, email=email, role=role, token=token)


@pytest.fixture
def accounts(db: asyncpg.Connection, settings: Settings) -> Accounts:
    return Accounts(db, settings)


@pytest.fixture
async def admin(accounts: Accounts) -> Account:
    return await accounts.create("admin")


@pytest.fixture
async def agent(accounts: Accounts) -> Account:
    return await accounts.create("agent")


@pytest.fixture
async def other_agent(accounts: Accounts) -> Account:
    return await accounts.create("agent")


@pytest.fixture
async def requester(accounts: Accounts) -> Account:
    return await accounts.create("user")


@pytest.fixture
async def other_user(accounts: Accounts) -> Account:
    return await accounts.create("user")


async def create_ticket(
    client: httpx.AsyncClient, account: Account, **fields: Any
) -> dict[str, Any]:
    body = {"title": "Printer on floor 3 is jammed", **fields}
    response = await client.post("/api/tickets", json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    ticket: dict[str, Any] = response.json()
    return ticket


def assert_error(
    response: httpx.Response, status: int, code: str, field: str | None = None
) -> None:
    """The project's error format, with the expected status, code and field."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["code"] == code, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if field is None:
        assert "field" not in body["error"], body
    else:
        assert body["error"].get("field") == field, body


# --- a real server in its own process, for tests that need real parallel connections ----


@pytest.fixture(scope="session")
def live_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`helpdesk serve` on the test database, for the whole session."""
    server = Server(database_url, tmp_path_factory.mktemp("live-server") / "server.log")
    server.start()
    yield server.base_url
    server.stop()

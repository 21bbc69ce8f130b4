"""Test fixtures. Every test runs against a real PostgreSQL: an embedded one started for
the session, or $TEST_DATABASE_URL's (whose schema is dropped and rebuilt). The schema is
built by running the Alembic migrations, and every test starts from empty tables. The
helpers the tests share live in tests/support/."""

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from helpdesk import migrate
from helpdesk.config import Settings, to_asyncpg_url
from helpdesk.db.embedded import EmbeddedPostgres
from helpdesk.main import create_app
from tests.support.accounts import Account, Accounts
from tests.support.apps import asgi_client
from tests.support.db import reset_tables
from tests.support.server import TEST_JWT_SECRET, Server, plain_url


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


# Set by tests/db/test_pgbouncer.py: the service under test (the in-process app and the
# live server) reaches the database through this PgBouncer, in transaction pooling mode,
# while the tests check what it stored on a direct connection.
PGBOUNCER_URL = os.environ.get("TEST_PGBOUNCER_URL")


def behind_pgbouncer(database_url: str) -> dict[str, str]:
    """The settings a service behind PgBouncer runs with: LISTEN straight to PostgreSQL, no
    statement kept (PgBouncer 1.18, Debian's, has no max_prepared_statements)."""
    return {"DATABASE_LISTEN_URL": plain_url(database_url), "DATABASE_STATEMENT_CACHE_SIZE": "0"}


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    pooled = {} if PGBOUNCER_URL is None else behind_pgbouncer(database_url)
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        # As `make run` serves: development, on this database (demo accounts listed).
        helpdesk_env="development",
        database_url=PGBOUNCER_URL or database_url,
        database_listen_url=pooled.get("DATABASE_LISTEN_URL"),
        database_statement_cache_size=int(pooled.get("DATABASE_STATEMENT_CACHE_SIZE", 100)),
        jwt_secret=TEST_JWT_SECRET,
        bcrypt_rounds=4,
        # Off for the suite; tests/test_rate_limits.py turns them on in apps of its own.
        rate_limit_api_per_minute=0,
        rate_limit_auth_per_minute=0,
        redis_url=None,
        # The tests' webhook receivers listen on 127.0.0.1 (tests/webhooks/test_targets.py
        # checks the refusal in an app of its own).
        webhook_allow_private_targets=True,
    )


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    yield application
    await application.state.database.close()


@pytest.fixture(autouse=True)
async def clean_tables(database_url: str) -> None:
    connection = await asyncpg.connect(plain_url(database_url))
    try:
        await reset_tables(connection)
    finally:
        await connection.close()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(app) as c:
        yield c


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    """A direct connection, to check what the API stored."""
    connection = await asyncpg.connect(plain_url(database_url))
    yield connection
    await connection.close()


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


# --- a real server in its own process, for tests that need real parallel connections ----


@pytest.fixture(scope="session")
def live_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`helpdesk serve` on the test database, for the whole session."""
    server = Server(
        PGBOUNCER_URL or database_url,
        tmp_path_factory.mktemp("live-server") / "server.log",
        env=None if PGBOUNCER_URL is None else behind_pgbouncer(database_url),
    )
    server.start()
    yield server.base_url
    server.stop()

"""Migrations applied to a database that already holds data, as in production."""

from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from helpdesk import migrate
from tests.support.server import plain_url

SCRATCH_DATABASE = "helpdesk_migration_test"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture
async def scratch_url(database_url: str) -> AsyncIterator[str]:
    """An empty database of its own, beside the suite's, dropped afterwards."""
    admin = await asyncpg.connect(plain_url(database_url))
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE} WITH (FORCE)")
        await admin.execute(f"CREATE DATABASE {SCRATCH_DATABASE}")
        yield _with_database(database_url, SCRATCH_DATABASE)
    finally:
        await admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE} WITH (FORCE)")
        await admin.close()


async def _found(conn: asyncpg.Connection, words: str) -> list[int]:
    rows = await conn.fetch(
        "SELECT id FROM tickets WHERE search_vector @@ to_tsquery('english', $1) ORDER BY id",
        words,
    )
    return [row["id"] for row in rows]


async def test_one_search_vector_per_ticket_takes_in_the_existing_comments(
    scratch_url: str,
) -> None:
    await migrate.upgrade(scratch_url, "0002")
    conn = await asyncpg.connect(plain_url(scratch_url))
    try:
        await conn.execute(
            "INSERT INTO users (id, name, email, password_hash, role) "
            "VALUES (1, 'Ann', 'ann@example.com', 'x', 'user')"
        )
        await conn.execute(
            "INSERT INTO tickets (id, title, description, requester_id, sla_minutes, due_at) "
            "VALUES (1, 'Printer jammed', '', 1, 60, now()), (2, 'VPN down', '', 1, 60, now())"
        )
        await conn.execute(
            "INSERT INTO comments (ticket_id, author_id, body) VALUES "
            "(1, 1, 'The toner light blinks'), (1, 1, 'Replaced the drums'), "
            "(2, 1, 'Certificates expired')"
        )

        await migrate.upgrade(scratch_url)

        # Words of the ticket and of each of its comments, alone or together.
        assert await _found(conn, "toner:* & drum:*") == [1]
        assert await _found(conn, "printer:* & certificate:*") == []
        assert await _found(conn, "vpn:* & certificate:*") == [2]
        assert await conn.fetchval("SELECT comment_words FROM tickets WHERE id = 2") == (
            "'certif' 'expir'"
        )
        columns = await conn.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'comments'"
        )
        assert "search_vector" not in {row["column_name"] for row in columns}

        await migrate.downgrade(scratch_url, "0002")

        found = await conn.fetch(
            "SELECT DISTINCT ticket_id FROM comments "
            "WHERE search_vector @@ to_tsquery('english', 'toner:*')"
        )
        assert [row["ticket_id"] for row in found] == [1]
        assert await _found(conn, "toner:*") == []  # the ticket's own text only, as before
    finally:
        await conn.close()

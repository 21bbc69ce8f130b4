"""Migrations applied to a database that already holds data, as in production."""

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column
from sqlalchemy.engine import Connection

from helpdesk import migrate
from helpdesk.db.engine import create_engine
from helpdesk.models import Base
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


async def test_the_support_workflow_migration_backfills_existing_tickets(
    scratch_url: str,
) -> None:
    """0004 on tickets written before it: first response from the earliest staff comment,
    resolved_at from the timeline (else the last update), the default first-response
    targets; the resolution due dates kept. Down again: the waiting statuses open with the
    time they had left, and internal notes go rather than become public."""
    await migrate.upgrade(scratch_url, "0003")
    conn = await asyncpg.connect(plain_url(scratch_url))
    try:
        await conn.execute(
            "INSERT INTO users (id, name, email, password_hash, role) VALUES "
            "(1, 'Ann', 'ann@example.com', 'x', 'user'), "
            "(2, 'Bob', 'bob@example.com', 'x', 'agent')"
        )
        await conn.execute(
            "INSERT INTO tickets (id, title, requester_id, priority, status, sla_minutes, "
            "due_at, created_at, updated_at) VALUES "
            "(1, 'Open', 1, 'urgent', 'open', 60, "
            " '2026-01-01 10:00Z'::timestamptz + interval '60 min', '2026-01-01 10:00Z', "
            " '2026-01-01 10:00Z'), "
            "(2, 'Resolved', 1, 'high', 'resolved', 240, "
            " '2026-01-01 10:00Z'::timestamptz + interval '240 min', '2026-01-01 10:00Z', "
            " '2026-01-03 00:00Z'), "
            "(3, 'Closed', 1, 'low', 'closed', 4320, "
            " '2026-01-01 10:00Z'::timestamptz + interval '4320 min', '2026-01-01 10:00Z', "
            " '2026-01-02 00:00Z')"
        )
        await conn.execute(
            "INSERT INTO comments (ticket_id, author_id, body, created_at) VALUES "
            "(1, 1, 'More detail', '2026-01-01 10:02Z'), "
            "(1, 2, 'On it', '2026-01-01 10:05Z'), "
            "(1, 2, 'Still on it', '2026-01-01 10:09Z')"
        )
        await conn.execute(
            "INSERT INTO timeline_logs (ticket_id, actor_id, action, meta, created_at) VALUES "
            "(2, 2, 'ticket.updated', "
            """ '{"changes": {"status": {"old": "open", "new": "resolved"}}}', """
            " '2026-01-01 12:00Z'), "
            "(2, 2, 'ticket.updated', "
            """ '{"changes": {"title": {"old": "a", "new": "b"}}}', '2026-01-02 12:00Z')"""
        )

        await migrate.upgrade(scratch_url)

        rows = {
            row["id"]: dict(row)
            for row in await conn.fetch(
                "SELECT id, first_response_minutes, "
                "extract(epoch FROM first_response_due_at - created_at) / 60 AS first_due, "
                "extract(epoch FROM due_at - created_at) / 60 AS due, first_responded_at, "
                "resolved_at, sla_started_at, extract(epoch FROM sla_remaining) / 60 AS left, "
                "breach_at IS NOT NULL AS can_breach FROM tickets"
            )
        }
        opened, resolved, closed = rows[1], rows[2], rows[3]
        assert (opened["first_response_minutes"], opened["first_due"], opened["due"]) == (
            15,
            15,
            60,
        )
        assert str(opened["first_responded_at"]) == "2026-01-01 10:05:00+00:00"
        assert opened["resolved_at"] is None
        assert str(opened["sla_started_at"]) == "2026-01-01 10:00:00+00:00"
        assert (opened["left"], opened["can_breach"]) == (60, True)
        # Resolved at 12:00 (its timeline), due at 14:00: in time, for ever.
        assert str(resolved["resolved_at"]) == "2026-01-01 12:00:00+00:00"
        assert (resolved["left"], resolved["can_breach"], resolved["sla_started_at"]) == (
            120,
            False,
            None,
        )
        assert (resolved["first_response_minutes"], resolved["first_responded_at"]) == (60, None)
        # Closed with no timeline: its last update.
        assert str(closed["resolved_at"]) == "2026-01-02 00:00:00+00:00"
        assert closed["can_breach"] is False
        policies = await conn.fetch("SELECT priority FROM sla_policies ORDER BY priority")
        assert [row["priority"] for row in policies] == ["high", "low", "medium", "urgent"]
        assert await conn.fetchval("SELECT timezone FROM business_hours") == "UTC"

        # After the upgrade: a waiting ticket and an internal note.
        await conn.execute(
            "UPDATE tickets SET status = 'pending', due_at = NULL, sla_started_at = NULL, "
            "sla_remaining = interval '25 min' WHERE id = 1"
        )
        await conn.execute(
            "INSERT INTO comments (ticket_id, author_id, body, internal) "
            "VALUES (1, 2, 'Secret', true)"
        )

        await migrate.downgrade(scratch_url, "0003")

        waiting = await conn.fetchrow(
            "SELECT status, extract(epoch FROM due_at - now()) / 60 AS left FROM tickets "
            "WHERE id = 1"
        )
        assert waiting["status"] == "open"
        assert float(waiting["left"]) == pytest.approx(25, abs=0.1)  # from the downgrade's now
        bodies = await conn.fetch("SELECT body FROM comments ORDER BY id")
        assert [row["body"] for row in bodies] == ["More detail", "On it", "Still on it"]

        await migrate.upgrade(scratch_url)  # and up again
    finally:
        await conn.close()


def _schema_differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _is_expression_index_pair(difference: Any) -> bool:
    """Alembic cannot compare an index on an expression: PostgreSQL stores the expression
    rewritten (casts added), so it reports one removed and one added. Those are compared
    by PostgreSQL itself below."""
    return (
        isinstance(difference, tuple)
        and difference[0] in ("add_index", "remove_index")
        and any(not isinstance(part, Column) for part in difference[1].expressions)
    )


async def _index_definitions(url: str) -> dict[str, str]:
    conn = await asyncpg.connect(plain_url(url))
    try:
        rows = await conn.fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
            "AND tablename <> 'alembic_version'"
        )
    finally:
        await conn.close()
    return {row["indexname"]: row["indexdef"] for row in rows}


async def test_the_models_and_the_migrations_describe_the_same_schema(
    database_url: str, scratch_url: str
) -> None:
    """What Alembic's autogenerate would write against a freshly migrated database: nothing.
    A model changed without its migration (or a migration without its model) fails here.
    Every index, expressions included, is also compared as PostgreSQL itself writes it, on
    a database built from the models alone."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            found = await connection.run_sync(_schema_differences)
    finally:
        await engine.dispose()
    found = [difference for difference in found if not _is_expression_index_pair(difference)]
    assert found == [], "\n".join(map(repr, found))

    scratch = create_engine(scratch_url)
    try:
        async with scratch.begin() as connection:
            await connection.run_sync(Base.metadata.create_all)
    finally:
        await scratch.dispose()
    assert await _index_definitions(database_url) == await _index_definitions(scratch_url)

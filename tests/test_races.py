"""Races, with real parallel requests against a running server process: the If-Match
check and the Idempotency-Key claim must hold when requests arrive together."""

import asyncio

import asyncpg
import httpx

from tests.support.accounts import Account
from tests.support.db import count_rows
from tests.support.responses import assert_error

PARALLEL = 20


def _client(base_url: str) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=PARALLEL, max_keepalive_connections=PARALLEL)
    return httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30)


async def test_of_concurrent_updates_with_one_version_exactly_one_wins(
    live_server: str, admin: Account, db: asyncpg.Connection
) -> None:
    async with _client(live_server) as http:
        created = await http.post("/api/tickets", json={"title": "race"}, headers=admin.headers)
        ticket_id = created.json()["id"]

        responses = await asyncio.gather(
            *(
                http.patch(
                    f"/api/tickets/{ticket_id}",
                    json={"title": f"writer {n}"},
                    headers={**admin.headers, "If-Match": '"1"'},
                )
                for n in range(PARALLEL)
            )
        )

    winners = [r for r in responses if r.status_code == 200]
    losers = [r for r in responses if r.status_code != 200]
    assert len(winners) == 1
    assert len(losers) == PARALLEL - 1
    for response in losers:
        assert_error(response, 409, "OPTIMISTIC_LOCK")
    row = await db.fetchrow("SELECT title, version FROM tickets WHERE id = $1", ticket_id)
    assert row["version"] == 2
    assert row["title"] == winners[0].json()["title"]
    updates = await db.fetchval(
        "SELECT count(*) FROM timeline_logs WHERE ticket_id = $1 AND action = 'ticket.updated'",
        ticket_id,
    )
    assert updates == 1


async def test_concurrent_creations_with_one_key_create_one_ticket(
    live_server: str, requester: Account, db: asyncpg.Connection
) -> None:
    headers = {**requester.headers, "Idempotency-Key": "order-42"}
    body = {"title": "Screen flickers", "description": "since this morning"}
    async with _client(live_server) as http:
        responses = await asyncio.gather(
            *(http.post("/api/tickets", json=body, headers=headers) for _ in range(PARALLEL))
        )

    statuses = {r.status_code for r in responses}
    # Every request either got the one ticket (first or replayed) or was told to retry.
    assert statuses <= {201, 409}, statuses
    created = [r for r in responses if r.status_code == 201]
    assert created
    assert len({r.json()["id"] for r in created}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") != "true" for r in created) == 1
    for response in responses:
        if response.status_code == 409:
            assert_error(response, 409, "IDEMPOTENCY_IN_PROGRESS", "Idempotency-Key")
    assert await count_rows(db, "tickets") == 1
    assert await count_rows(db, "timeline_logs") == 1


async def test_concurrent_registrations_with_one_email_create_one_account(
    live_server: str, db: asyncpg.Connection
) -> None:
    async with _client(live_server) as http:
        responses = await asyncio.gather(
            *(
                http.post(
                    "/api/register",
                    json={"name": "Twin", "email": "Twin@Example.test", "password": "x" * 12},
                )
                for _ in range(10)
            )
        )
    assert sorted(r.status_code for r in responses) == [201] + [409] * 9
    for response in responses:
        if response.status_code == 409:
            assert_error(response, 409, "EMAIL_TAKEN", "email")
    assert await db.fetchval("SELECT count(*) FROM users WHERE email = 'twin@example.test'") == 1

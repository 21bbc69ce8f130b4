"""A crash in the middle of a burst of ticket creations: the server is SIGKILLed while
requests carrying Idempotency-Keys are in flight, restarted, and every request is retried
with its key. Each ticket must exist exactly once, with its timeline entry, and nothing may
be half-written: a ticket, its timeline entry and its idempotency record commit together."""

import asyncio
import json
import os
import signal
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx

from tests.support.accounts import Account
from tests.support.db import count_rows
from tests.support.faults import Servers

REQUESTS = 200
PARALLEL = 16  # under the server's pool (10 + 10 overflow): no request waits for a slot
KILL_AFTER = 60  # acknowledged creations


def _key(n: int) -> str:
    return f"crash-{n:03d}"


def _body(key: str) -> dict[str, str]:
    return {"title": f"Crash test {key}", "description": f"sent with {key}", "priority": "high"}


@dataclass
class Burst:
    acknowledged: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> 201 body
    failed: dict[str, str] = field(default_factory=dict)  # key -> what the client saw


async def _burst_then_kill(base_url: str, account: Account, pid: int) -> Burst:
    burst = Burst()
    slots = asyncio.Semaphore(PARALLEL)
    limits = httpx.Limits(max_connections=PARALLEL, max_keepalive_connections=PARALLEL)

    async def create(http: httpx.AsyncClient, key: str) -> None:
        async with slots:
            try:
                response = await http.post(
                    "/api/tickets",
                    json=_body(key),
                    headers={**account.headers, "Idempotency-Key": key},
                )
            except httpx.TransportError as error:
                burst.failed[key] = type(error).__name__
                return
        if response.status_code != 201:
            burst.failed[key] = f"{response.status_code} {response.text}"
            return
        burst.acknowledged[key] = response.json()
        if len(burst.acknowledged) == KILL_AFTER:
            os.kill(pid, signal.SIGKILL)  # no await since the 201: others are mid-flight

    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as http:
        await asyncio.gather(*(create(http, _key(n)) for n in range(REQUESTS)))
    return burst


async def _retry_all(base_url: str, account: Account) -> dict[str, httpx.Response]:
    slots = asyncio.Semaphore(PARALLEL)
    limits = httpx.Limits(max_connections=PARALLEL, max_keepalive_connections=PARALLEL)

    async def retry(http: httpx.AsyncClient, key: str) -> tuple[str, httpx.Response]:
        async with slots:
            response = await http.post(
                "/api/tickets",
                json=_body(key),
                headers={**account.headers, "Idempotency-Key": key},
            )
            return key, response

    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as http:
        return dict(await asyncio.gather(*(retry(http, _key(n)) for n in range(REQUESTS))))


async def _stored(db: asyncpg.Connection, account: Account) -> dict[str, int]:
    """Key -> ticket id of everything stored, after checking, in one snapshot, that every
    ticket is whole: one per key, its one 'ticket.created' entry, its idempotency record
    holding the finished 201 response that names it."""
    async with db.transaction(isolation="repeatable_read", readonly=True):
        tickets = await db.fetch(
            "SELECT t.id, t.title, t.requester_id, "
            "array(SELECT action FROM timeline_logs l WHERE l.ticket_id = t.id) AS actions "
            "FROM tickets t"
        )
        records = await db.fetch(
            "SELECT user_id, key, status_code, response_body FROM idempotency_keys"
        )
    by_key: dict[str, int] = {}
    for ticket in tickets:
        key = ticket["title"].removeprefix("Crash test ")
        assert key not in by_key, f"two tickets for {key}"
        by_key[key] = ticket["id"]
        assert ticket["requester_id"] == account.id
        assert ticket["actions"] == ["ticket.created"], dict(ticket)
    assert len(records) == len(by_key), "an idempotency record without its ticket, or back"
    for record in records:
        assert record["user_id"] == account.id
        assert record["status_code"] == 201, dict(record)
        assert json.loads(record["response_body"])["id"] == by_key[record["key"]]
    return by_key


async def test_a_crash_mid_burst_loses_no_acknowledged_ticket_and_duplicates_none(
    database_url: str, servers: Servers, requester: Account, db: asyncpg.Connection
) -> None:
    server = servers.start(database_url)
    burst = await _burst_then_kill(server.base_url, requester, server.pid)
    assert await asyncio.to_thread(server.process.wait, 30) == -signal.SIGKILL
    assert len(burst.acknowledged) >= KILL_AFTER
    assert len(burst.acknowledged) + len(burst.failed) == REQUESTS
    # Before the kill every answer was a 201; after it, the client saw the connection go.
    assert all(not outcome[0].isdigit() for outcome in burst.failed.values()), burst.failed
    seen = Counter(burst.failed.values())
    # Some were sent and cut off mid-flight; the rest found no server to connect to.
    assert sum(count for kind, count in seen.items() if kind != "ConnectError") >= 1, seen

    # Every acknowledged ticket survived the crash, whole; nothing stored is half-written.
    after_crash = await _stored(db, requester)
    for key, body in burst.acknowledged.items():
        assert after_crash.get(key) == body["id"], key
    unacknowledged_but_stored = len(after_crash) - len(burst.acknowledged)

    restarted = servers.start(database_url)
    retries = await _retry_all(restarted.base_url, requester)
    replayed = 0
    for key, response in retries.items():
        assert response.status_code == 201, f"{key}: {response.status_code} {response.text}"
        ticket = response.json()
        assert ticket["title"] == f"Crash test {key}"
        if key in after_crash:  # stored before the crash: the retry answers the stored 201
            assert response.headers.get("Idempotent-Replayed") == "true", key
            assert ticket["id"] == after_crash[key]
            replayed += 1
        else:
            assert "Idempotent-Replayed" not in response.headers, key
        if key in burst.acknowledged:
            assert ticket == burst.acknowledged[key]

    stored = await _stored(db, requester)
    assert sorted(stored) == sorted(_key(n) for n in range(REQUESTS))
    assert all(stored[key] == retries[key].json()["id"] for key in stored)
    assert await count_rows(db, "tickets") == REQUESTS
    assert await count_rows(db, "timeline_logs") == REQUESTS
    print(
        f"\ncrash: {len(burst.acknowledged)} of {REQUESTS} creations acknowledged "
        f"(SIGKILL at the {KILL_AFTER}th), {unacknowledged_but_stored} more stored but "
        f"unacknowledged, {len(burst.failed)} failed at the client ({dict(seen)}); "
        f"after restart {REQUESTS} retries: {replayed} replayed, {REQUESTS - replayed} "
        f"created; {len(stored)} tickets checked"
    )

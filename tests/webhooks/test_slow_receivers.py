"""Receivers that answer slowly or at length, against a real `helpdesk worker`: an attempt
has one deadline from connect to the answer's last byte read, no transaction stays open
while a receiver is waited on, a slow endpoint does not hold back the others, and an
answer's body is read no further than its first bytes."""

import asyncio
import time
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import asyncpg
import httpx
import pytest

from helpdesk.events.retry import MAX_ERROR_LENGTH
from helpdesk.webhooks.attempt import TIMEOUT_SECONDS
from helpdesk.webhooks.delivery import DELIVERIES_PER_ENDPOINT
from helpdesk.worker import DELIVERIES_AT_ONCE
from tests.support.accounts import Account
from tests.support.db import IDLE_IN_TRANSACTION
from tests.support.receiver import Receiver, receiver
from tests.support.server import WorkerProcess
from tests.support.tickets import create_ticket
from tests.support.webhooks import WEBHOOKS, register, resident_bytes

TRICKLE_SECONDS = 5  # a byte of the body this often: each read comes well within the deadline
HUGE_BODY = 100 * 1024 * 1024
MEMORY_ALLOWANCE = 50 * 1024 * 1024


async def deliveries(client: httpx.AsyncClient, admin: Account, hook_id: int) -> list[Any]:
    listing = await client.get(f"{WEBHOOKS}/{hook_id}/deliveries", headers=admin.headers)
    assert listing.status_code == 200, listing.text
    items: list[Any] = listing.json()["items"]
    return items


@pytest.fixture
def slow() -> Iterator[Receiver]:
    with receiver() as running:
        running.trickle_seconds = TRICKLE_SECONDS
        yield running


@pytest.mark.usefixtures("worker")
async def test_a_trickling_receiver_holds_no_transaction_and_no_other_endpoint(
    client: httpx.AsyncClient,
    admin: Account,
    requester: Account,
    db: asyncpg.Connection,
    slow: Receiver,
    hook_receiver: Receiver,
) -> None:
    slow_hook = await register(client, admin, slow.url, ["ticket.created"])
    await register(client, admin, hook_receiver.url, ["ticket.created"])
    # As many deliveries to the slow endpoint as the worker has senders.
    for _ in range(DELIVERIES_AT_ONCE):
        await create_ticket(client, requester)
    hook_receiver.wait_for(DELIVERIES_AT_ONCE, seconds=10)
    slow.wait_for(1)
    await asyncio.sleep(0.5)

    # While the slow endpoint trickles, another endpoint's new delivery comes at once.
    sent = time.monotonic()
    await create_ticket(client, requester)
    hook_receiver.wait_for(DELIVERIES_AT_ONCE + 1, seconds=3)
    assert time.monotonic() - sent < 3
    assert len(slow.received) <= DELIVERIES_PER_ENDPOINT
    assert await db.fetchval(IDLE_IN_TRANSACTION) == 0

    # The slow attempt ends at the deadline, with the body still coming: a failure, retried.
    for _ in range(300):
        tried = [d for d in await deliveries(client, admin, slow_hook["id"]) if d["attempts"]]
        if tried:
            break
        await asyncio.sleep(0.05)
    [first] = tried[:1]
    took = time.time() - slow.received[0].received_at
    assert TIMEOUT_SECONDS - 0.5 < took < TIMEOUT_SECONDS + 3
    assert first["state"] == "pending"
    assert first["last_status_code"] is None
    assert first["last_error"] == f"no complete answer within {TIMEOUT_SECONDS} s"
    assert first["next_attempt_at"] is not None


async def test_an_endpoint_is_deleted_at_once_while_a_delivery_to_it_is_in_flight(
    client: httpx.AsyncClient,
    admin: Account,
    requester: Account,
    db: asyncpg.Connection,
    slow: Receiver,
    worker: WorkerProcess,
) -> None:
    hook = await register(client, admin, slow.url, ["ticket.created"])
    await create_ticket(client, requester)
    slow.wait_for(1)

    started = time.monotonic()
    response = await client.delete(f"{WEBHOOKS}/{hook['id']}", headers=admin.headers)
    assert response.status_code == 204, response.text
    assert time.monotonic() - started < 1
    assert await db.fetchval("SELECT count(*) FROM webhooks") == 0
    assert await db.fetchval("SELECT count(*) FROM webhook_deliveries") == 0

    # The attempt ends with nothing left to record; the worker goes on delivering.
    await asyncio.sleep(TIMEOUT_SECONDS + 1)
    with receiver() as healthy:
        await register(client, admin, healthy.url, ["ticket.created"])
        await create_ticket(client, requester)
        healthy.wait_for(1, seconds=5)
    # Checked once a later delivery came: a worker that died would have logged nothing.
    assert "failed; trying again" not in worker.log()
    assert await db.fetchval("SELECT count(*) FROM webhook_deliveries") == 1


@pytest.mark.usefixtures("worker")
async def test_huge_answers_are_read_no_further_than_their_first_bytes(
    client: httpx.AsyncClient,
    admin: Account,
    requester: Account,
    db: asyncpg.Connection,
    worker: WorkerProcess,
) -> None:
    with ExitStack() as stack:
        receivers = [stack.enter_context(receiver()) for _ in range(4)]
        for huge in receivers:
            huge.answer = lambda _: 500
            huge.body_bytes = HUGE_BODY
            await register(client, admin, huge.url, ["ticket.created"])
        assert worker.process is not None
        before = resident_bytes(worker.process.pid)
        peak = before
        await create_ticket(client, requester)

        for _ in range(1200):
            peak = max(peak, resident_bytes(worker.process.pid))
            errors = await db.fetch("SELECT last_error FROM webhook_deliveries WHERE attempts > 0")
            if len(errors) == len(receivers):
                break
            await asyncio.sleep(0.025)
        assert len(errors) == len(receivers)
    assert peak - before < MEMORY_ALLOWANCE, f"{(peak - before) / 2**20:.0f} MiB more"
    for row in errors:
        assert row["last_error"] == "HTTP 500: " + "x" * (MAX_ERROR_LENGTH - len("HTTP 500: "))

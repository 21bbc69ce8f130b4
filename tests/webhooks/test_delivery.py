"""Webhooks delivered by a real `helpdesk worker` process to a real HTTP receiver in the
test: every event of a session, signed as Standard Webhooks says, in order, retried until
the receiver answers, never to a redirect's target; SLA breaches announced once."""

import asyncio
import base64
import hashlib
import hmac
import json
from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.accounts import Account
from tests.support.receiver import Received, Receiver, receiver
from tests.support.tickets import add_comment, change_ticket, create_ticket, post_comment
from tests.support.webhooks import WEBHOOKS, register


def verify(secret: str, message: Received) -> bool:
    """A receiver's check, as the README shows it."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = (
        f"{message.headers['webhook-id']}.{message.headers['webhook-timestamp']}.".encode()
        + message.body
    )
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(
        hmac.compare_digest(f"v1,{expected}", part)
        for part in message.headers["webhook-signature"].split(" ")
    )


def events_of(messages: list[Received]) -> list[dict[str, Any]]:
    return [json.loads(message.body) for message in messages]


@pytest.mark.usefixtures("worker")
async def test_every_event_of_a_session_is_delivered_signed_and_in_order(
    client: httpx.AsyncClient,
    admin: Account,
    agent: Account,
    requester: Account,
    hook_receiver: Receiver,
) -> None:
    hook = await register(client, admin, hook_receiver.url)
    assert hook["secret"].startswith("whsec_")
    assert len(base64.b64decode(hook["secret"].removeprefix("whsec_"))) == 32

    ticket = await create_ticket(client, requester)
    await change_ticket(client, agent, ticket["id"], {"assignee_id": agent.id})
    await add_comment(client, agent, ticket["id"], "On it")
    note = await post_comment(client, agent, ticket["id"], {"body": "VIP", "internal": True})
    assert note.status_code == 201
    await change_ticket(client, agent, ticket["id"], {"status": "resolved"})

    messages = hook_receiver.wait_for(5)
    events = events_of(messages)
    assert [e["type"] for e in events] == [
        "ticket.created",
        "ticket.updated",
        "comment.created",
        "comment.created",
        "ticket.updated",
    ]
    assert all(set(e) == {"id", "type", "created_at", "data"} for e in events)
    assert all(e["data"]["ticket"]["id"] == ticket["id"] for e in events)
    assert events[1]["data"]["changes"]["assignee_id"] == {"old": None, "new": agent.id}
    assert events[2]["data"]["comment"]["internal"] is False
    assert events[3]["data"]["comment"]["internal"] is True
    assert events[4]["data"]["ticket"]["status"] == "resolved"
    assert "allowed_fields" not in events[0]["data"]["ticket"]
    for message, event in zip(messages, events, strict=True):
        assert message.headers["webhook-id"] == event["id"]
        assert message.headers["content-type"] == "application/json"
        assert verify(hook["secret"], message)
        assert not verify("whsec_" + base64.b64encode(b"x" * 32).decode(), message)
    ids = [e["id"] for e in events]
    assert len(set(ids)) == 5

    # The receiver has answered; the worker records it as its transaction ends.
    for _ in range(100):
        listing = await client.get(f"{WEBHOOKS}/{hook['id']}/deliveries", headers=admin.headers)
        assert listing.status_code == 200, listing.text
        deliveries = listing.json()["items"]
        if all(d["state"] == "delivered" for d in deliveries):
            break
        await asyncio.sleep(0.05)
    assert {d["event_id"] for d in deliveries} == set(ids)
    assert all(d["state"] == "delivered" and d["attempts"] == 1 for d in deliveries)
    assert all(d["last_status_code"] == 200 for d in deliveries)


@pytest.mark.usefixtures("worker")
async def test_a_receiver_down_for_a_while_gets_every_event_with_the_same_ids(
    client: httpx.AsyncClient,
    admin: Account,
    requester: Account,
    hook_receiver: Receiver,
) -> None:
    hook_receiver.answer = lambda count: 503 if count < 2 else 204
    await register(client, admin, hook_receiver.url, ["ticket.created"])
    first = await create_ticket(client, requester)
    second = await create_ticket(client, requester)

    # The first event's two failures hold the second back (in order per ticket only:
    # these are two tickets, so the second may pass first), then both arrive.
    messages = hook_receiver.wait_for(4, seconds=60)
    delivered = [
        m for m, status in zip(messages, (503, 503, 204, 204), strict=True) if status < 300
    ]
    assert {json.loads(m.body)["data"]["ticket"]["id"] for m in delivered} == {
        first["id"],
        second["id"],
    }
    retried = [m.headers["webhook-id"] for m in messages]
    assert len(set(retried)) == 2  # every attempt of an event carries its id


@pytest.mark.usefixtures("worker")
async def test_a_redirect_is_not_followed(
    client: httpx.AsyncClient,
    admin: Account,
    requester: Account,
    db: asyncpg.Connection,
) -> None:
    with receiver() as target, receiver() as redirecting:
        redirecting.redirect_to = target.url
        hook = await register(client, admin, redirecting.url, ["ticket.created"])
        await create_ticket(client, requester)
        redirecting.wait_for(1)
        for _ in range(50):
            row = await db.fetchrow(
                "SELECT state, attempts, last_status_code FROM webhook_deliveries "
                "WHERE webhook_id = $1",
                hook["id"],
            )
            if row is not None and row["attempts"] == 1:
                break
            await asyncio.sleep(0.05)
        assert row is not None
        assert (row["state"], row["last_status_code"]) == ("pending", 302)
        assert target.received == []


@pytest.mark.usefixtures("worker")
async def test_a_breach_is_announced_once_with_its_timeline_entry(
    client: httpx.AsyncClient,
    admin: Account,
    requester: Account,
    db: asyncpg.Connection,
    hook_receiver: Receiver,
) -> None:
    await register(client, admin, hook_receiver.url, ["ticket.sla_breached"])
    ticket = await create_ticket(client, requester, priority="urgent")
    late = await change_ticket(client, admin, ticket["id"], {"sla_minutes": 0})
    assert late["breached"] is True

    # The first response (15 minutes) is not due: one breach, the resolution's.
    [message] = hook_receiver.wait_for(1, seconds=30)
    event = json.loads(message.body)
    assert event["type"] == "ticket.sla_breached"
    assert event["data"]["target"] == "resolution"
    assert event["data"]["ticket"]["id"] == ticket["id"]
    entries = await db.fetch(
        "SELECT actor_id, meta FROM timeline_logs WHERE ticket_id = $1 AND action = 'sla.breached'",
        ticket["id"],
    )
    assert [(e["actor_id"], json.loads(e["meta"])["target"]) for e in entries] == [
        (None, "resolution")
    ]
    detail = await client.get(f"/api/tickets/{ticket['id']}", headers=admin.headers)
    assert detail.json()["timeline"][-1]["actor"] is None
    # Once: the worker looks again every 10 s. Another ticket's breach, announced by a
    # later look, proves that look found nothing more of the first.
    marker = await create_ticket(client, requester, priority="urgent")
    await change_ticket(client, admin, marker["id"], {"sla_minutes": 0})
    received = hook_receiver.wait_for(2, seconds=30)
    assert [json.loads(m.body)["data"]["ticket"]["id"] for m in received] == [
        ticket["id"],
        marker["id"],
    ]
    breaches = await db.fetch(
        "SELECT ticket_id, count(*) FROM timeline_logs WHERE action = 'sla.breached' "
        "GROUP BY ticket_id ORDER BY ticket_id"
    )
    assert [tuple(row) for row in breaches] == [(ticket["id"], 1), (marker["id"], 1)]
    announced = await db.fetchval("SELECT count(*) FROM events WHERE type = 'ticket.sla_breached'")
    assert announced == 2


@pytest.mark.usefixtures("worker")
async def test_a_pause_is_delivered_to_a_webhook_that_asks_for_it(
    client: httpx.AsyncClient,
    admin: Account,
    requester: Account,
    hook_receiver: Receiver,
) -> None:
    await register(client, admin, hook_receiver.url, ["ticket.sla_paused"])
    ticket = await create_ticket(client, requester, priority="urgent")
    paused = await change_ticket(client, admin, ticket["id"], {"status": "pending"})

    [message] = hook_receiver.wait_for(1, seconds=30)
    event = json.loads(message.body)
    assert event["type"] == "ticket.sla_paused"
    assert event["data"]["ticket"]["version"] == paused["version"]
    assert event["data"]["resolution_minutes_left"] == 60
    assert event["data"]["actor"] == admin.person

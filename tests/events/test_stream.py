"""The live stream over a real server process (`live_server`), fed by writes through
another process (the suite's in-process app): each caller gets what they may see, within a
second, as SSE messages; a short-lived token opens it for EventSource."""

import time
from pathlib import Path

import httpx
import pytest

from tests.support.accounts import Account
from tests.support.responses import assert_error
from tests.support.server import WorkerProcess
from tests.support.sse import Stream, is_event
from tests.support.tickets import add_comment, change_ticket, create_ticket, post_comment

STREAM = "/api/events/stream"


async def test_an_event_reaches_a_stream_of_another_process_within_a_second(
    client: httpx.AsyncClient, live_server: str, agent: Account, requester: Account
) -> None:
    async with Stream(live_server, headers=agent.headers) as stream:
        assert stream.status == 200
        written = time.monotonic()
        ticket = await create_ticket(client, requester)
        [message] = await stream.wait_for(1, seconds=5)
        arrived = time.monotonic() - written
    assert arrived < 1.0, arrived
    assert message.event == "ticket.created"
    assert message.data is not None
    assert message.id == message.data["id"]
    assert message.id is not None and message.id.startswith("evt_")
    assert message.data["type"] == "ticket.created"
    assert message.data["data"]["ticket"]["id"] == ticket["id"]


async def test_a_requester_gets_only_their_own_tickets_and_no_internal_note(
    client: httpx.AsyncClient,
    live_server: str,
    agent: Account,
    requester: Account,
    other_user: Account,
) -> None:
    async with (
        Stream(live_server, headers=requester.headers) as mine,
        Stream(live_server, headers=agent.headers) as staff,
    ):
        own = await create_ticket(client, requester)
        await create_ticket(client, other_user)
        note = await post_comment(client, agent, own["id"], {"body": "VIP", "internal": True})
        assert note.status_code == 201
        await add_comment(client, agent, own["id"], "We are on it")
        everything = await staff.wait_for(4)
        marker = await add_comment(client, requester, own["id"], "Thanks")
        # Anything the requester should not get was committed before their own comment.
        seen = await mine.events_before(is_event("comment.created", "comment", marker))
    assert [m.event for m in everything] == [
        "ticket.created",
        "ticket.created",
        "comment.created",
        "comment.created",
    ]
    assert [m.event for m in seen] == ["ticket.created", "comment.created"]
    assert all(m.data and m.data["data"]["ticket"]["id"] == own["id"] for m in seen)
    assert seen[1].data and seen[1].data["data"]["comment"]["internal"] is False


async def test_a_requester_gets_no_sla_breach(
    client: httpx.AsyncClient,
    live_server: str,
    admin: Account,
    agent: Account,
    requester: Account,
    database_url: str,
    tmp_path: Path,
) -> None:
    """A breach is the SLA's bookkeeping, which a requester's history leaves out: staff
    get it, the requester gets the ticket's changes only."""
    async with (
        Stream(live_server, headers=requester.headers) as mine,
        Stream(live_server, headers=agent.headers) as staff,
    ):
        ticket = await create_ticket(client, requester, priority="urgent")
        await change_ticket(client, admin, ticket["id"], {"sla_minutes": 0})
        with WorkerProcess(database_url, tmp_path / "worker.log"):
            everything = await staff.wait_for(3, seconds=30)
        marker = await add_comment(client, requester, ticket["id"], "Any news?")
        # The breach was committed before the requester's own comment.
        seen = await mine.events_before(is_event("comment.created", "comment", marker))
    assert [m.event for m in everything] == [
        "ticket.created",
        "ticket.updated",
        "ticket.sla_breached",
    ]
    assert [m.event for m in seen] == ["ticket.created", "ticket.updated"]


async def test_a_requester_gets_no_sla_pause_nor_resumption(
    client: httpx.AsyncClient, live_server: str, agent: Account, requester: Account
) -> None:
    """The clocks' pause and resumption are the SLA's bookkeeping too: staff get them, the
    requester gets the ticket's changes only."""
    async with (
        Stream(live_server, headers=requester.headers) as mine,
        Stream(live_server, headers=agent.headers) as staff,
    ):
        ticket = await create_ticket(client, requester)
        await change_ticket(client, agent, ticket["id"], {"assignee_id": agent.id})
        await change_ticket(client, agent, ticket["id"], {"status": "pending"})
        await change_ticket(client, agent, ticket["id"], {"status": "in_progress"})
        everything = await staff.wait_for(6)
        marker = await add_comment(client, requester, ticket["id"], "Any news?")
        # The pause and the resumption were committed before the requester's own comment.
        seen = await mine.events_before(is_event("comment.created", "comment", marker))
    assert [m.event for m in everything] == [
        "ticket.created",
        "ticket.updated",
        "ticket.updated",
        "ticket.sla_paused",
        "ticket.updated",
        "ticket.sla_resumed",
    ]
    assert [m.event for m in seen] == ["ticket.created", *["ticket.updated"] * 3]


async def test_a_stream_token_opens_the_stream_and_nothing_else(
    client: httpx.AsyncClient, live_server: str, agent: Account, requester: Account
) -> None:
    response = await client.post("/api/events/stream-token", headers=agent.headers)
    assert response.status_code == 200, response.text
    token = response.json()["token"]
    assert response.json()["expires_at"].endswith("Z")
    async with Stream(live_server, params={"token": token}) as stream:
        assert stream.status == 200
        await create_ticket(client, requester)
        await stream.wait_for(1)
    # Not a bearer token for anything else...
    me = await client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert_error(me, 401, "UNAUTHORIZED")
    # ...and an access token is not a stream token in the URL.
    async with Stream(live_server, params={"token": agent.token}) as refused:
        assert refused.status == 401


async def test_last_event_id_resumes_from_the_outbox(
    client: httpx.AsyncClient, live_server: str, agent: Account, requester: Account
) -> None:
    async with Stream(live_server, headers=agent.headers) as first:
        tickets = [await create_ticket(client, requester) for _ in range(3)]
        seen = await first.wait_for(3)
    resume_after = seen[0].id
    assert resume_after is not None
    async with Stream(
        live_server, headers={**agent.headers, "Last-Event-ID": resume_after}
    ) as second:
        missed = await second.wait_for(2)
    assert [m.data and m.data["data"]["ticket"]["id"] for m in missed] == [
        tickets[1]["id"],
        tickets[2]["id"],
    ]


@pytest.mark.parametrize(
    ("headers", "params", "status"),
    [
        pytest.param({}, {}, 401, id="no-token"),
        pytest.param({}, {"token": "not-a-token"}, 401, id="bad-stream-token"),
        pytest.param({"Last-Event-ID": "42; drop"}, {}, 400, id="bad-last-event-id"),
    ],
)
async def test_a_stream_is_refused_without_a_valid_token(
    live_server: str, agent: Account, headers: dict[str, str], params: dict[str, str], status: int
) -> None:
    if status == 400:
        headers = {**agent.headers, **headers}
    async with httpx.AsyncClient(base_url=live_server) as raw:
        response = await raw.get(STREAM, headers=headers, params=params)
    assert response.status_code == status, response.text

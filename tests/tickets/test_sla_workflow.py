"""The support workflow over HTTP: the waiting statuses pause both SLA clocks, resolving
stops them, a requester's reply reopens, and a change of target keeps the time spent.
Time passes by moving the ticket's instants back (let_time_pass), so a test of an hour's
SLA takes no hour. Wall-clock time throughout (the default policies); business hours are
in test_business_hours.py."""

import asyncio
import json
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.accounts import Account
from tests.support.db import wait_for_lock_waits
from tests.support.server import plain_url
from tests.support.tickets import (
    BREACHED,
    TICKETS,
    add_comment,
    change_ticket,
    create_ticket,
    get_ticket,
    let_time_pass,
    list_ids,
    post_comment,
    stored_timeline,
)

# The requests of a test take real time too: a few seconds' slack.
SECONDS = 5 / 60


def at(text: str | None) -> datetime:
    assert text is not None
    return datetime.fromisoformat(text)


def minutes_between(start: str | None, end: str | None) -> float:
    return (at(end) - at(start)) / timedelta(minutes=1)


async def assigned_ticket(
    client: httpx.AsyncClient, requester: Account, agent: Account, **fields: Any
) -> dict[str, Any]:
    ticket = await create_ticket(client, requester, **fields)
    return await change_ticket(client, agent, ticket["id"], {"assignee_id": agent.id})


async def entries(db: asyncpg.Connection, ticket_id: int, action: str) -> list[dict[str, Any]]:
    rows = await db.fetch(
        "SELECT meta, actor_id FROM timeline_logs WHERE ticket_id = $1 AND action = $2 ORDER BY id",
        ticket_id,
        action,
    )
    return [{"actor_id": row["actor_id"], **json.loads(row["meta"])} for row in rows]


# --- defaults: the seed's rule holds --------------------------------------------------------


@pytest.mark.parametrize(
    ("priority", "first_response", "resolution"),
    [("urgent", 15, 60), ("high", 60, 240), ("medium", 240, 1440), ("low", 480, 4320)],
)
async def test_a_new_ticket_has_both_targets_from_its_priority_policy(
    client: httpx.AsyncClient,
    requester: Account,
    priority: str,
    first_response: int,
    resolution: int,
) -> None:
    ticket = await create_ticket(client, requester, priority=priority)
    assert ticket["sla_minutes"] == resolution
    assert minutes_between(ticket["created_at"], ticket["due_at"]) == resolution
    assert minutes_between(ticket["created_at"], ticket["first_response_due_at"]) == first_response
    assert ticket["first_responded_at"] is None
    assert ticket["sla_paused"] is False
    assert ticket["sla_remaining_minutes"] is None
    assert ticket["resolved_at"] is None
    assert ticket["breached"] is False
    assert ticket["first_response_breached"] is False


# --- pausing --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["pending", "on_hold"])
async def test_a_waiting_status_pauses_both_clocks_with_the_time_left(
    client: httpx.AsyncClient,
    requester: Account,
    agent: Account,
    db: asyncpg.Connection,
    status: str,
) -> None:
    ticket = await assigned_ticket(client, requester, agent, priority="urgent")
    await let_time_pass(db, ticket["id"], 20)

    paused = await change_ticket(client, agent, ticket["id"], {"status": status})

    assert paused["status"] == status
    assert paused["sla_paused"] is True
    assert paused["due_at"] is None
    assert paused["first_response_due_at"] is None
    assert paused["sla_remaining_minutes"] == 40
    assert paused["breached"] is False
    assert paused["version"] == ticket["version"] + 1
    [entry] = await entries(db, ticket["id"], "sla.paused")
    assert entry == {
        "actor_id": agent.id,
        "resolution_minutes_left": 40,
        "first_response_minutes_left": -5,  # 15 minutes to the first response, 20 spent
    }


async def test_a_paused_ticket_never_breaches_and_resumes_with_what_was_left(
    client: httpx.AsyncClient, requester: Account, agent: Account, db: asyncpg.Connection
) -> None:
    ticket = await assigned_ticket(client, requester, agent, priority="urgent")
    await let_time_pass(db, ticket["id"], 30)
    await change_ticket(client, agent, ticket["id"], {"status": "pending"})
    await let_time_pass(db, ticket["id"], 600)  # ten hours waiting on the requester

    waiting = await get_ticket(client, agent, ticket["id"])
    assert (waiting["breached"], waiting["sla_remaining_minutes"]) == (False, 30)
    assert ticket["id"] not in await list_ids(client, agent, path=BREACHED)

    resumed = await change_ticket(client, agent, ticket["id"], {"status": "in_progress"})
    assert resumed["sla_paused"] is False
    assert resumed["sla_remaining_minutes"] is None
    assert minutes_between(resumed["updated_at"], resumed["due_at"]) == pytest.approx(
        30, abs=SECONDS
    )
    assert resumed["breached"] is False
    [entry] = await entries(db, ticket["id"], "sla.resumed")
    assert entry["resolution_minutes_left"] == 30
    assert entry["due_at"] == resumed["due_at"].replace("+00:00", "Z")


async def test_a_ticket_paused_past_due_stays_breached_with_negative_minutes_left(
    client: httpx.AsyncClient, requester: Account, agent: Account, db: asyncpg.Connection
) -> None:
    ticket = await assigned_ticket(client, requester, agent, priority="urgent")
    await let_time_pass(db, ticket["id"], 90)

    paused = await change_ticket(client, agent, ticket["id"], {"status": "on_hold"})

    assert (paused["breached"], paused["sla_remaining_minutes"]) == (True, -30)
    assert ticket["id"] in await list_ids(client, agent, path=BREACHED)
    assert ticket["id"] in await list_ids(client, agent, {"breached": "true"})
    assert ticket["id"] not in await list_ids(client, agent, {"breached": "false"})


# --- resolving and reopening ----------------------------------------------------------------


async def test_a_ticket_resolved_in_time_is_never_breached(
    client: httpx.AsyncClient, requester: Account, agent: Account, db: asyncpg.Connection
) -> None:
    ticket = await assigned_ticket(client, requester, agent, priority="urgent")
    await let_time_pass(db, ticket["id"], 10)
    resolved = await change_ticket(client, agent, ticket["id"], {"status": "resolved"})
    assert resolved["resolved_at"] == resolved["updated_at"]
    created_at = (await get_ticket(client, agent, ticket["id"]))["created_at"]
    assert minutes_between(created_at, resolved["due_at"]) == 60  # kept
    await let_time_pass(db, ticket["id"], 60 * 24 * 30)  # a month later

    later = await get_ticket(client, agent, ticket["id"])
    assert later["breached"] is False
    assert ticket["id"] not in await list_ids(client, agent, path=BREACHED)
    assert ticket["id"] in await list_ids(client, agent, {"breached": "false"})


async def test_a_ticket_resolved_late_stays_breached_until_closed(
    client: httpx.AsyncClient, requester: Account, agent: Account, db: asyncpg.Connection
) -> None:
    ticket = await assigned_ticket(client, requester, agent, priority="urgent")
    await let_time_pass(db, ticket["id"], 70)
    resolved = await change_ticket(client, agent, ticket["id"], {"status": "resolved"})
    assert resolved["breached"] is True
    assert ticket["id"] in await list_ids(client, agent, path=BREACHED)

    closed = await change_ticket(client, agent, ticket["id"], {"status": "closed"})
    assert closed["breached"] is False
    assert closed["resolved_at"] == resolved["resolved_at"]  # closing a resolved ticket
    assert ticket["id"] not in await list_ids(client, agent, path=BREACHED)


async def test_closing_an_open_ticket_sets_resolved_at(
    client: httpx.AsyncClient, requester: Account, agent: Account
) -> None:
    ticket = await assigned_ticket(client, requester, agent)
    closed = await change_ticket(client, agent, ticket["id"], {"status": "closed"})
    assert closed["resolved_at"] == closed["updated_at"]
    reopened = await change_ticket(client, agent, ticket["id"], {"status": "open"})
    assert reopened["resolved_at"] is None


async def test_reopening_restarts_the_clock_with_what_was_left(
    client: httpx.AsyncClient, requester: Account, agent: Account, db: asyncpg.Connection
) -> None:
    ticket = await assigned_ticket(client, requester, agent, priority="urgent")
    await let_time_pass(db, ticket["id"], 20)
    await change_ticket(client, agent, ticket["id"], {"status": "resolved"})
    await let_time_pass(db, ticket["id"], 300)

    reopened = await change_ticket(client, agent, ticket["id"], {"status": "open"})

    assert reopened["resolved_at"] is None
    assert minutes_between(reopened["updated_at"], reopened["due_at"]) == pytest.approx(
        40, abs=SECONDS
    )
    assert reopened["breached"] is False


# --- the requester's reply ------------------------------------------------------------------


@pytest.mark.parametrize("status", ["pending", "resolved"])
async def test_the_requesters_reply_reopens_a_pending_or_resolved_ticket(
    client: httpx.AsyncClient,
    requester: Account,
    agent: Account,
    db: asyncpg.Connection,
    status: str,
) -> None:
    ticket = await assigned_ticket(client, requester, agent, priority="urgent")
    await let_time_pass(db, ticket["id"], 25)
    waiting = await change_ticket(client, agent, ticket["id"], {"status": status})

    await add_comment(client, requester, ticket["id"], "Here is the log you asked for")

    reopened = await get_ticket(client, requester, ticket["id"])
    assert reopened["status"] == "open"
    assert reopened["version"] == waiting["version"] + 1
    assert reopened["sla_paused"] is False
    assert minutes_between(reopened["updated_at"], reopened["due_at"]) == pytest.approx(
        35, abs=SECONDS
    )
    # The reply, then the change it made; staff also see the clock running again, if it
    # was paused (the requester's timeline leaves the SLA's entries out).
    actions = [entry["action"] for entry in reopened["timeline"]]
    assert actions[-2:] == ["comment.created", "ticket.updated"]
    change = reopened["timeline"][-1]
    assert change["actor"] == requester.person
    assert change["meta"]["changes"] == {"status": {"old": status, "new": "open"}}
    assert change["meta"]["version"] == reopened["version"]
    staff = await get_ticket(client, agent, ticket["id"])
    expected = ["comment.created", "ticket.updated"]
    expected += ["sla.resumed"] if status == "pending" else []
    assert [entry["action"] for entry in staff["timeline"]][-len(expected) :] == expected
    assert staff["timeline"][-1]["actor"] == requester.seen_by(agent)


@pytest.mark.parametrize("status", ["open", "in_progress", "on_hold"])
async def test_the_requesters_reply_leaves_other_statuses_alone(
    client: httpx.AsyncClient, requester: Account, agent: Account, status: str
) -> None:
    ticket = await assigned_ticket(client, requester, agent)
    if status != "open":
        ticket = await change_ticket(client, agent, ticket["id"], {"status": status})

    await add_comment(client, requester, ticket["id"], "Any news?")

    after = await get_ticket(client, requester, ticket["id"])
    assert (after["status"], after["version"]) == (status, ticket["version"])


async def test_the_desks_reply_leaves_a_pending_ticket_pending(
    client: httpx.AsyncClient, requester: Account, agent: Account
) -> None:
    ticket = await assigned_ticket(client, requester, agent)
    pending = await change_ticket(client, agent, ticket["id"], {"status": "pending"})
    await add_comment(client, agent, ticket["id"], "Could you send the log?")
    note = await post_comment(client, agent, ticket["id"], {"body": "Asked", "internal": True})
    assert note.status_code == 201, note.text

    after = await get_ticket(client, agent, ticket["id"])
    assert (after["status"], after["version"]) == ("pending", pending["version"])


# --- first response -------------------------------------------------------------------------


async def test_the_first_public_reply_from_the_desk_is_the_first_response(
    client: httpx.AsyncClient, requester: Account, agent: Account, admin: Account
) -> None:
    ticket = await create_ticket(client, requester)
    await add_comment(client, requester, ticket["id"], "Adding a detail")
    note = await post_comment(client, agent, ticket["id"], {"body": "Looks", "internal": True})
    assert note.status_code == 201, note.text
    assert (await get_ticket(client, agent, ticket["id"]))["first_responded_at"] is None

    reply = await add_comment(client, agent, ticket["id"], "On it")
    await add_comment(client, admin, ticket["id"], "Me too")

    after = await get_ticket(client, requester, ticket["id"])
    assert after["first_responded_at"] is not None
    assert abs(minutes_between(reply["created_at"], after["first_responded_at"])) < 1 / 60
    assert after["first_response_breached"] is False


async def test_a_first_response_overdue_is_breached_and_stays_so_once_late(
    client: httpx.AsyncClient, requester: Account, agent: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester, priority="urgent")
    await let_time_pass(db, ticket["id"], 16)

    overdue = await get_ticket(client, agent, ticket["id"])
    assert (overdue["first_response_breached"], overdue["breached"]) == (True, False)
    assert ticket["id"] in await list_ids(client, agent, {"first_response_breached": "true"})
    assert ticket["id"] not in await list_ids(client, agent, {"first_response_breached": "false"})

    await add_comment(client, agent, ticket["id"], "Sorry for the wait")
    answered = await get_ticket(client, agent, ticket["id"])
    assert answered["first_response_breached"] is True
    assert ticket["id"] in await list_ids(client, agent, {"first_response_breached": "true"})


async def test_a_first_response_in_time_is_never_breached(
    client: httpx.AsyncClient, requester: Account, agent: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester, priority="urgent")
    await let_time_pass(db, ticket["id"], 5)
    await add_comment(client, agent, ticket["id"], "Looking")
    await let_time_pass(db, ticket["id"], 600)

    later = await get_ticket(client, agent, ticket["id"])
    assert later["first_response_breached"] is False
    assert later["breached"] is True  # the resolution target is another matter
    assert ticket["id"] in await list_ids(client, agent, {"first_response_breached": "false"})


async def test_a_first_response_while_paused_counts_the_time_left_when_paused(
    client: httpx.AsyncClient, requester: Account, agent: Account, db: asyncpg.Connection
) -> None:
    ticket = await assigned_ticket(client, requester, agent, priority="urgent")
    await let_time_pass(db, ticket["id"], 10)
    await change_ticket(client, agent, ticket["id"], {"status": "pending"})
    await let_time_pass(db, ticket["id"], 60)  # paused: the first response is not late

    await add_comment(client, agent, ticket["id"], "Any news on your side?")

    after = await get_ticket(client, agent, ticket["id"])
    assert after["first_responded_at"] is not None
    assert after["first_response_breached"] is False
    assert minutes_between(after["first_responded_at"], after["first_response_due_at"]) == (
        pytest.approx(5, abs=1 / 60)
    )


# --- changes of target keep the time spent ---------------------------------------------------


async def test_a_priority_change_keeps_the_time_spent_and_not_the_time_paused(
    client: httpx.AsyncClient, requester: Account, agent: Account, db: asyncpg.Connection
) -> None:
    ticket = await assigned_ticket(client, requester, agent, priority="medium")
    await let_time_pass(db, ticket["id"], 30)
    await change_ticket(client, agent, ticket["id"], {"status": "pending"})
    await let_time_pass(db, ticket["id"], 500)
    await change_ticket(client, agent, ticket["id"], {"status": "open"})
    await let_time_pass(db, ticket["id"], 10)  # 40 minutes spent, 500 paused

    high = await change_ticket(client, agent, ticket["id"], {"priority": "high"})

    assert high["sla_minutes"] == 240
    assert minutes_between(high["updated_at"], high["due_at"]) == pytest.approx(200, abs=SECONDS)
    assert minutes_between(high["updated_at"], high["first_response_due_at"]) == pytest.approx(
        20, abs=SECONDS
    )
    changes = (await entries(db, ticket["id"], "ticket.updated"))[-1]["changes"]
    assert set(changes) == {"priority", "sla_minutes", "due_at", "first_response_due_at"}


async def test_a_priority_change_while_paused_changes_the_time_left(
    client: httpx.AsyncClient, requester: Account, admin: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester, priority="high")
    await let_time_pass(db, ticket["id"], 30)
    await change_ticket(client, admin, ticket["id"], {"status": "on_hold"})

    urgent = await change_ticket(client, admin, ticket["id"], {"priority": "urgent"})

    assert (urgent["sla_minutes"], urgent["sla_remaining_minutes"]) == (60, 30)
    assert urgent["due_at"] is None


async def test_an_sla_minutes_change_without_pauses_is_the_seeds_rule(
    client: httpx.AsyncClient, requester: Account, admin: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    await let_time_pass(db, ticket["id"], 45)
    changed = await change_ticket(client, admin, ticket["id"], {"sla_minutes": 90})
    created = (await get_ticket(client, admin, ticket["id"]))["created_at"]
    assert minutes_between(created, changed["due_at"]) == 90


async def test_a_pause_does_not_move_the_first_response_once_met(
    client: httpx.AsyncClient, requester: Account, agent: Account
) -> None:
    ticket = await assigned_ticket(client, requester, agent)
    await add_comment(client, agent, ticket["id"], "On it")
    met = await get_ticket(client, agent, ticket["id"])
    paused = await change_ticket(client, agent, ticket["id"], {"status": "pending"})
    resumed = await change_ticket(client, agent, ticket["id"], {"status": "open"})
    for after in (paused, resumed):
        assert after["first_response_due_at"] == met["first_response_due_at"]
        assert after["first_responded_at"] == met["first_responded_at"]


async def test_a_reply_between_reading_and_writing_a_ticket_is_not_undone(
    client: httpx.AsyncClient,
    requester: Account,
    agent: Account,
    db: asyncpg.Connection,
    database_url: str,
) -> None:
    """Replies leave the version alone, so a status change may have read the ticket before
    the first reply and still write at its version: it must keep the reply's first
    response. Here the reply lands while the change waits on the ticket's row."""
    ticket = await assigned_ticket(client, requester, agent)
    locker = await asyncpg.connect(plain_url(database_url))
    try:
        async with locker.transaction():
            await locker.execute("SELECT 1 FROM tickets WHERE id = $1 FOR UPDATE", ticket["id"])
            change = asyncio.create_task(
                client.patch(
                    f"{TICKETS}/{ticket['id']}",
                    json={"status": "pending"},
                    headers={**agent.headers, "If-Match": f'"{ticket["version"]}"'},
                )
            )
            await wait_for_lock_waits(db, query_like="WITH written AS%UPDATE tickets%")
            # The reply, as the comment service writes it, under the same lock.
            await locker.execute(
                "UPDATE tickets SET first_responded_at = now() WHERE id = $1", ticket["id"]
            )
        response = await change
    finally:
        await locker.close()

    assert response.status_code == 200, response.text
    paused = response.json()
    assert paused["first_responded_at"] is not None
    assert paused["first_response_due_at"] == ticket["first_response_due_at"]
    assert paused["sla_paused"] is True


# --- who may set the new statuses -----------------------------------------------------------


@pytest.mark.parametrize("status", ["pending", "on_hold"])
async def test_only_the_assigned_agent_or_an_admin_sets_a_waiting_status(
    client: httpx.AsyncClient,
    requester: Account,
    agent: Account,
    other_agent: Account,
    admin: Account,
    status: str,
) -> None:
    ticket = await assigned_ticket(client, requester, agent)
    version = f'"{ticket["version"]}"'
    for outsider in (requester, other_agent):
        refused = await client.patch(
            f"{TICKETS}/{ticket['id']}",
            json={"status": status},
            headers={**outsider.headers, "If-Match": version},
        )
        assert refused.status_code == 403, refused.text
        assert refused.json()["error"]["field"] == "status"
    assert (await get_ticket(client, agent, ticket["id"]))["status"] == "open"
    by_admin = await change_ticket(client, admin, ticket["id"], {"status": status})
    assert by_admin["status"] == status


async def test_the_status_filter_takes_the_new_statuses(
    client: httpx.AsyncClient, requester: Account, agent: Account
) -> None:
    waiting = await assigned_ticket(client, requester, agent)
    await change_ticket(client, agent, waiting["id"], {"status": "pending"})
    held = await assigned_ticket(client, requester, agent)
    await change_ticket(client, agent, held["id"], {"status": "on_hold"})
    await create_ticket(client, requester)

    assert await list_ids(client, agent, {"status": "pending"}) == [waiting["id"]]
    assert await list_ids(client, agent, {"status": "pending,on_hold"}) == [
        held["id"],
        waiting["id"],
    ]


async def test_stored_timeline_records_pause_and_resume_in_order(
    client: httpx.AsyncClient, requester: Account, agent: Account, db: asyncpg.Connection
) -> None:
    ticket = await assigned_ticket(client, requester, agent)
    await change_ticket(client, agent, ticket["id"], {"status": "pending"})
    await change_ticket(client, agent, ticket["id"], {"status": "in_progress"})
    actions = [action for action, _ in await stored_timeline(db, ticket["id"])]
    assert actions[-4:] == ["ticket.updated", "sla.paused", "ticket.updated", "sla.resumed"]


async def test_a_pause_and_a_resumption_are_events_with_their_timeline_entries(
    client: httpx.AsyncClient, requester: Account, agent: Account, db: asyncpg.Connection
) -> None:
    """Every kind of change the timeline records is an event too, in the same transaction:
    the clocks' pause and resumption, for staff only (the SLA's bookkeeping)."""
    ticket = await assigned_ticket(client, requester, agent, priority="urgent")
    await let_time_pass(db, ticket["id"], 20)
    paused = await change_ticket(client, agent, ticket["id"], {"status": "on_hold"})
    resumed = await change_ticket(client, agent, ticket["id"], {"status": "in_progress"})

    rows = await db.fetch(
        "SELECT type, internal, data FROM events WHERE ticket_id = $1 AND type LIKE 'ticket.sla_%'"
        " ORDER BY id",
        ticket["id"],
    )
    events = [(row["type"], row["internal"], json.loads(row["data"])) for row in rows]
    assert [(type, internal) for type, internal, _ in events] == [
        ("ticket.sla_paused", True),
        ("ticket.sla_resumed", True),
    ]
    (_, _, pause), (_, _, resumption) = events
    [paused_entry] = await entries(db, ticket["id"], "sla.paused")
    [resumed_entry] = await entries(db, ticket["id"], "sla.resumed")
    assert pause["resolution_minutes_left"] == paused_entry["resolution_minutes_left"] == 40
    assert pause["first_response_minutes_left"] == -5
    assert (pause["ticket"]["version"], pause["ticket"]["sla_paused"]) == (paused["version"], True)
    assert pause["actor"] == agent.person
    assert resumption["due_at"] == resumed_entry["due_at"]
    assert resumption["ticket"]["version"] == resumed["version"]

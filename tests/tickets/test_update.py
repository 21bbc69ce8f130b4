"""PATCH /api/tickets/{id}: If-Match, validation, who may change what, SLA, timeline."""

import json
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.accounts import Account
from tests.support.db import count_rows
from tests.support.responses import assert_error
from tests.support.tickets import create_ticket, patch_ticket, stored_timeline


async def ticket_row(db: asyncpg.Connection, ticket_id: int) -> asyncpg.Record:
    row = await db.fetchrow("SELECT * FROM tickets WHERE id = $1", ticket_id)
    assert row is not None
    return row


def minutes_between(ticket: dict[str, Any]) -> timedelta:
    return datetime.fromisoformat(ticket["due_at"]) - datetime.fromisoformat(ticket["created_at"])


# --- If-Match ------------------------------------------------------------------------------


@pytest.mark.parametrize("if_match", ["1", '"1"', 'W/"1"'])
async def test_if_match_accepts_bare_quoted_and_weak_versions(
    client: httpx.AsyncClient, requester: Account, if_match: str
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch_ticket(client, requester, ticket["id"], {"title": "New"}, if_match)
    assert response.status_code == 200, response.text
    assert response.json()["title"] == "New"
    assert response.json()["version"] == 2


async def test_stale_if_match_is_409_and_changes_nothing(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    first = await patch_ticket(client, requester, ticket["id"], {"title": "First"}, '"1"')
    assert first.status_code == 200, first.text

    stale = await patch_ticket(
        client, requester, ticket["id"], {"title": "Second", "description": "x"}, '"1"'
    )
    assert_error(stale, 409, "OPTIMISTIC_LOCK")
    row = await ticket_row(db, ticket["id"])
    assert (row["title"], row["description"], row["version"]) == ("First", "", 2)
    assert row["updated_at"] == datetime.fromisoformat(first.json()["updated_at"])
    assert await stored_timeline(db, ticket["id"]) == [
        ("ticket.created", requester.id),
        ("ticket.updated", requester.id),
    ]


async def test_success_returns_the_ticket_with_version_plus_one_and_new_etag(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch_ticket(client, requester, ticket["id"], {"title": "  Renamed  "}, '"1"')
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == ticket["id"]
    assert body["title"] == "Renamed"
    assert body["version"] == 2
    assert response.headers["ETag"] == '"2"'
    assert datetime.fromisoformat(body["updated_at"]) >= datetime.fromisoformat(
        ticket["updated_at"]
    )
    row = await ticket_row(db, ticket["id"])
    assert (row["title"], row["version"]) == ("Renamed", 2)

    again = await patch_ticket(
        client, requester, ticket["id"], {"title": "Third"}, response.headers["ETag"]
    )
    assert again.status_code == 200, again.text
    assert again.json()["version"] == 3
    assert again.headers["ETag"] == '"3"'


# --- body --------------------------------------------------------------------------------


async def test_a_field_with_an_empty_name_is_400_field_invalid_naming_none(
    client: httpx.AsyncClient, admin: Account, db: asyncpg.Connection
) -> None:
    """{"": 0} names no field: no `"field": ""`, and a message that says so."""
    ticket = await create_ticket(client, admin)
    response = await patch_ticket(client, admin, ticket["id"], {"": 0})
    assert_error(response, 400, "FIELD_INVALID")
    assert response.json()["error"]["message"] == "Unknown field with an empty name"
    row = await ticket_row(db, ticket["id"])
    assert row["version"] == 1


async def test_the_documented_update_schema_allows_null_only_where_the_api_does(
    client: httpx.AsyncClient,
) -> None:
    """title, status, priority and sla_minutes are optional but never null: documented so,
    a client sending what the document allows is never refused."""
    spec = (await client.get("/openapi.json")).json()
    properties = spec["components"]["schemas"]["TicketUpdate"]["properties"]
    nullable = {
        name for name, schema in properties.items() if {"type": "null"} in schema.get("anyOf", [])
    }
    assert nullable == {"description", "assignee_id"}


async def test_null_description_empties_it(client: httpx.AsyncClient, requester: Account) -> None:
    ticket = await create_ticket(client, requester, description="Tray 2")
    response = await patch_ticket(client, requester, ticket["id"], {"description": None})
    assert response.status_code == 200, response.text
    assert response.json()["description"] == ""


async def test_patch_on_a_missing_ticket_is_404(client: httpx.AsyncClient, admin: Account) -> None:
    response = await patch_ticket(client, admin, 999, {"title": "New"})
    assert_error(response, 404, "NOT_FOUND")


# --- refused: nothing changes -------------------------------------------------------------

# Whose ticket the caller patches: their own (unassigned), the requester's (unassigned), the
# agent's (requested by the agent and assigned to them), or one another agent holds.
TICKET_OF = ("own", "requester's", "agent's", "other agent's")


def refused(
    caller: str,
    ticket: str,
    body: dict[str, Any],
    status: int,
    code: str,
    field: str | None = None,
    *,
    if_match: str | None = '"1"',
) -> Any:
    """One refused PATCH; `<name>` in the body stands for that account's id."""
    assert ticket in TICKET_OF
    sent = " ".join(f"{key}={value!r}" for key, value in body.items()) or "empty body"
    if if_match != '"1"':
        sent += f" If-Match={if_match!r}"
    return pytest.param(
        caller,
        ticket,
        body,
        if_match,
        status,
        code,
        field,
        id=f"{caller} on {ticket}: {sent} -> {status}",
    )


REFUSED = [
    # If-Match.
    *[
        refused("requester", "own", {"title": "New"}, 400, "FIELD_INVALID", "If-Match", if_match=v)
        for v in ("abc", '"1', "W/1", "1.0", "-1", '"x"', "")
    ],
    refused("requester", "own", {"title": "New"}, 428, "FIELD_REQUIRED", "If-Match", if_match=None),
    *[
        refused("requester", "own", {"title": "New"}, 409, "OPTIMISTIC_LOCK", if_match=v)
        for v in ('"2"', '"7"')
    ],
    # The body.
    refused("requester", "own", {}, 400, "FIELD_REQUIRED"),
    refused("admin", "own", {"title": "New", "colour": "red"}, 400, "FIELD_INVALID", "colour"),
    refused("requester", "own", {"nope": 1}, 400, "FIELD_INVALID", "nope"),
    *[
        refused("admin", "own", {field: None}, 400, "FIELD_INVALID", field)
        for field in ("title", "status", "priority", "sla_minutes")
    ],
    *[
        refused("requester", "own", {"title": title}, 400, "FIELD_REQUIRED", "title")
        for title in ("", "   ")
    ],
    refused("admin", "own", {"status": "done"}, 400, "FIELD_INVALID", "status"),
    *[
        refused("admin", "own", {"sla_minutes": v}, 400, "FIELD_INVALID", "sla_minutes")
        for v in (-1, 525601, "60", 1.5)
    ],
    # The assignee must be an agent or an admin that exists.
    refused(
        "admin", "requester's", {"assignee_id": "<other_user>"}, 400, "FIELD_INVALID", "assignee_id"
    ),
    refused("admin", "own", {"assignee_id": 4242}, 400, "FIELD_INVALID", "assignee_id"),
    refused(
        "agent", "agent's", {"assignee_id": "<other_user>"}, 400, "FIELD_INVALID", "assignee_id"
    ),
    # Who may change what.
    refused("anonymous", "requester's", {"title": "New"}, 401, "UNAUTHORIZED"),
    refused("other_user", "requester's", {"title": "Mine now"}, 404, "NOT_FOUND"),
    *[
        refused("requester", "own", {field: value}, 403, "FORBIDDEN", field)
        for field, value in (
            ("status", "closed"),
            ("priority", "urgent"),
            ("assignee_id", None),
            ("sla_minutes", 10),
        )
    ],
    refused("requester", "own", {"title": "New", "status": "closed"}, 403, "FORBIDDEN", "status"),
    refused("agent", "other agent's", {"status": "resolved"}, 403, "FORBIDDEN", "status"),
    refused("agent", "other agent's", {"assignee_id": "<agent>"}, 403, "FORBIDDEN", "assignee_id"),
    refused("agent", "requester's", {"status": "in_progress"}, 403, "FORBIDDEN", "status"),
    refused(
        "agent", "requester's", {"assignee_id": "<other_agent>"}, 403, "FORBIDDEN", "assignee_id"
    ),
    refused(
        "agent", "requester's", {"assignee_id": "<agent>", "title": "X"}, 403, "FORBIDDEN", "title"
    ),
    *[
        refused("agent", "agent's", {field: value}, 403, "FORBIDDEN", field)
        for field, value in (("title", "Agent title"), ("description", "x"), ("sla_minutes", 30))
    ],
]


@pytest.mark.parametrize(
    ("caller", "ticket_of", "body", "if_match", "status", "code", "field"), REFUSED
)
async def test_a_refused_update_changes_nothing_and_adds_no_timeline_entry(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    requester: Account,
    other_user: Account,
    agent: Account,
    other_agent: Account,
    admin: Account,
    caller: str,
    ticket_of: str,
    body: dict[str, Any],
    if_match: str | None,
    status: int,
    code: str,
    field: str | None,
) -> None:
    people = {
        "requester": requester,
        "other_user": other_user,
        "agent": agent,
        "other_agent": other_agent,
        "admin": admin,
    }
    me = people.get(caller)  # None: anonymous
    owner, assignee = {
        "own": (me, None),
        "requester's": (requester, None),
        "agent's": (agent, agent),
        "other agent's": (other_agent, other_agent),
    }[ticket_of]
    assert owner is not None
    ticket = await create_ticket(
        client, owner, **({"assignee_id": assignee.id} if assignee else {})
    )
    sent = {
        key: people[value[1:-1]].id if isinstance(value, str) and value.startswith("<") else value
        for key, value in body.items()
    }
    before = dict(await ticket_row(db, ticket["id"]))

    response = await patch_ticket(client, me, ticket["id"], sent, if_match)

    assert_error(response, status, code, field)
    assert dict(await ticket_row(db, ticket["id"])) == before
    assert before["version"] == 1
    assert await stored_timeline(db, ticket["id"]) == [("ticket.created", owner.id)]


# --- user ----------------------------------------------------------------------------------


async def test_user_may_change_title_and_description_of_own_ticket(
    client: httpx.AsyncClient, requester: Account
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch_ticket(
        client, requester, ticket["id"], {"title": "Paper jam", "description": "Tray 2"}
    )
    assert response.status_code == 200, response.text
    assert (response.json()["title"], response.json()["description"]) == ("Paper jam", "Tray 2")


# --- agent ---------------------------------------------------------------------------------


async def test_agent_may_change_status_priority_and_assignee_of_assigned_ticket(
    client: httpx.AsyncClient, agent: Account, other_agent: Account
) -> None:
    ticket = await create_ticket(client, agent, assignee_id=agent.id)
    response = await patch_ticket(
        client,
        agent,
        ticket["id"],
        {"status": "in_progress", "priority": "high", "assignee_id": other_agent.id},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["priority"], body["assignee_id"]) == (
        "in_progress",
        "high",
        other_agent.id,
    )


async def test_agent_may_unassign_own_ticket(client: httpx.AsyncClient, agent: Account) -> None:
    ticket = await create_ticket(client, agent, assignee_id=agent.id)
    response = await patch_ticket(client, agent, ticket["id"], {"assignee_id": None})
    assert response.status_code == 200, response.text
    assert response.json()["assignee_id"] is None


async def test_agent_may_claim_an_unassigned_ticket(
    client: httpx.AsyncClient, requester: Account, agent: Account
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch_ticket(client, agent, ticket["id"], {"assignee_id": agent.id})
    assert response.status_code == 200, response.text
    assert response.json()["assignee_id"] == agent.id
    assert response.json()["version"] == 2


async def test_agent_may_claim_an_unassigned_ticket_and_change_its_status(
    client: httpx.AsyncClient, requester: Account, agent: Account
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch_ticket(
        client, agent, ticket["id"], {"assignee_id": agent.id, "status": "in_progress"}
    )
    assert response.status_code == 200, response.text
    assert (response.json()["assignee_id"], response.json()["status"]) == (
        agent.id,
        "in_progress",
    )


# --- admin ---------------------------------------------------------------------------------


async def test_admin_may_change_every_field_of_any_ticket(
    client: httpx.AsyncClient, requester: Account, admin: Account, agent: Account
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch_ticket(
        client,
        admin,
        ticket["id"],
        {
            "title": "Admin title",
            "description": "Admin description",
            "status": "resolved",
            "priority": "low",
            "assignee_id": agent.id,
            "sla_minutes": 90,
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["title"] == "Admin title"
    assert body["description"] == "Admin description"
    assert body["status"] == "resolved"
    assert body["priority"] == "low"
    assert body["assignee_id"] == agent.id
    assert body["sla_minutes"] == 90
    assert minutes_between(body) == timedelta(minutes=90)
    assert body["requester_id"] == requester.id
    assert body["version"] == 2


async def test_admin_setting_sla_minutes_moves_due_at_from_created_at(
    client: httpx.AsyncClient, requester: Account, admin: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch_ticket(client, admin, ticket["id"], {"sla_minutes": 17})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["sla_minutes"] == 17
    assert body["created_at"] == ticket["created_at"]
    assert minutes_between(body) == timedelta(minutes=17)
    row = await ticket_row(db, ticket["id"])
    assert row["sla_minutes"] == 17
    assert row["due_at"] - row["created_at"] == timedelta(minutes=17)


async def test_admin_may_set_sla_minutes_to_zero(
    client: httpx.AsyncClient, requester: Account, admin: Account
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch_ticket(client, admin, ticket["id"], {"sla_minutes": 0})
    assert response.status_code == 200, response.text
    assert response.json()["due_at"] == response.json()["created_at"]
    assert response.json()["breached"] is True


async def test_admin_null_assignee_unassigns(
    client: httpx.AsyncClient, admin: Account, agent: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, admin, assignee_id=agent.id)
    response = await patch_ticket(client, admin, ticket["id"], {"assignee_id": None})
    assert response.status_code == 200, response.text
    assert response.json()["assignee_id"] is None
    assert (await ticket_row(db, ticket["id"]))["assignee_id"] is None


# --- SLA follows priority ------------------------------------------------------------------


async def test_priority_change_resets_sla_to_the_new_priority_default(
    client: httpx.AsyncClient, admin: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, admin)
    assert (ticket["priority"], ticket["sla_minutes"]) == ("medium", 1440)
    response = await patch_ticket(client, admin, ticket["id"], {"priority": "urgent"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["priority"], body["sla_minutes"]) == ("urgent", 60)
    assert minutes_between(body) == timedelta(minutes=60)
    row = await ticket_row(db, ticket["id"])
    assert row["due_at"] - row["created_at"] == timedelta(minutes=60)


@pytest.mark.parametrize(("priority", "minutes"), [("low", 4320), ("high", 240)])
async def test_agent_priority_change_also_moves_sla(
    client: httpx.AsyncClient, agent: Account, priority: str, minutes: int
) -> None:
    ticket = await create_ticket(client, agent, assignee_id=agent.id)
    response = await patch_ticket(client, agent, ticket["id"], {"priority": priority})
    assert response.status_code == 200, response.text
    assert response.json()["sla_minutes"] == minutes
    assert minutes_between(response.json()) == timedelta(minutes=minutes)


async def test_sla_minutes_sent_with_priority_wins(
    client: httpx.AsyncClient, admin: Account
) -> None:
    ticket = await create_ticket(client, admin)
    response = await patch_ticket(
        client, admin, ticket["id"], {"priority": "urgent", "sla_minutes": 90}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["priority"], body["sla_minutes"]) == ("urgent", 90)
    assert minutes_between(body) == timedelta(minutes=90)


# --- timeline ------------------------------------------------------------------------------


async def test_update_writes_a_timeline_entry_with_old_and_new_values(
    client: httpx.AsyncClient, requester: Account, agent: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch_ticket(
        client, agent, ticket["id"], {"assignee_id": agent.id, "status": "in_progress"}
    )
    assert response.status_code == 200, response.text

    detail = await client.get(f"/api/tickets/{ticket['id']}", headers=requester.headers)
    entries = detail.json()["timeline"]
    assert [entry["action"] for entry in entries] == ["ticket.created", "ticket.updated"]
    updated = entries[1]
    assert updated["actor_id"] == agent.id
    assert updated["ticket_id"] == ticket["id"]
    changes = updated["meta"]["changes"]
    assert changes["status"] == {"old": "open", "new": "in_progress"}
    assert changes["assignee_id"] == {"old": None, "new": agent.id}
    assert "title" not in changes
    assert "priority" not in changes

    assert await stored_timeline(db, ticket["id"]) == [
        ("ticket.created", requester.id),
        ("ticket.updated", agent.id),
    ]


async def test_timeline_records_sla_and_priority_changes(
    client: httpx.AsyncClient, admin: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, admin)
    response = await patch_ticket(client, admin, ticket["id"], {"priority": "urgent"})
    assert response.status_code == 200, response.text
    meta = await db.fetchval(
        "SELECT meta::text FROM timeline_logs WHERE ticket_id = $1 AND action = 'ticket.updated'",
        ticket["id"],
    )
    changes = json.loads(meta)["changes"]
    assert changes["priority"] == {"old": "medium", "new": "urgent"}
    assert changes["sla_minutes"] == {"old": 1440, "new": 60}
    assert "due_at" in changes


async def test_a_patch_that_changes_nothing_keeps_the_version_and_the_timeline(
    client: httpx.AsyncClient, agent: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, agent, assignee_id=agent.id)
    response = await patch_ticket(
        client, agent, ticket["id"], {"priority": "medium", "status": "open"}
    )
    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert response.headers["ETag"] == '"1"'
    assert await count_rows(db, "timeline_logs") == 1

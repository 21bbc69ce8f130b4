"""PATCH /api/tickets/{id}: If-Match, validation, who may change what, SLA, timeline."""

import json
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from tests.conftest import Account, assert_error, create_ticket


async def patch(
    client: httpx.AsyncClient,
    account: Account,
    ticket_id: int,
    body: Any,
    if_match: str | None = '"1"',
) -> httpx.Response:
    headers = dict(account.headers)
    if if_match is not None:
        headers["If-Match"] = if_match
    return await client.patch(f"/api/tickets/{ticket_id}", json=body, headers=headers)


async def ticket_row(db: asyncpg.Connection, ticket_id: int) -> asyncpg.Record:
    row = await db.fetchrow("SELECT * FROM tickets WHERE id = $1", ticket_id)
    assert row is not None
    return row


async def timeline_actions(db: asyncpg.Connection, ticket_id: int) -> list[str]:
    rows = await db.fetch(
        "SELECT action FROM timeline_logs WHERE ticket_id = $1 ORDER BY id", ticket_id
    )
    return [row["action"] for row in rows]


def minutes_between(ticket: dict[str, Any]) -> timedelta:
    return datetime.fromisoformat(ticket["due_at"]) - datetime.fromisoformat(ticket["created_at"])


# --- If-Match ------------------------------------------------------------------------------


@pytest.mark.parametrize("if_match", ["1", '"1"', 'W/"1"'])
async def test_if_match_accepts_bare_quoted_and_weak_versions(
    client: httpx.AsyncClient, requester: Account, if_match: str
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch(client, requester, ticket["id"], {"title": "New"}, if_match)
    assert response.status_code == 200, response.text
    assert response.json()["title"] == "New"
    assert response.json()["version"] == 2


async def test_missing_if_match_is_428_field_required(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch(client, requester, ticket["id"], {"title": "New"}, if_match=None)
    assert_error(response, 428, "FIELD_REQUIRED", "If-Match")
    row = await ticket_row(db, ticket["id"])
    assert (row["title"], row["version"]) == (ticket["title"], 1)


@pytest.mark.parametrize("if_match", ["abc", '"1', "W/1", "1.0", "-1", '"x"', ""])
async def test_garbage_if_match_is_400_field_invalid(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection, if_match: str
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch(client, requester, ticket["id"], {"title": "New"}, if_match)
    assert_error(response, 400, "FIELD_INVALID", "If-Match")
    assert (await ticket_row(db, ticket["id"]))["version"] == 1


async def test_stale_if_match_is_409_and_changes_nothing(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    first = await patch(client, requester, ticket["id"], {"title": "First"}, '"1"')
    assert first.status_code == 200, first.text

    stale = await patch(
        client, requester, ticket["id"], {"title": "Second", "description": "x"}, '"1"'
    )
    assert_error(stale, 409, "OPTIMISTIC_LOCK")
    row = await ticket_row(db, ticket["id"])
    assert (row["title"], row["description"], row["version"]) == ("First", "", 2)
    assert row["updated_at"] == datetime.fromisoformat(first.json()["updated_at"])
    assert await timeline_actions(db, ticket["id"]) == ["ticket.created", "ticket.updated"]


async def test_if_match_ahead_of_the_version_is_409(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch(client, requester, ticket["id"], {"title": "New"}, '"2"')
    assert_error(response, 409, "OPTIMISTIC_LOCK")
    assert (await ticket_row(db, ticket["id"]))["title"] == ticket["title"]


async def test_success_returns_the_ticket_with_version_plus_one_and_new_etag(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch(client, requester, ticket["id"], {"title": "  Renamed  "}, '"1"')
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

    again = await patch(
        client, requester, ticket["id"], {"title": "Third"}, response.headers["ETag"]
    )
    assert again.status_code == 200, again.text
    assert again.json()["version"] == 3
    assert again.headers["ETag"] == '"3"'


# --- body validation -----------------------------------------------------------------------


async def test_empty_body_is_400(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch(client, requester, ticket["id"], {})
    assert_error(response, 400, "FIELD_REQUIRED")
    assert (await ticket_row(db, ticket["id"]))["version"] == 1


async def test_unknown_field_is_400_field_invalid_naming_it(
    client: httpx.AsyncClient, admin: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, admin)
    response = await patch(client, admin, ticket["id"], {"title": "New", "colour": "red"})
    assert_error(response, 400, "FIELD_INVALID", "colour")
    row = await ticket_row(db, ticket["id"])
    assert (row["title"], row["version"]) == (ticket["title"], 1)


async def test_a_field_with_an_empty_name_is_400_field_invalid_naming_none(
    client: httpx.AsyncClient, admin: Account, db: asyncpg.Connection
) -> None:
    """Found by the fuzzer: {"": 0} answered `"field": ""` and "Unknown field: "."""
    ticket = await create_ticket(client, admin)
    response = await patch(client, admin, ticket["id"], {"": 0})
    assert_error(response, 400, "FIELD_INVALID")
    assert response.json()["error"]["message"] == "Unknown field with an empty name"
    row = await ticket_row(db, ticket["id"])
    assert row["version"] == 1


@pytest.mark.parametrize("field", ["title", "status", "priority", "sla_minutes"])
async def test_null_for_a_required_field_is_400_naming_it(
    client: httpx.AsyncClient, admin: Account, db: asyncpg.Connection, field: str
) -> None:
    ticket = await create_ticket(client, admin)
    response = await patch(client, admin, ticket["id"], {field: None})
    assert_error(response, 400, "FIELD_INVALID", field)
    row = await ticket_row(db, ticket["id"])
    assert (row[field], row["version"]) == (ticket[field], 1)


async def test_the_documented_update_schema_allows_null_only_where_the_api_does(
    client: httpx.AsyncClient,
) -> None:
    """Found by the fuzzer: title, status, priority and sla_minutes were documented as
    nullable, and a client sending the documented null got a 400."""
    spec = (await client.get("/openapi.json")).json()
    properties = spec["components"]["schemas"]["TicketUpdate"]["properties"]
    nullable = {
        name for name, schema in properties.items() if {"type": "null"} in schema.get("anyOf", [])
    }
    assert nullable == {"description", "assignee_id"}


async def test_null_description_empties_it(client: httpx.AsyncClient, requester: Account) -> None:
    ticket = await create_ticket(client, requester, description="Tray 2")
    response = await patch(client, requester, ticket["id"], {"description": None})
    assert response.status_code == 200, response.text
    assert response.json()["description"] == ""


async def test_blank_title_is_400_field_required(
    client: httpx.AsyncClient, requester: Account
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch(client, requester, ticket["id"], {"title": "   "})
    assert_error(response, 400, "FIELD_REQUIRED", "title")


async def test_unknown_status_is_400_field_invalid(
    client: httpx.AsyncClient, admin: Account
) -> None:
    ticket = await create_ticket(client, admin)
    response = await patch(client, admin, ticket["id"], {"status": "done"})
    assert_error(response, 400, "FIELD_INVALID", "status")


async def test_patch_on_a_missing_ticket_is_404(client: httpx.AsyncClient, admin: Account) -> None:
    response = await patch(client, admin, 999, {"title": "New"})
    assert_error(response, 404, "NOT_FOUND")


async def test_patch_without_a_token_is_401(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    response = await client.patch(
        f"/api/tickets/{ticket['id']}", json={"title": "New"}, headers={"If-Match": '"1"'}
    )
    assert_error(response, 401, "UNAUTHORIZED")
    assert (await ticket_row(db, ticket["id"]))["version"] == 1


# --- user ----------------------------------------------------------------------------------


async def test_user_may_change_title_and_description_of_own_ticket(
    client: httpx.AsyncClient, requester: Account
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch(
        client, requester, ticket["id"], {"title": "Paper jam", "description": "Tray 2"}
    )
    assert response.status_code == 200, response.text
    assert (response.json()["title"], response.json()["description"]) == ("Paper jam", "Tray 2")


async def test_user_cannot_change_status_of_own_ticket(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch(client, requester, ticket["id"], {"status": "closed"})
    assert_error(response, 403, "FORBIDDEN", "status")
    row = await ticket_row(db, ticket["id"])
    assert (row["status"], row["version"]) == ("open", 1)


@pytest.mark.parametrize(
    ("field", "value"),
    [("priority", "urgent"), ("assignee_id", None), ("sla_minutes", 10)],
)
async def test_user_cannot_change_staff_fields_of_own_ticket(
    client: httpx.AsyncClient, requester: Account, field: str, value: Any
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch(client, requester, ticket["id"], {field: value})
    assert_error(response, 403, "FORBIDDEN", field)


async def test_user_cannot_change_title_together_with_status(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch(client, requester, ticket["id"], {"title": "New", "status": "closed"})
    assert_error(response, 403, "FORBIDDEN", "status")
    assert (await ticket_row(db, ticket["id"]))["title"] == ticket["title"]


async def test_user_patching_someone_elses_ticket_gets_404(
    client: httpx.AsyncClient, requester: Account, other_user: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch(client, other_user, ticket["id"], {"title": "Mine now"})
    assert_error(response, 404, "NOT_FOUND")
    assert (await ticket_row(db, ticket["id"]))["title"] == ticket["title"]


# --- agent ---------------------------------------------------------------------------------


async def test_agent_may_change_status_priority_and_assignee_of_assigned_ticket(
    client: httpx.AsyncClient, agent: Account, other_agent: Account
) -> None:
    ticket = await create_ticket(client, agent, assignee_id=agent.id)
    response = await patch(
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
    response = await patch(client, agent, ticket["id"], {"assignee_id": None})
    assert response.status_code == 200, response.text
    assert response.json()["assignee_id"] is None


async def test_agent_cannot_change_ticket_assigned_to_another_agent(
    client: httpx.AsyncClient, agent: Account, other_agent: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, other_agent, assignee_id=other_agent.id)
    response = await patch(client, agent, ticket["id"], {"status": "resolved"})
    assert_error(response, 403, "FORBIDDEN", "status")
    row = await ticket_row(db, ticket["id"])
    assert (row["status"], row["version"]) == ("open", 1)


async def test_agent_cannot_take_a_ticket_assigned_to_another_agent(
    client: httpx.AsyncClient, agent: Account, other_agent: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, other_agent, assignee_id=other_agent.id)
    response = await patch(client, agent, ticket["id"], {"assignee_id": agent.id})
    assert_error(response, 403, "FORBIDDEN", "assignee_id")
    assert (await ticket_row(db, ticket["id"]))["assignee_id"] == other_agent.id


async def test_agent_cannot_change_unassigned_ticket_without_claiming_it(
    client: httpx.AsyncClient, requester: Account, agent: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch(client, agent, ticket["id"], {"status": "in_progress"})
    assert_error(response, 403, "FORBIDDEN", "status")
    row = await ticket_row(db, ticket["id"])
    assert (row["status"], row["assignee_id"], row["version"]) == ("open", None, 1)


async def test_agent_cannot_assign_unassigned_ticket_to_another_agent(
    client: httpx.AsyncClient,
    requester: Account,
    agent: Account,
    other_agent: Account,
    db: asyncpg.Connection,
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch(client, agent, ticket["id"], {"assignee_id": other_agent.id})
    assert_error(response, 403, "FORBIDDEN", "assignee_id")
    assert (await ticket_row(db, ticket["id"]))["assignee_id"] is None


async def test_agent_may_claim_an_unassigned_ticket(
    client: httpx.AsyncClient, requester: Account, agent: Account
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch(client, agent, ticket["id"], {"assignee_id": agent.id})
    assert response.status_code == 200, response.text
    assert response.json()["assignee_id"] == agent.id
    assert response.json()["version"] == 2


async def test_agent_may_claim_an_unassigned_ticket_and_change_its_status(
    client: httpx.AsyncClient, requester: Account, agent: Account
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch(
        client, agent, ticket["id"], {"assignee_id": agent.id, "status": "in_progress"}
    )
    assert response.status_code == 200, response.text
    assert (response.json()["assignee_id"], response.json()["status"]) == (
        agent.id,
        "in_progress",
    )


@pytest.mark.parametrize(
    ("field", "value"), [("title", "Agent title"), ("description", "x"), ("sla_minutes", 30)]
)
async def test_agent_cannot_change_requester_or_admin_fields_of_assigned_ticket(
    client: httpx.AsyncClient,
    agent: Account,
    db: asyncpg.Connection,
    field: str,
    value: Any,
) -> None:
    ticket = await create_ticket(client, agent, assignee_id=agent.id)
    response = await patch(client, agent, ticket["id"], {field: value})
    assert_error(response, 403, "FORBIDDEN", field)
    row = await ticket_row(db, ticket["id"])
    assert row[field] == ticket[field]
    assert row["version"] == 1


async def test_agent_claiming_cannot_also_change_title(
    client: httpx.AsyncClient, requester: Account, agent: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch(client, agent, ticket["id"], {"assignee_id": agent.id, "title": "X"})
    assert_error(response, 403, "FORBIDDEN", "title")
    assert (await ticket_row(db, ticket["id"]))["assignee_id"] is None


# --- admin ---------------------------------------------------------------------------------


async def test_admin_may_change_every_field_of_any_ticket(
    client: httpx.AsyncClient, requester: Account, admin: Account, agent: Account
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch(
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
    response = await patch(client, admin, ticket["id"], {"sla_minutes": 17})
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
    response = await patch(client, admin, ticket["id"], {"sla_minutes": 0})
    assert response.status_code == 200, response.text
    assert response.json()["due_at"] == response.json()["created_at"]
    assert response.json()["breached"] is True


@pytest.mark.parametrize("value", [-1, 525601, "60", 1.5])
async def test_out_of_range_or_non_integer_sla_minutes_is_400(
    client: httpx.AsyncClient, admin: Account, value: Any
) -> None:
    ticket = await create_ticket(client, admin)
    response = await patch(client, admin, ticket["id"], {"sla_minutes": value})
    assert_error(response, 400, "FIELD_INVALID", "sla_minutes")


async def test_assignee_must_be_staff(
    client: httpx.AsyncClient,
    requester: Account,
    other_user: Account,
    admin: Account,
    db: asyncpg.Connection,
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch(client, admin, ticket["id"], {"assignee_id": other_user.id})
    assert_error(response, 400, "FIELD_INVALID", "assignee_id")
    row = await ticket_row(db, ticket["id"])
    assert (row["assignee_id"], row["version"]) == (None, 1)


async def test_assignee_that_does_not_exist_is_400(
    client: httpx.AsyncClient, admin: Account
) -> None:
    ticket = await create_ticket(client, admin)
    response = await patch(client, admin, ticket["id"], {"assignee_id": 4242})
    assert_error(response, 400, "FIELD_INVALID", "assignee_id")


async def test_agent_reassigning_to_a_plain_user_is_400(
    client: httpx.AsyncClient, agent: Account, other_user: Account
) -> None:
    ticket = await create_ticket(client, agent, assignee_id=agent.id)
    response = await patch(client, agent, ticket["id"], {"assignee_id": other_user.id})
    assert_error(response, 400, "FIELD_INVALID", "assignee_id")


async def test_admin_null_assignee_unassigns(
    client: httpx.AsyncClient, admin: Account, agent: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, admin, assignee_id=agent.id)
    response = await patch(client, admin, ticket["id"], {"assignee_id": None})
    assert response.status_code == 200, response.text
    assert response.json()["assignee_id"] is None
    assert (await ticket_row(db, ticket["id"]))["assignee_id"] is None


# --- SLA follows priority ------------------------------------------------------------------


async def test_priority_change_resets_sla_to_the_new_priority_default(
    client: httpx.AsyncClient, admin: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, admin)
    assert (ticket["priority"], ticket["sla_minutes"]) == ("medium", 1440)
    response = await patch(client, admin, ticket["id"], {"priority": "urgent"})
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
    response = await patch(client, agent, ticket["id"], {"priority": priority})
    assert response.status_code == 200, response.text
    assert response.json()["sla_minutes"] == minutes
    assert minutes_between(response.json()) == timedelta(minutes=minutes)


async def test_sla_minutes_sent_with_priority_wins(
    client: httpx.AsyncClient, admin: Account
) -> None:
    ticket = await create_ticket(client, admin)
    response = await patch(client, admin, ticket["id"], {"priority": "urgent", "sla_minutes": 90})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["priority"], body["sla_minutes"]) == ("urgent", 90)
    assert minutes_between(body) == timedelta(minutes=90)


# --- timeline ------------------------------------------------------------------------------


async def test_update_writes_a_timeline_entry_with_old_and_new_values(
    client: httpx.AsyncClient, requester: Account, agent: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch(
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

    rows = await db.fetch(
        "SELECT actor_id FROM timeline_logs WHERE ticket_id = $1 AND action = 'ticket.updated'",
        ticket["id"],
    )
    assert [row["actor_id"] for row in rows] == [agent.id]


async def test_timeline_records_sla_and_priority_changes(
    client: httpx.AsyncClient, admin: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, admin)
    response = await patch(client, admin, ticket["id"], {"priority": "urgent"})
    assert response.status_code == 200, response.text
    meta = await db.fetchval(
        "SELECT meta::text FROM timeline_logs WHERE ticket_id = $1 AND action = 'ticket.updated'",
        ticket["id"],
    )
    changes = json.loads(meta)["changes"]
    assert changes["priority"] == {"old": "medium", "new": "urgent"}
    assert changes["sla_minutes"] == {"old": 1440, "new": 60}
    assert "due_at" in changes


@pytest.mark.parametrize(
    ("body", "if_match", "status"),
    [
        ({"status": "closed"}, '"1"', 403),
        ({"title": "New"}, '"7"', 409),
        ({"title": "New"}, None, 428),
        ({"title": ""}, '"1"', 400),
        ({"nope": 1}, '"1"', 400),
    ],
)
async def test_refused_update_adds_no_timeline_entry(
    client: httpx.AsyncClient,
    requester: Account,
    db: asyncpg.Connection,
    body: dict[str, Any],
    if_match: str | None,
    status: int,
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch(client, requester, ticket["id"], body, if_match)
    assert response.status_code == status, response.text
    assert await timeline_actions(db, ticket["id"]) == ["ticket.created"]
    row = await ticket_row(db, ticket["id"])
    assert (row["title"], row["status"], row["version"]) == (ticket["title"], "open", 1)


async def test_a_patch_that_changes_nothing_keeps_the_version_and_the_timeline(
    client: httpx.AsyncClient, agent: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, agent, assignee_id=agent.id)
    response = await client.patch(
        f"/api/tickets/{ticket['id']}",
        json={"priority": "medium", "status": "open"},
        headers={**agent.headers, "If-Match": '"1"'},
    )
    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert response.headers["ETag"] == '"1"'
    assert await db.fetchval("SELECT count(*) FROM timeline_logs") == 1

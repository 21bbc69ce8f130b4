"""POST /api/tickets: the fields it returns, validation, SLA defaults and who may set what."""

from datetime import datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from tests.conftest import (
    ISO_8601_WITH_OFFSET,
    TICKET_FIELDS,
    Account,
    Accounts,
    assert_error,
    create_ticket,
)


async def post_ticket(client: httpx.AsyncClient, account: Account, body: Any) -> httpx.Response:
    return await client.post("/api/tickets", json=body, headers=account.headers)


async def stored_counts(db: asyncpg.Connection) -> tuple[int, int]:
    tickets = await db.fetchval("SELECT count(*) FROM tickets")
    entries = await db.fetchval("SELECT count(*) FROM timeline_logs")
    return tickets, entries


# --- the created ticket ----------------------------------------------------------------------


async def test_create_returns_201_with_every_documented_field(
    client: httpx.AsyncClient, requester: Account
) -> None:
    response = await post_ticket(
        client, requester, {"title": "VPN drops", "description": "Every hour or so"}
    )

    assert response.status_code == 201, response.text
    ticket = response.json()
    assert set(ticket) == TICKET_FIELDS
    assert isinstance(ticket["id"], int)
    assert ticket["title"] == "VPN drops"
    assert ticket["description"] == "Every hour or so"
    assert ticket["status"] == "open"
    assert ticket["priority"] == "medium"
    assert ticket["requester_id"] == requester.id
    assert ticket["assignee_id"] is None
    assert ticket["sla_minutes"] == 1440
    assert ticket["breached"] is False
    assert ticket["version"] == 1


async def test_create_sends_etag_of_version_one(
    client: httpx.AsyncClient, requester: Account
) -> None:
    response = await post_ticket(client, requester, {"title": "VPN drops"})

    assert response.status_code == 201, response.text
    assert response.headers["ETag"] == '"1"'


async def test_created_ticket_is_stored_as_returned(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester, title="VPN drops", priority="high")

    row = await db.fetchrow("SELECT * FROM tickets WHERE id = $1", ticket["id"])
    assert row is not None
    assert row["title"] == "VPN drops"
    assert row["priority"] == "high"
    assert row["status"] == "open"
    assert row["requester_id"] == requester.id
    assert row["version"] == 1
    assert row["sla_minutes"] == 240
    assert row["due_at"] == datetime.fromisoformat(ticket["due_at"])
    assert row["created_at"] == datetime.fromisoformat(ticket["created_at"])


async def test_description_defaults_to_empty_text(
    client: httpx.AsyncClient, requester: Account
) -> None:
    ticket = await create_ticket(client, requester, title="No details")

    assert ticket["description"] == ""


@pytest.mark.parametrize("field", ["created_at", "updated_at", "due_at"])
async def test_timestamps_are_iso_8601_with_an_offset(
    client: httpx.AsyncClient, requester: Account, field: str
) -> None:
    ticket = await create_ticket(client, requester)

    value = ticket[field]
    assert ISO_8601_WITH_OFFSET.fullmatch(value), value
    parsed = datetime.fromisoformat(value)
    assert parsed.utcoffset() is not None


async def test_title_is_trimmed(client: httpx.AsyncClient, requester: Account) -> None:
    ticket = await create_ticket(client, requester, title="  \t Printer jammed \n ")

    assert ticket["title"] == "Printer jammed"


async def test_title_of_200_characters_after_trimming_is_accepted(
    client: httpx.AsyncClient, requester: Account
) -> None:
    title = "t" * 200

    ticket = await create_ticket(client, requester, title=f"  {title}  ")

    assert ticket["title"] == title


async def test_description_of_10000_characters_is_accepted(
    client: httpx.AsyncClient, requester: Account
) -> None:
    description = "d" * 10_000

    ticket = await create_ticket(client, requester, description=description)

    assert ticket["description"] == description


@pytest.mark.parametrize("priority", ["low", "medium", "high", "urgent"])
async def test_every_priority_is_accepted(
    client: httpx.AsyncClient, requester: Account, priority: str
) -> None:
    ticket = await create_ticket(client, requester, priority=priority)

    assert ticket["priority"] == priority


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize("title", ["", "   ", "\t\n"])
async def test_blank_title_is_field_required(
    client: httpx.AsyncClient, requester: Account, title: str
) -> None:
    response = await post_ticket(client, requester, {"title": title})

    assert_error(response, 400, "FIELD_REQUIRED", "title")


async def test_missing_title_is_field_required(
    client: httpx.AsyncClient, requester: Account
) -> None:
    response = await post_ticket(client, requester, {"description": "no title"})

    assert_error(response, 400, "FIELD_REQUIRED", "title")


async def test_title_of_201_characters_is_invalid(
    client: httpx.AsyncClient, requester: Account
) -> None:
    response = await post_ticket(client, requester, {"title": "t" * 201})

    assert_error(response, 400, "FIELD_INVALID", "title")


async def test_title_that_is_not_text_is_invalid(
    client: httpx.AsyncClient, requester: Account
) -> None:
    response = await post_ticket(client, requester, {"title": 5})

    assert_error(response, 400, "FIELD_INVALID", "title")


async def test_description_of_10001_characters_is_invalid(
    client: httpx.AsyncClient, requester: Account
) -> None:
    response = await post_ticket(client, requester, {"title": "x", "description": "d" * 10_001})

    assert_error(response, 400, "FIELD_INVALID", "description")


async def test_unknown_priority_is_invalid(client: httpx.AsyncClient, requester: Account) -> None:
    response = await post_ticket(client, requester, {"title": "x", "priority": "zzz"})

    assert_error(response, 400, "FIELD_INVALID", "priority")


async def test_unknown_field_is_invalid(client: httpx.AsyncClient, requester: Account) -> None:
    response = await post_ticket(client, requester, {"title": "x", "status": "closed"})

    assert_error(response, 400, "FIELD_INVALID", "status")


async def test_body_that_is_not_an_object_is_bad_request(
    client: httpx.AsyncClient, requester: Account
) -> None:
    response = await post_ticket(client, requester, ["title"])

    assert_error(response, 400, "BAD_REQUEST")


async def test_title_with_a_nul_character_is_refused_not_a_server_error(
    client: httpx.AsyncClient, requester: Account
) -> None:
    response = await post_ticket(client, requester, {"title": "Printer\u0000jammed"})

    assert_error(response, 400, "FIELD_INVALID", "title")


async def test_create_without_a_token_is_unauthorized(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/tickets", json={"title": "x"})

    assert_error(response, 401, "UNAUTHORIZED")


# --- SLA ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("priority", "minutes"), [("urgent", 60), ("high", 240), ("medium", 1440), ("low", 4320)]
)
async def test_sla_minutes_default_from_priority(
    client: httpx.AsyncClient, requester: Account, priority: str, minutes: int
) -> None:
    ticket = await create_ticket(client, requester, priority=priority)

    assert ticket["sla_minutes"] == minutes


@pytest.mark.parametrize("priority", ["urgent", "high", "medium", "low"])
async def test_due_at_is_created_at_plus_sla_minutes_exactly(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection, priority: str
) -> None:
    ticket = await create_ticket(client, requester, priority=priority)

    gap = datetime.fromisoformat(ticket["due_at"]) - datetime.fromisoformat(ticket["created_at"])
    assert gap == timedelta(minutes=ticket["sla_minutes"])
    stored_gap = await db.fetchval(
        "SELECT due_at - created_at FROM tickets WHERE id = $1", ticket["id"]
    )
    assert stored_gap == timedelta(minutes=ticket["sla_minutes"])


@pytest.mark.parametrize("role", ["agent", "admin"])
@pytest.mark.parametrize("minutes", [0, 1, 525600])
async def test_staff_may_set_sla_minutes_within_bounds(
    client: httpx.AsyncClient, accounts: Accounts, role: str, minutes: int
) -> None:
    staff = await accounts.create(role)

    ticket = await create_ticket(client, staff, sla_minutes=minutes)

    assert ticket["sla_minutes"] == minutes
    gap = datetime.fromisoformat(ticket["due_at"]) - datetime.fromisoformat(ticket["created_at"])
    assert gap == timedelta(minutes=minutes)


async def test_sla_minutes_set_by_staff_wins_over_the_priority_default(
    client: httpx.AsyncClient, agent: Account
) -> None:
    ticket = await create_ticket(client, agent, priority="urgent", sla_minutes=15)

    assert ticket["priority"] == "urgent"
    assert ticket["sla_minutes"] == 15


async def test_ticket_with_sla_of_zero_is_breached_at_once(
    client: httpx.AsyncClient, agent: Account
) -> None:
    ticket = await create_ticket(client, agent, sla_minutes=0)

    assert ticket["due_at"] == ticket["created_at"]
    assert ticket["breached"] is True


@pytest.mark.parametrize("minutes", [-1, 525601, "60", 60.5, True])
async def test_sla_minutes_out_of_range_or_not_an_integer_is_invalid(
    client: httpx.AsyncClient, agent: Account, db: asyncpg.Connection, minutes: object
) -> None:
    response = await post_ticket(client, agent, {"title": "x", "sla_minutes": minutes})

    assert_error(response, 400, "FIELD_INVALID", "sla_minutes")
    assert await stored_counts(db) == (0, 0)


# --- assignee ----------------------------------------------------------------------------------


@pytest.mark.parametrize("creator_role", ["agent", "admin"])
@pytest.mark.parametrize("assignee_role", ["agent", "admin"])
async def test_staff_may_assign_to_an_agent_or_admin(
    client: httpx.AsyncClient, accounts: Accounts, creator_role: str, assignee_role: str
) -> None:
    creator = await accounts.create(creator_role)
    assignee = await accounts.create(assignee_role)

    ticket = await create_ticket(client, creator, assignee_id=assignee.id)

    assert ticket["assignee_id"] == assignee.id
    assert ticket["requester_id"] == creator.id


async def test_agent_may_assign_the_ticket_to_themselves(
    client: httpx.AsyncClient, agent: Account
) -> None:
    ticket = await create_ticket(client, agent, assignee_id=agent.id)

    assert ticket["assignee_id"] == agent.id


async def test_assignee_who_is_a_plain_user_is_invalid(
    client: httpx.AsyncClient, agent: Account, requester: Account, db: asyncpg.Connection
) -> None:
    response = await post_ticket(client, agent, {"title": "x", "assignee_id": requester.id})

    assert_error(response, 400, "FIELD_INVALID", "assignee_id")
    assert await stored_counts(db) == (0, 0)


@pytest.mark.parametrize("assignee_id", [12345, 0, -1, 99999999999, "2"])
async def test_assignee_that_is_no_account_is_invalid(
    client: httpx.AsyncClient, agent: Account, db: asyncpg.Connection, assignee_id: object
) -> None:
    response = await post_ticket(client, agent, {"title": "x", "assignee_id": assignee_id})

    assert_error(response, 400, "FIELD_INVALID", "assignee_id")
    assert await stored_counts(db) == (0, 0)


# --- what a plain user may not set ------------------------------------------------------------


async def test_user_may_not_set_assignee_id(
    client: httpx.AsyncClient, requester: Account, agent: Account, db: asyncpg.Connection
) -> None:
    response = await post_ticket(client, requester, {"title": "x", "assignee_id": agent.id})

    assert_error(response, 403, "FORBIDDEN", "assignee_id")
    assert await stored_counts(db) == (0, 0)


@pytest.mark.parametrize("minutes", [0, 60, 1440])
async def test_user_may_not_set_sla_minutes(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection, minutes: int
) -> None:
    response = await post_ticket(client, requester, {"title": "x", "sla_minutes": minutes})

    assert_error(response, 403, "FORBIDDEN", "sla_minutes")
    assert await stored_counts(db) == (0, 0)


# --- timeline and nothing stored on refusal ---------------------------------------------------


async def test_create_writes_a_ticket_created_timeline_entry(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)

    detail = await client.get(f"/api/tickets/{ticket['id']}", headers=requester.headers)
    assert detail.status_code == 200, detail.text
    timeline = detail.json()["timeline"]
    assert [entry["action"] for entry in timeline] == ["ticket.created"]
    assert timeline[0]["actor_id"] == requester.id
    assert timeline[0]["ticket_id"] == ticket["id"]
    rows = await db.fetch(
        "SELECT action, actor_id FROM timeline_logs WHERE ticket_id = $1", ticket["id"]
    )
    assert [(r["action"], r["actor_id"]) for r in rows] == [("ticket.created", requester.id)]


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"title": ""}, 400, "FIELD_REQUIRED", "title"),
        ({}, 400, "FIELD_REQUIRED", "title"),
        ({"title": "t" * 201}, 400, "FIELD_INVALID", "title"),
        ({"title": "x", "description": "d" * 10_001}, 400, "FIELD_INVALID", "description"),
        ({"title": "x", "priority": "zzz"}, 400, "FIELD_INVALID", "priority"),
        ({"title": "x", "sla_minutes": 30}, 403, "FORBIDDEN", "sla_minutes"),
        ({"title": "x", "assignee_id": "<agent>"}, 403, "FORBIDDEN", "assignee_id"),
    ],
)
async def test_refused_create_by_a_user_stores_nothing(
    client: httpx.AsyncClient,
    agent: Account,
    requester: Account,
    db: asyncpg.Connection,
    body: dict[str, Any],
    status: int,
    code: str,
    field: str,
) -> None:
    if body.get("assignee_id") == "<agent>":
        body = {**body, "assignee_id": agent.id}

    response = await post_ticket(client, requester, body)

    assert_error(response, status, code, field)
    assert await stored_counts(db) == (0, 0)


async def test_a_lone_surrogate_in_the_title_is_refused_not_a_server_error(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    response = await client.post(
        "/api/tickets",
        content=b'{"title": "broken \\ud800 text"}',
        headers={**requester.headers, "Content-Type": "application/json"},
    )
    assert_error(response, 400, "FIELD_INVALID", "title")
    assert await db.fetchval("SELECT count(*) FROM tickets") == 0

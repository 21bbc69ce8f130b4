"""POST /api/tickets: the fields it returns, validation, SLA defaults and who may set what."""

from datetime import datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.accounts import Account, Accounts
from tests.support.db import count_rows
from tests.support.responses import ISO_8601_WITH_OFFSET, TICKET_FIELDS, assert_error
from tests.support.tickets import TICKETS, create_ticket, post_ticket, stored_timeline


async def stored_counts(db: asyncpg.Connection) -> tuple[int, int]:
    return await count_rows(db, "tickets"), await count_rows(db, "timeline_logs")


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


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ({"title": "No details"}, {"description": ""}),
        ({"title": "  \t Printer jammed \n "}, {"title": "Printer jammed"}),
        ({"title": f"  {'t' * 200}  "}, {"title": "t" * 200}),
        ({"description": "d" * 10_000}, {"description": "d" * 10_000}),
    ],
    ids=[
        "description-defaults-to-empty",
        "title-trimmed",
        "title-of-200-characters-after-trimming",
        "description-of-10000-characters",
    ],
)
async def test_a_created_ticket_holds_the_text_sent_trimmed(
    client: httpx.AsyncClient, requester: Account, sent: dict[str, str], stored: dict[str, str]
) -> None:
    ticket = await create_ticket(client, requester, **sent)

    assert {field: ticket[field] for field in stored} == stored


@pytest.mark.parametrize("field", ["created_at", "updated_at", "due_at"])
async def test_timestamps_are_iso_8601_with_an_offset(
    client: httpx.AsyncClient, requester: Account, field: str
) -> None:
    ticket = await create_ticket(client, requester)

    value = ticket[field]
    assert ISO_8601_WITH_OFFSET.fullmatch(value), value
    parsed = datetime.fromisoformat(value)
    assert parsed.utcoffset() is not None


# --- SLA ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("priority", "minutes"), [("urgent", 60), ("high", 240), ("medium", 1440), ("low", 4320)]
)
async def test_each_priority_is_accepted_and_due_after_its_default_sla_exactly(
    client: httpx.AsyncClient,
    requester: Account,
    db: asyncpg.Connection,
    priority: str,
    minutes: int,
) -> None:
    ticket = await create_ticket(client, requester, priority=priority)

    assert ticket["priority"] == priority
    assert ticket["sla_minutes"] == minutes
    gap = datetime.fromisoformat(ticket["due_at"]) - datetime.fromisoformat(ticket["created_at"])
    assert gap == timedelta(minutes=minutes)
    stored_gap = await db.fetchval(
        "SELECT due_at - created_at FROM tickets WHERE id = $1", ticket["id"]
    )
    assert stored_gap == timedelta(minutes=minutes)


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


# --- refused: nothing stored ------------------------------------------------------------------

AGENT, REQUESTER = "<agent>", "<requester>"  # ids known once the accounts exist


def refused(caller: str, label: str, body: Any, status: int, code: str, field: str | None) -> Any:
    return pytest.param(caller, body, status, code, field, id=f"{caller}: {label}")


REFUSED = [
    # What anyone may get wrong.
    *[
        refused("user", f"blank title {title!r}", {"title": title}, 400, "FIELD_REQUIRED", "title")
        for title in ("", "   ", "\t\n")
    ],
    refused("user", "no title", {"description": "no title"}, 400, "FIELD_REQUIRED", "title"),
    refused("user", "empty body", {}, 400, "FIELD_REQUIRED", "title"),
    refused("user", "title of 201", {"title": "t" * 201}, 400, "FIELD_INVALID", "title"),
    refused("user", "title not text", {"title": 5}, 400, "FIELD_INVALID", "title"),
    refused(
        "user", "NUL in title", {"title": "Printer\u0000jammed"}, 400, "FIELD_INVALID", "title"
    ),
    refused(
        "user",
        "description of 10001",
        {"title": "x", "description": "d" * 10_001},
        400,
        "FIELD_INVALID",
        "description",
    ),
    refused(
        "user",
        "unknown priority",
        {"title": "x", "priority": "zzz"},
        400,
        "FIELD_INVALID",
        "priority",
    ),
    refused(
        "user", "unknown field", {"title": "x", "status": "closed"}, 400, "FIELD_INVALID", "status"
    ),
    refused("user", "body not an object", ["title"], 400, "BAD_REQUEST", None),
    # What only staff may set.
    *[
        refused(
            "user",
            f"sla_minutes {minutes}",
            {"title": "x", "sla_minutes": minutes},
            403,
            "FORBIDDEN",
            "sla_minutes",
        )
        for minutes in (0, 30, 60, 1440)
    ],
    refused(
        "user", "assignee", {"title": "x", "assignee_id": AGENT}, 403, "FORBIDDEN", "assignee_id"
    ),
    # What staff may set, within bounds.
    *[
        refused(
            "agent",
            f"sla_minutes {minutes!r}",
            {"title": "x", "sla_minutes": minutes},
            400,
            "FIELD_INVALID",
            "sla_minutes",
        )
        for minutes in (-1, 525601, "60", 60.5, True)
    ],
    *[
        refused(
            "agent",
            f"assignee {assignee_id!r}",
            {"title": "x", "assignee_id": assignee_id},
            400,
            "FIELD_INVALID",
            "assignee_id",
        )
        for assignee_id in (REQUESTER, 12345, 0, -1, 99999999999, "2")
    ],
]


@pytest.mark.parametrize(("caller", "body", "status", "code", "field"), REFUSED)
async def test_a_refused_create_stores_nothing(
    client: httpx.AsyncClient,
    agent: Account,
    requester: Account,
    db: asyncpg.Connection,
    caller: str,
    body: Any,
    status: int,
    code: str,
    field: str | None,
) -> None:
    if isinstance(body, dict) and body.get("assignee_id") in (AGENT, REQUESTER):
        body = {**body, "assignee_id": (agent if body["assignee_id"] == AGENT else requester).id}

    response = await post_ticket(client, agent if caller == "agent" else requester, body)

    assert_error(response, status, code, field)
    assert await stored_counts(db) == (0, 0)


async def test_create_without_a_token_is_unauthorized(client: httpx.AsyncClient) -> None:
    response = await client.post(TICKETS, json={"title": "x"})

    assert_error(response, 401, "UNAUTHORIZED")


# --- timeline ----------------------------------------------------------------------------------


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
    assert await stored_timeline(db, ticket["id"]) == [("ticket.created", requester.id)]


async def test_a_lone_surrogate_in_the_title_is_refused_not_a_server_error(
    client: httpx.AsyncClient, requester: Account, db: asyncpg.Connection
) -> None:
    response = await client.post(
        TICKETS,
        content=b'{"title": "broken \\ud800 text"}',
        headers={**requester.headers, "Content-Type": "application/json"},
    )
    assert_error(response, 400, "FIELD_INVALID", "title")
    assert await stored_counts(db) == (0, 0)

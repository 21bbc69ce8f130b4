"""The lists' orders (`sort`) and their cursors, and `GET /api/tickets/count`."""

from datetime import datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.accounts import Account
from tests.support.cursors import craft_cursor
from tests.support.responses import assert_error
from tests.support.tickets import (
    BREACHED,
    TICKETS,
    change_ticket,
    create_ticket,
    insert_tickets,
    list_ids,
)

RANK = {"urgent": 0, "high": 1, "medium": 2, "low": 3}
COUNT = f"{TICKETS}/count"


async def every_page(
    client: httpx.AsyncClient, account: Account, params: dict[str, Any], path: str = TICKETS
) -> list[dict[str, Any]]:
    """The whole list, page after page by cursor."""
    shown: list[dict[str, Any]] = []
    params = {**params, "limit": 3}
    while True:
        response = await client.get(path, params=params, headers=account.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        shown += body["items"]
        if body["next_cursor"] is None:
            return shown
        params["cursor"] = body["next_cursor"]


async def a_desk(
    client: httpx.AsyncClient, requester: Account, admin: Account
) -> list[dict[str, Any]]:
    """Tickets of every priority, due at different times, two of them paused."""
    tickets = []
    for priority, sla_minutes in [
        ("low", 30),
        ("urgent", 600),
        ("medium", 10),
        ("high", 300),
        ("urgent", 5),
        ("medium", 600),
        ("low", 20),
    ]:
        ticket = await create_ticket(client, requester, priority=priority)
        tickets.append(
            await change_ticket(client, admin, ticket["id"], {"sla_minutes": sla_minutes})
        )
    for index in (2, 5):
        tickets[index] = await change_ticket(
            client, admin, tickets[index]["id"], {"status": "pending"}
        )
    return tickets


def due_key(ticket: dict[str, Any]) -> tuple[datetime | float, int]:
    due = ticket["due_at"]
    return (datetime.fromisoformat(due).timestamp() if due else float("inf"), ticket["id"])


async def test_by_due_date_soonest_first_and_paused_last(
    client: httpx.AsyncClient, requester: Account, admin: Account
) -> None:
    tickets = await a_desk(client, requester, admin)
    shown = await every_page(client, admin, {"sort": "due_at"})
    assert [t["id"] for t in shown] == [t["id"] for t in sorted(tickets, key=due_key)]
    assert [t["sla_paused"] for t in shown][-2:] == [True, True]


async def test_by_priority_most_urgent_first_then_soonest_due(
    client: httpx.AsyncClient, requester: Account, admin: Account
) -> None:
    tickets = await a_desk(client, requester, admin)
    shown = await every_page(client, admin, {"sort": "-priority"})
    expected = sorted(tickets, key=lambda t: (RANK[t["priority"]], *due_key(t)))
    assert [t["id"] for t in shown] == [t["id"] for t in expected]
    assert shown[0]["priority"] == "urgent"


async def test_by_last_update_and_newest_first(
    client: httpx.AsyncClient, requester: Account, admin: Account
) -> None:
    tickets = await a_desk(client, requester, admin)
    touched = await change_ticket(client, admin, tickets[0]["id"], {"title": "Touched last"})
    by_update = await every_page(client, admin, {"sort": "-updated_at"})
    assert by_update[0]["id"] == touched["id"]
    stamps = [(t["updated_at"], t["id"]) for t in by_update]
    assert stamps == sorted(stamps, reverse=True)
    newest = await every_page(client, admin, {"sort": "-created_at"})
    assert [t["id"] for t in newest] == sorted((t["id"] for t in tickets), reverse=True)
    assert [t["id"] for t in newest] == [t["id"] for t in await every_page(client, admin, {})]


async def test_offset_pages_follow_the_sort(
    client: httpx.AsyncClient, requester: Account, admin: Account
) -> None:
    tickets = await a_desk(client, requester, admin)
    expected = [t["id"] for t in sorted(tickets, key=due_key)]
    first = await list_ids(client, admin, {"sort": "due_at", "limit": 4})
    second = await list_ids(client, admin, {"sort": "due_at", "limit": 4, "offset": 4})
    assert first + second == expected


@pytest.mark.parametrize("sort", ["-created_at", "due_at", "-priority", "-updated_at"])
@pytest.mark.parametrize("status", [None, "open,pending"])
async def test_pages_by_offset_hold_what_pages_by_cursor_hold(
    client: httpx.AsyncClient, requester: Account, admin: Account, sort: str, status: str | None
) -> None:
    """An offset page reads the ids it skips on their own, then its rows: the same rows
    in the same order as walking the list by cursor."""
    await a_desk(client, requester, admin)
    filters = {"sort": sort} | ({"status": status} if status else {})
    by_cursor = [t["id"] for t in await every_page(client, admin, filters)]
    by_offset: list[int] = []
    for offset in range(0, len(by_cursor) + 3, 3):
        by_offset += await list_ids(client, admin, {**filters, "limit": 3, "offset": offset})
    assert by_offset == by_cursor
    assert len(by_cursor) >= 4


async def test_the_breached_list_takes_a_sort(
    client: httpx.AsyncClient, requester: Account, admin: Account, db: asyncpg.Connection
) -> None:
    overdue = await insert_tickets(db, requester.id, 3, due=timedelta(hours=-1))
    shown = await every_page(client, admin, {"sort": "-priority"}, path=BREACHED)
    assert sorted(t["id"] for t in shown) == overdue


@pytest.mark.parametrize("value", ["due", "created_at", "-due_at", "", "priority", "DUE_AT"])
async def test_an_unknown_sort_is_refused(
    client: httpx.AsyncClient, admin: Account, value: str
) -> None:
    response = await client.get(TICKETS, params={"sort": value}, headers=admin.headers)
    assert_error(response, 400, "FIELD_INVALID", "sort")


@pytest.mark.parametrize(
    ("sort", "raw"),
    [
        pytest.param("-created_at", "d|2026-11-24T10:00:00+00:00|5", id="due-cursor-on-newest"),
        pytest.param("due_at", "2026-11-24T10:00:00+00:00|5", id="newest-cursor-on-due"),
        pytest.param("-created_at", "inf|5", id="no-time-on-newest"),
        pytest.param("-updated_at", "u|inf|5", id="no-time-on-updated"),
        pytest.param("-priority", "p4|inf|5", id="no-such-rank"),
        pytest.param("-priority", "p|inf|5", id="no-rank"),
        pytest.param("due_at", "x|2026-11-24T10:00:00+00:00|5", id="unknown-tag"),
        pytest.param("due_at", "d|Inf|5", id="inf-spelled-otherwise"),
    ],
)
async def test_a_cursor_of_another_order_is_refused(
    client: httpx.AsyncClient, admin: Account, requester: Account, sort: str, raw: str
) -> None:
    await create_ticket(client, requester)
    response = await client.get(
        TICKETS, params={"sort": sort, "cursor": craft_cursor(raw)}, headers=admin.headers
    )
    assert_error(response, 400, "FIELD_INVALID", "cursor")


# --- counts ---------------------------------------------------------------------------------


async def test_a_count_is_exact_for_small_lists_and_takes_the_filters(
    client: httpx.AsyncClient,
    requester: Account,
    other_user: Account,
    agent: Account,
    admin: Account,
) -> None:
    mine = [await create_ticket(client, requester) for _ in range(3)]
    await create_ticket(client, other_user)
    await change_ticket(client, agent, mine[0]["id"], {"assignee_id": agent.id})
    await change_ticket(client, agent, mine[0]["id"], {"status": "pending"})

    async def count(account: Account, **params: str) -> dict[str, Any]:
        response = await client.get(COUNT, params=params, headers=account.headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    assert await count(admin) == {"count": 4, "exact": True}
    assert await count(requester) == {"count": 3, "exact": True}  # their own only
    assert await count(agent, assignee="me") == {"count": 1, "exact": True}
    assert await count(agent, assignee="none") == {"count": 3, "exact": True}
    assert await count(agent, status="pending") == {"count": 1, "exact": True}
    assert await count(agent, breached="true") == {"count": 0, "exact": True}
    assert await count(agent, query="nothing-like-this") == {"count": 0, "exact": True}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "waiting"}, "status"),
        ({"assignee": "someone"}, "assignee"),
        ({"breached": "yes"}, "breached"),
        ({"first_response_breached": "1"}, "first_response_breached"),
    ],
)
async def test_a_count_with_bad_filters_is_refused(
    client: httpx.AsyncClient, admin: Account, params: dict[str, str], field: str
) -> None:
    response = await client.get(COUNT, params=params, headers=admin.headers)
    assert_error(response, 400, "FIELD_INVALID", field)


async def test_a_count_needs_a_token(client: httpx.AsyncClient) -> None:
    assert_error(await client.get(COUNT), 401, "UNAUTHORIZED")


async def test_past_ten_thousand_a_count_is_an_estimate(
    client: httpx.AsyncClient, requester: Account, admin: Account, db: asyncpg.Connection
) -> None:
    await insert_tickets(db, requester.id, 12_000)
    await db.execute("ANALYZE tickets")
    response = await client.get(COUNT, headers=admin.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["exact"] is False
    assert 10_000 < body["count"] < 15_000  # the planner's estimate, from ANALYZE
    searched = await client.get(COUNT, params={"query": "bulk"}, headers=admin.headers)
    assert searched.json()["exact"] is False
    few = await client.get(COUNT, params={"status": "closed"}, headers=admin.headers)
    assert few.json() == {"count": 0, "exact": True}

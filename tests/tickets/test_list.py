"""GET /api/tickets and GET /api/tickets/breached: visibility, order, filters and paging."""

from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from tests.conftest import Account, Accounts, assert_error, create_ticket

BREACHED = "/api/tickets/breached"


async def list_ids(
    client: httpx.AsyncClient,
    account: Account,
    params: dict[str, Any] | None = None,
    path: str = "/api/tickets",
) -> list[int]:
    response = await client.get(path, params=params, headers=account.headers)
    assert response.status_code == 200, response.text
    return [ticket["id"] for ticket in response.json()["items"]]


async def insert_tickets(
    db: asyncpg.Connection, requester_id: int, count: int, *, due: timedelta = timedelta(days=1)
) -> list[int]:
    """`count` tickets in one statement (so with one created_at); their ids, ascending."""
    rows = await db.fetch(
        "INSERT INTO tickets (title, requester_id, sla_minutes, due_at) "
        "SELECT 'Bulk ticket ' || n, $1, 1440, now() + $3::interval "
        "FROM generate_series(1, $2) AS n ORDER BY n RETURNING id",
        requester_id,
        count,
        due,
    )
    return sorted(row["id"] for row in rows)


async def set_status(db: asyncpg.Connection, ticket_id: int, status: str) -> None:
    await db.execute("UPDATE tickets SET status = $2 WHERE id = $1", ticket_id, status)


async def make_overdue(db: asyncpg.Connection, ticket_id: int) -> None:
    await db.execute(
        "UPDATE tickets SET due_at = now() - interval '1 minute' WHERE id = $1", ticket_id
    )


# --- shape, order, visibility ---------------------------------------------------------------


async def test_list_returns_items_and_next_offset(
    client: httpx.AsyncClient, requester: Account
) -> None:
    ticket = await create_ticket(client, requester, title="VPN drops")

    response = await client.get("/api/tickets", headers=requester.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"items", "next_offset", "next_cursor"}
    assert body["next_offset"] is None
    assert body["next_cursor"] is None
    assert body["items"] == [ticket]


async def test_empty_list_has_no_next_page(client: httpx.AsyncClient, requester: Account) -> None:
    response = await client.get("/api/tickets", headers=requester.headers)

    assert response.status_code == 200, response.text
    assert response.json() == {"items": [], "next_offset": None, "next_cursor": None}


async def test_list_is_newest_first(
    client: httpx.AsyncClient, agent: Account, db: asyncpg.Connection
) -> None:
    first = await create_ticket(client, agent, title="first")
    second = await create_ticket(client, agent, title="second")
    third = await create_ticket(client, agent, title="third")
    # Creation order is not the order of created_at: the list follows created_at.
    await db.execute(
        "UPDATE tickets SET created_at = now() - make_interval(mins => "
        "CASE id WHEN $1 THEN 5 WHEN $2 THEN 1 ELSE 10 END)",
        first["id"],
        second["id"],
    )

    assert await list_ids(client, agent) == [second["id"], first["id"], third["id"]]


async def test_tickets_created_at_the_same_instant_are_ordered_by_id_descending(
    client: httpx.AsyncClient, agent: Account, db: asyncpg.Connection
) -> None:
    ids = await insert_tickets(db, agent.id, 4)

    assert await list_ids(client, agent) == sorted(ids, reverse=True)


async def test_user_sees_only_tickets_they_requested(
    client: httpx.AsyncClient, requester: Account, other_user: Account, agent: Account
) -> None:
    mine = await create_ticket(client, requester, title="mine")
    await create_ticket(client, other_user, title="someone else's")
    await create_ticket(client, agent, title="an agent's")

    assert await list_ids(client, requester) == [mine["id"]]


@pytest.mark.parametrize("role", ["agent", "admin"])
async def test_staff_see_every_ticket(
    client: httpx.AsyncClient,
    accounts: Accounts,
    requester: Account,
    other_user: Account,
    role: str,
) -> None:
    staff = await accounts.create(role)
    a = await create_ticket(client, requester)
    b = await create_ticket(client, other_user)

    assert await list_ids(client, staff) == [b["id"], a["id"]]


@pytest.mark.parametrize("path", ["/api/tickets", BREACHED])
async def test_list_without_a_token_is_unauthorized(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)

    assert_error(response, 401, "UNAUTHORIZED")


async def test_list_with_a_bad_token_is_unauthorized(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/tickets", headers={"Authorization": "Bearer not.a.jwt"})

    assert_error(response, 401, "UNAUTHORIZED")


# --- status filter ---------------------------------------------------------------------------


async def _one_ticket_per_status(
    client: httpx.AsyncClient, agent: Account, db: asyncpg.Connection
) -> dict[str, int]:
    ids: dict[str, int] = {}
    for status in ("open", "in_progress", "resolved", "closed"):
        ticket = await create_ticket(client, agent, title=status)
        await set_status(db, ticket["id"], status)
        ids[status] = ticket["id"]
    return ids


async def test_status_filter_with_one_status(
    client: httpx.AsyncClient, agent: Account, db: asyncpg.Connection
) -> None:
    ids = await _one_ticket_per_status(client, agent, db)

    assert await list_ids(client, agent, {"status": "in_progress"}) == [ids["in_progress"]]


async def test_status_filter_with_several_comma_separated_statuses(
    client: httpx.AsyncClient, agent: Account, db: asyncpg.Connection
) -> None:
    ids = await _one_ticket_per_status(client, agent, db)

    found = await list_ids(client, agent, {"status": "open,resolved"})

    assert found == [ids["resolved"], ids["open"]]


@pytest.mark.parametrize("status", ["bogus", "open,bogus", ","])
async def test_unknown_status_is_invalid(
    client: httpx.AsyncClient, agent: Account, status: str
) -> None:
    response = await client.get("/api/tickets", params={"status": status}, headers=agent.headers)

    assert_error(response, 400, "FIELD_INVALID", "status")


# --- assignee filter -------------------------------------------------------------------------


async def _assigned_tickets(
    client: httpx.AsyncClient, agent: Account, other_agent: Account
) -> tuple[int, int, int]:
    to_agent = await create_ticket(client, agent, assignee_id=agent.id)
    to_other = await create_ticket(client, agent, assignee_id=other_agent.id)
    unassigned = await create_ticket(client, agent)
    return to_agent["id"], to_other["id"], unassigned["id"]


async def test_assignee_me_lists_tickets_assigned_to_the_caller(
    client: httpx.AsyncClient, agent: Account, other_agent: Account
) -> None:
    to_agent, _, _ = await _assigned_tickets(client, agent, other_agent)

    assert await list_ids(client, agent, {"assignee": "me"}) == [to_agent]


async def test_assignee_none_lists_unassigned_tickets(
    client: httpx.AsyncClient, agent: Account, other_agent: Account
) -> None:
    _, _, unassigned = await _assigned_tickets(client, agent, other_agent)

    assert await list_ids(client, agent, {"assignee": "none"}) == [unassigned]


async def test_assignee_id_lists_tickets_assigned_to_that_account(
    client: httpx.AsyncClient, agent: Account, other_agent: Account
) -> None:
    _, to_other, _ = await _assigned_tickets(client, agent, other_agent)

    found = await list_ids(client, agent, {"assignee": str(other_agent.id)})

    assert found == [to_other]


async def test_assignee_id_of_nobody_lists_nothing(
    client: httpx.AsyncClient, agent: Account, other_agent: Account
) -> None:
    await _assigned_tickets(client, agent, other_agent)

    assert await list_ids(client, agent, {"assignee": "4242"}) == []


@pytest.mark.parametrize("assignee", ["abc", "-1", "1.5", "99999999999"])
async def test_bad_assignee_is_invalid(
    client: httpx.AsyncClient, agent: Account, assignee: str
) -> None:
    response = await client.get(
        "/api/tickets", params={"assignee": assignee}, headers=agent.headers
    )

    assert_error(response, 400, "FIELD_INVALID", "assignee")


# --- breached filter -------------------------------------------------------------------------


async def test_breached_true_lists_only_overdue_tickets(
    client: httpx.AsyncClient, agent: Account
) -> None:
    overdue = await create_ticket(client, agent, sla_minutes=0)
    await create_ticket(client, agent, sla_minutes=60)

    response = await client.get("/api/tickets", params={"breached": "true"}, headers=agent.headers)

    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [t["id"] for t in items] == [overdue["id"]]
    assert items[0]["breached"] is True


async def test_breached_false_lists_only_tickets_within_their_sla(
    client: httpx.AsyncClient, agent: Account
) -> None:
    await create_ticket(client, agent, sla_minutes=0)
    on_time = await create_ticket(client, agent, sla_minutes=60)

    response = await client.get("/api/tickets", params={"breached": "false"}, headers=agent.headers)

    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [t["id"] for t in items] == [on_time["id"]]
    assert items[0]["breached"] is False


async def test_closed_overdue_ticket_is_not_breached(
    client: httpx.AsyncClient, agent: Account, db: asyncpg.Connection
) -> None:
    closed = await create_ticket(client, agent, sla_minutes=0)
    await set_status(db, closed["id"], "closed")

    assert await list_ids(client, agent, {"breached": "true"}) == []
    response = await client.get("/api/tickets", params={"breached": "false"}, headers=agent.headers)
    assert [(t["id"], t["breached"]) for t in response.json()["items"]] == [(closed["id"], False)]


@pytest.mark.parametrize("breached", ["maybe", "1", "yes"])
async def test_bad_breached_is_invalid(
    client: httpx.AsyncClient, agent: Account, breached: str
) -> None:
    response = await client.get(
        "/api/tickets", params={"breached": breached}, headers=agent.headers
    )

    assert_error(response, 400, "FIELD_INVALID", "breached")


# --- paging ----------------------------------------------------------------------------------


async def test_limit_defaults_to_20(
    client: httpx.AsyncClient, agent: Account, db: asyncpg.Connection
) -> None:
    ids = await insert_tickets(db, agent.id, 25)

    response = await client.get("/api/tickets", headers=agent.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert [t["id"] for t in body["items"]] == sorted(ids, reverse=True)[:20]
    assert body["next_offset"] == 20


@pytest.mark.parametrize("limit", ["101", "500", "2147483648"])
async def test_limit_over_100_is_capped_at_100(
    client: httpx.AsyncClient, agent: Account, db: asyncpg.Connection, limit: str
) -> None:
    await insert_tickets(db, agent.id, 150)

    response = await client.get("/api/tickets", params={"limit": limit}, headers=agent.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["items"]) == 100
    assert body["next_offset"] == 100


async def test_limit_of_100_is_honoured(
    client: httpx.AsyncClient, agent: Account, db: asyncpg.Connection
) -> None:
    await insert_tickets(db, agent.id, 101)

    response = await client.get("/api/tickets", params={"limit": 100}, headers=agent.headers)

    body = response.json()
    assert len(body["items"]) == 100
    assert body["next_offset"] == 100


@pytest.mark.parametrize("limit", ["0", "-1", "abc", "1.5"])
async def test_bad_limit_is_invalid(client: httpx.AsyncClient, agent: Account, limit: str) -> None:
    response = await client.get("/api/tickets", params={"limit": limit}, headers=agent.headers)

    assert_error(response, 400, "FIELD_INVALID", "limit")


@pytest.mark.parametrize("offset", ["-1", "abc", "1.5"])
async def test_bad_offset_is_invalid(
    client: httpx.AsyncClient, agent: Account, offset: str
) -> None:
    response = await client.get("/api/tickets", params={"offset": offset}, headers=agent.headers)

    assert_error(response, 400, "FIELD_INVALID", "offset")


async def test_next_offset_is_offset_plus_limit_while_more_remain(
    client: httpx.AsyncClient, agent: Account, db: asyncpg.Connection
) -> None:
    ids = sorted(await insert_tickets(db, agent.id, 5), reverse=True)

    response = await client.get(
        "/api/tickets", params={"limit": 2, "offset": 1}, headers=agent.headers
    )

    body = response.json()
    assert [t["id"] for t in body["items"]] == ids[1:3]
    assert body["next_offset"] == 3


async def test_next_offset_is_null_on_a_last_page_that_is_exactly_full(
    client: httpx.AsyncClient, agent: Account, db: asyncpg.Connection
) -> None:
    ids = sorted(await insert_tickets(db, agent.id, 4), reverse=True)

    response = await client.get(
        "/api/tickets", params={"limit": 2, "offset": 2}, headers=agent.headers
    )

    body = response.json()
    assert [t["id"] for t in body["items"]] == ids[2:4]
    assert body["next_offset"] is None


async def test_offset_past_the_end_is_an_empty_last_page(
    client: httpx.AsyncClient, agent: Account, db: asyncpg.Connection
) -> None:
    await insert_tickets(db, agent.id, 3)

    response = await client.get("/api/tickets", params={"offset": 10}, headers=agent.headers)

    assert response.status_code == 200, response.text
    assert response.json() == {"items": [], "next_offset": None, "next_cursor": None}


async def test_paging_through_every_page_yields_each_ticket_exactly_once(
    client: httpx.AsyncClient, agent: Account, db: asyncpg.Connection
) -> None:
    ids = await insert_tickets(db, agent.id, 23)
    seen: list[int] = []
    offset: int | None = 0
    pages = 0

    while offset is not None:
        response = await client.get(
            "/api/tickets", params={"limit": 5, "offset": offset}, headers=agent.headers
        )
        assert response.status_code == 200, response.text
        body = response.json()
        seen += [t["id"] for t in body["items"]]
        offset = body["next_offset"]
        pages += 1
        assert pages <= 5

    assert pages == 5
    assert seen == sorted(ids, reverse=True)


async def test_paging_a_users_list_counts_only_their_tickets(
    client: httpx.AsyncClient, requester: Account, other_user: Account, db: asyncpg.Connection
) -> None:
    mine = await insert_tickets(db, requester.id, 3)
    await insert_tickets(db, other_user.id, 5)

    response = await client.get("/api/tickets", params={"limit": 3}, headers=requester.headers)

    body = response.json()
    assert [t["id"] for t in body["items"]] == sorted(mine, reverse=True)
    assert body["next_offset"] is None


# --- GET /api/tickets/breached ---------------------------------------------------------------


async def test_breached_list_holds_overdue_tickets_that_are_not_closed(
    client: httpx.AsyncClient, agent: Account, db: asyncpg.Connection
) -> None:
    ids: dict[str, int] = {}
    for status in ("open", "in_progress", "resolved", "closed"):
        ticket = await create_ticket(client, agent, title=f"overdue {status}")
        await make_overdue(db, ticket["id"])
        await set_status(db, ticket["id"], status)
        ids[status] = ticket["id"]
    await create_ticket(client, agent, title="not yet due")

    response = await client.get(BREACHED, headers=agent.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"items", "next_offset", "next_cursor"}
    assert [t["id"] for t in body["items"]] == [ids["resolved"], ids["in_progress"], ids["open"]]
    assert all(t["breached"] is True for t in body["items"])
    assert body["next_offset"] is None


async def test_breached_list_includes_a_ticket_due_exactly_now(
    client: httpx.AsyncClient, agent: Account
) -> None:
    ticket = await create_ticket(client, agent, sla_minutes=0)

    assert await list_ids(client, agent, path=BREACHED) == [ticket["id"]]


async def test_breached_list_excludes_a_ticket_not_yet_due(
    client: httpx.AsyncClient, agent: Account
) -> None:
    await create_ticket(client, agent, sla_minutes=1)

    assert await list_ids(client, agent, path=BREACHED) == []


async def test_breached_list_shows_a_user_only_their_own_tickets(
    client: httpx.AsyncClient,
    agent: Account,
    requester: Account,
    other_user: Account,
    db: asyncpg.Connection,
) -> None:
    mine = await create_ticket(client, requester)
    theirs = await create_ticket(client, other_user)
    for ticket in (mine, theirs):
        await make_overdue(db, ticket["id"])

    assert await list_ids(client, requester, path=BREACHED) == [mine["id"]]
    assert await list_ids(client, agent, path=BREACHED) == [theirs["id"], mine["id"]]


async def test_breached_list_takes_the_status_filter(
    client: httpx.AsyncClient, agent: Account, db: asyncpg.Connection
) -> None:
    open_one = await create_ticket(client, agent, sla_minutes=0)
    resolved = await create_ticket(client, agent, sla_minutes=0)
    await set_status(db, resolved["id"], "resolved")

    assert await list_ids(client, agent, {"status": "resolved"}, path=BREACHED) == [resolved["id"]]
    assert await list_ids(client, agent, {"status": "open"}, path=BREACHED) == [open_one["id"]]


async def test_breached_list_takes_the_assignee_filter(
    client: httpx.AsyncClient, agent: Account, other_agent: Account
) -> None:
    mine = await create_ticket(client, agent, sla_minutes=0, assignee_id=agent.id)
    await create_ticket(client, agent, sla_minutes=0, assignee_id=other_agent.id)
    await create_ticket(client, agent, sla_minutes=0)

    assert await list_ids(client, agent, {"assignee": "me"}, path=BREACHED) == [mine["id"]]


async def test_breached_list_pages_like_the_list(
    client: httpx.AsyncClient, agent: Account, db: asyncpg.Connection
) -> None:
    ids = sorted(await insert_tickets(db, agent.id, 7, due=timedelta(hours=-1)), reverse=True)
    await insert_tickets(db, agent.id, 3)  # not due yet

    first = await client.get(BREACHED, params={"limit": 5}, headers=agent.headers)
    second = await client.get(BREACHED, params={"limit": 5, "offset": 5}, headers=agent.headers)

    assert [t["id"] for t in first.json()["items"]] == ids[:5]
    assert first.json()["next_offset"] == 5
    assert [t["id"] for t in second.json()["items"]] == ids[5:]
    assert second.json()["next_offset"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"status": "bogus"}, "status"),
        ({"assignee": "abc"}, "assignee"),
        ({"breached": "maybe"}, "breached"),
    ],
)
async def test_breached_list_refuses_bad_parameters(
    client: httpx.AsyncClient, agent: Account, params: dict[str, str], field: str
) -> None:
    response = await client.get(BREACHED, params=params, headers=agent.headers)

    assert_error(response, 400, "FIELD_INVALID", field)

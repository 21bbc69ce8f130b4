"""GET /api/tickets and GET /api/tickets/breached: visibility, order, filters and paging."""

from datetime import timedelta

import asyncpg
import httpx
import pytest

from tests.support.accounts import Account, Accounts
from tests.support.responses import assert_error
from tests.support.tickets import (
    BREACHED,
    TICKETS,
    create_ticket,
    insert_tickets,
    list_ids,
    make_overdue,
    set_status,
)

# --- shape, order, visibility ---------------------------------------------------------------


async def test_list_returns_items_and_next_offset(
    client: httpx.AsyncClient, requester: Account
) -> None:
    ticket = await create_ticket(client, requester, title="VPN drops")

    response = await client.get(TICKETS, headers=requester.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"items", "next_offset", "next_cursor"}
    assert body["next_offset"] is None
    assert body["next_cursor"] is None
    assert body["items"] == [ticket]


async def test_empty_list_has_no_next_page(client: httpx.AsyncClient, requester: Account) -> None:
    response = await client.get(TICKETS, headers=requester.headers)

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


# Visibility holds for every list: the whole list and a search.
LISTS = pytest.mark.parametrize("params", [{}, {"query": "printer"}], ids=["list", "search"])


@LISTS
async def test_user_sees_only_tickets_they_requested(
    client: httpx.AsyncClient,
    requester: Account,
    other_user: Account,
    agent: Account,
    params: dict[str, str],
) -> None:
    mine = await create_ticket(client, requester, title="Printer jammed: mine")
    await create_ticket(client, other_user, title="Printer jammed: someone else's")
    await create_ticket(client, agent, title="Printer jammed: an agent's")

    assert await list_ids(client, requester, params) == [mine["id"]]


@LISTS
@pytest.mark.parametrize("role", ["agent", "admin"])
async def test_staff_see_every_ticket(
    client: httpx.AsyncClient,
    accounts: Accounts,
    requester: Account,
    other_user: Account,
    role: str,
    params: dict[str, str],
) -> None:
    staff = await accounts.create(role)
    a = await create_ticket(client, requester, title="Printer jammed")
    b = await create_ticket(client, other_user, title="Printer out of toner")

    assert await list_ids(client, staff, params) == [b["id"], a["id"]]


@pytest.mark.parametrize("path", [TICKETS, BREACHED])
async def test_list_without_a_token_is_unauthorized(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)

    assert_error(response, 401, "UNAUTHORIZED")


async def test_list_with_a_bad_token_is_unauthorized(client: httpx.AsyncClient) -> None:
    response = await client.get(TICKETS, headers={"Authorization": "Bearer not.a.jwt"})

    assert_error(response, 401, "UNAUTHORIZED")


# --- filters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expected"),
    [("in_progress", ["in_progress"]), ("open,resolved", ["resolved", "open"])],
    ids=["one-status", "several-comma-separated"],
)
async def test_status_filter_lists_the_tickets_in_those_statuses(
    client: httpx.AsyncClient,
    agent: Account,
    db: asyncpg.Connection,
    status: str,
    expected: list[str],
) -> None:
    ids: dict[str, int] = {}
    for each in ("open", "in_progress", "resolved", "closed"):
        ticket = await create_ticket(client, agent, title=each)
        await set_status(db, ticket["id"], each)
        ids[each] = ticket["id"]

    assert await list_ids(client, agent, {"status": status}) == [ids[name] for name in expected]


OTHER_AGENT = "<other agent>"


@pytest.mark.parametrize(
    ("assignee", "expected"),
    [
        ("me", ["to the caller"]),
        ("none", ["unassigned"]),
        (OTHER_AGENT, ["to another agent"]),
        ("4242", []),
    ],
    ids=["me", "none", "an-account", "nobody's-id"],
)
async def test_assignee_filter_lists_the_tickets_assigned_as_it_says(
    client: httpx.AsyncClient,
    agent: Account,
    other_agent: Account,
    assignee: str,
    expected: list[str],
) -> None:
    ids = {
        "to the caller": (await create_ticket(client, agent, assignee_id=agent.id))["id"],
        "to another agent": (await create_ticket(client, agent, assignee_id=other_agent.id))["id"],
        "unassigned": (await create_ticket(client, agent))["id"],
    }
    assignee = str(other_agent.id) if assignee == OTHER_AGENT else assignee

    found = await list_ids(client, agent, {"assignee": assignee})

    assert found == [ids[name] for name in expected]


@pytest.mark.parametrize("breached", [True, False])
async def test_breached_filter_lists_only_overdue_or_only_on_time_tickets(
    client: httpx.AsyncClient, agent: Account, breached: bool
) -> None:
    overdue = await create_ticket(client, agent, sla_minutes=0)
    on_time = await create_ticket(client, agent, sla_minutes=60)

    response = await client.get(
        TICKETS, params={"breached": str(breached).lower()}, headers=agent.headers
    )

    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [t["id"] for t in items] == [(overdue if breached else on_time)["id"]]
    assert items[0]["breached"] is breached


async def test_closed_overdue_ticket_is_not_breached(
    client: httpx.AsyncClient, agent: Account, db: asyncpg.Connection
) -> None:
    closed = await create_ticket(client, agent, sla_minutes=0)
    await set_status(db, closed["id"], "closed")

    assert await list_ids(client, agent, {"breached": "true"}) == []
    response = await client.get(TICKETS, params={"breached": "false"}, headers=agent.headers)
    assert [(t["id"], t["breached"]) for t in response.json()["items"]] == [(closed["id"], False)]


# --- paging ----------------------------------------------------------------------------------


async def test_limit_defaults_to_20(
    client: httpx.AsyncClient, agent: Account, db: asyncpg.Connection
) -> None:
    ids = await insert_tickets(db, agent.id, 25)

    response = await client.get(TICKETS, headers=agent.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert [t["id"] for t in body["items"]] == sorted(ids, reverse=True)[:20]
    assert body["next_offset"] == 20


@pytest.mark.parametrize(
    ("limit", "tickets"),
    [("100", 101), ("101", 150), ("500", 150), ("2147483648", 150)],
    ids=["100-honoured", "101-capped", "500-capped", "over-int4-capped"],
)
async def test_limit_is_honoured_up_to_100_and_capped_there(
    client: httpx.AsyncClient, agent: Account, db: asyncpg.Connection, limit: str, tickets: int
) -> None:
    await insert_tickets(db, agent.id, tickets)

    response = await client.get(TICKETS, params={"limit": limit}, headers=agent.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["items"]) == 100
    assert body["next_offset"] == 100


@pytest.mark.parametrize(
    ("tickets", "offset", "next_offset"),
    [(5, 1, 3), (4, 2, None)],
    ids=["offset-plus-limit-while-more-remain", "null-on-a-last-page-exactly-full"],
)
async def test_a_page_holds_limit_tickets_from_offset_and_names_the_next_offset(
    client: httpx.AsyncClient,
    agent: Account,
    db: asyncpg.Connection,
    tickets: int,
    offset: int,
    next_offset: int | None,
) -> None:
    ids = sorted(await insert_tickets(db, agent.id, tickets), reverse=True)

    response = await client.get(
        TICKETS, params={"limit": 2, "offset": offset}, headers=agent.headers
    )

    body = response.json()
    assert [t["id"] for t in body["items"]] == ids[offset : offset + 2]
    assert body["next_offset"] == next_offset


async def test_offset_past_the_end_is_an_empty_last_page(
    client: httpx.AsyncClient, agent: Account, db: asyncpg.Connection
) -> None:
    await insert_tickets(db, agent.id, 3)

    response = await client.get(TICKETS, params={"offset": 10}, headers=agent.headers)

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
            TICKETS, params={"limit": 5, "offset": offset}, headers=agent.headers
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

    response = await client.get(TICKETS, params={"limit": 3}, headers=requester.headers)

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


@pytest.mark.parametrize(
    ("sla_minutes", "listed"), [(0, True), (1, False)], ids=["due-exactly-now", "not-yet-due"]
)
async def test_breached_list_holds_a_ticket_from_the_instant_it_is_due(
    client: httpx.AsyncClient, agent: Account, sla_minutes: int, listed: bool
) -> None:
    ticket = await create_ticket(client, agent, sla_minutes=sla_minutes)

    assert await list_ids(client, agent, path=BREACHED) == ([ticket["id"]] if listed else [])


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


# --- refused parameters ----------------------------------------------------------------------

BAD_PARAMETERS = [
    *[("status", value) for value in ("bogus", "open,bogus", ",")],
    *[("assignee", value) for value in ("abc", "-1", "1.5", "99999999999")],
    *[("breached", value) for value in ("maybe", "1", "yes")],
    *[("limit", value) for value in ("0", "-1", "abc", "1.5")],
    *[("offset", value) for value in ("-1", "abc", "1.5")],
]


@pytest.mark.parametrize("path", [TICKETS, BREACHED])
@pytest.mark.parametrize(
    ("param", "value"), BAD_PARAMETERS, ids=[f"{param}={value}" for param, value in BAD_PARAMETERS]
)
async def test_a_bad_filter_or_paging_parameter_is_a_400_naming_it(
    client: httpx.AsyncClient, agent: Account, path: str, param: str, value: str
) -> None:
    response = await client.get(path, params={param: value}, headers=agent.headers)

    assert_error(response, 400, "FIELD_INVALID", param)

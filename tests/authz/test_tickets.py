"""The matrix (see matrix.py) for reading, listing and creating tickets."""

from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from tests.authz.matrix import (
    CALLER,
    NO_SUCH_TICKET,
    OTHER_AGENT,
    OTHER_USER,
    World,
    check_refusal,
    covers,
    resolve,
    sees_cases,
    signed_in,
)
from tests.support.db import count_rows
from tests.support.tickets import add_comment, insert_ticket

# --- GET /api/tickets/{id} ------------------------------------------------------------------


@covers("GET /api/tickets/{ticket_id}")
@pytest.mark.parametrize(("caller", "relation", "status"), sees_cases(200))
async def test_get_ticket(
    client: httpx.AsyncClient,
    world: World,
    caller: str,
    ticket_id: int,
    status: int,
) -> None:
    response = await client.get(f"/api/tickets/{ticket_id}", headers=world.headers(caller))
    if status == 200:
        assert response.status_code == 200, response.text
        assert response.json()["id"] == ticket_id
    else:
        check_refusal(response, status, None)


async def test_someone_elses_ticket_is_indistinguishable_from_a_missing_one(
    client: httpx.AsyncClient, db: asyncpg.Connection, world: World
) -> None:
    theirs = await insert_ticket(db, world.other_user.id)
    headers = world.headers("user")
    for method, suffix, body in (
        ("GET", "", None),
        ("PATCH", "", {"title": "Mine now"}),
        ("POST", "/comments", {"body": "Hello"}),
    ):
        seen = [
            await client.request(
                method,
                f"/api/tickets/{ticket_id}{suffix}",
                json=body,
                headers=headers | {"If-Match": '"1"'},
            )
            for ticket_id in (theirs, NO_SUCH_TICKET)
        ]
        assert seen[0].status_code == seen[1].status_code == 404, (method, seen[0].text)
        assert seen[0].json() == seen[1].json(), method
        assert "etag" not in seen[0].headers


# --- POST /api/tickets ------------------------------------------------------------------------

TITLE = {"title": "Laptop will not boot"}
# (caller, body, status, field of the refusal)
CREATE_CASES = [
    pytest.param("anonymous", TITLE, 401, None, id="anonymous: title"),
    *[
        pytest.param(caller, TITLE | extra, status, field, id=f"{caller}: {label} -> {status}")
        for caller, label, extra, status, field in (
            ("user", "title", {}, 201, None),
            ("user", "description+priority", {"description": "x", "priority": "urgent"}, 201, None),
            ("user", "assignee null", {"assignee_id": None}, 201, None),
            ("user", "assignee", {"assignee_id": OTHER_AGENT}, 403, "assignee_id"),
            ("user", "sla_minutes", {"sla_minutes": 30}, 403, "sla_minutes"),
            ("demoted", "assignee", {"assignee_id": OTHER_AGENT}, 403, "assignee_id"),
            ("agent", "title", {}, 201, None),
            ("agent", "assignee self", {"assignee_id": CALLER}, 201, None),
            ("agent", "assignee another", {"assignee_id": OTHER_AGENT}, 201, None),
            ("agent", "sla_minutes", {"sla_minutes": 30}, 201, None),
            ("agent", "assignee a requester", {"assignee_id": OTHER_USER}, 400, "assignee_id"),
            ("admin", "title", {}, 201, None),
            ("admin", "assignee another", {"assignee_id": OTHER_AGENT}, 201, None),
            ("admin", "sla_minutes", {"sla_minutes": 30}, 201, None),
            ("admin", "assignee a requester", {"assignee_id": OTHER_USER}, 400, "assignee_id"),
        )
    ],
    # Nobody opens a ticket in someone else's name or in another state than open.
    *[
        pytest.param(caller, TITLE | {field: value}, 400, field, id=f"{caller}: {field} -> 400")
        for caller in ("user", "agent", "admin")
        for field, value in (("requester_id", OTHER_USER), ("status", "closed"), ("version", 5))
    ],
]


@covers("POST /api/tickets")
@pytest.mark.parametrize(("caller", "body", "status", "field"), CREATE_CASES)
async def test_create_ticket(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    world: World,
    caller: str,
    body: dict[str, Any],
    status: int,
    field: str | None,
) -> None:
    sent = resolve(body, world, caller)
    response = await client.post("/api/tickets", json=sent, headers=world.headers(caller))
    if status == 201:
        assert response.status_code == 201, response.text
        row = await db.fetchrow("SELECT * FROM tickets")
        assert row["requester_id"] == signed_in(world.caller(caller)).id
        assert row["status"] == "open"
        assert {key: row[key] for key in sent} == sent
        assert response.json()["id"] == row["id"]
    else:
        check_refusal(response, status, field)
        assert await count_rows(db, "tickets") == 0


# --- GET /api/tickets and GET /api/tickets/breached: who sees which ticket --------------------

# name -> (requester, assignee, status, breached, title), all in one data set.
LIST_TICKETS: dict[str, tuple[str, str | None, str, bool, str]] = {
    "u-open": ("user", None, "open", False, "Printer jams on floor 3"),
    "u-working": ("user", "agent", "in_progress", False, "VPN drops every hour"),
    "u-late": ("user", "other_agent", "open", True, "Laptop battery swollen"),
    "o-open-late": ("other_user", None, "open", True, "Printer offline again"),
    "o-late": ("other_user", "other_agent", "open", True, "Monitor flickers"),
    "o-closed": ("other_user", "agent", "closed", True, "Keyboard missing keys"),
    "staff-filed": ("agent", None, "open", False, "Printer toner low"),
}
# Whose list shows which tickets, before any filter.
VISIBLE = {
    "user": {"u-open", "u-working", "u-late"},
    "other_user": {"o-open-late", "o-late", "o-closed"},
    "demoted": set(),
    "agent": set(LIST_TICKETS),
    "admin": set(LIST_TICKETS),
}
# Which tickets each filter matches, for a caller who sees everything. `assignee=me` is
# per caller. "zebra" is only in a comment on o-late: search must not leak it either.
MATCHING: dict[str, set[str] | dict[str, set[str]]] = {
    "/api/tickets": set(LIST_TICKETS),
    "/api/tickets?assignee=none": {"u-open", "o-open-late", "staff-filed"},
    "/api/tickets?assignee=<other agent>": {"u-late", "o-late"},
    "/api/tickets?assignee=me": {"agent": {"u-working", "o-closed"}},
    "/api/tickets?status=open": {"u-open", "u-late", "o-open-late", "o-late", "staff-filed"},
    "/api/tickets?breached=true": {"u-late", "o-open-late", "o-late"},
    "/api/tickets?query=printer": {"u-open", "o-open-late", "staff-filed"},
    "/api/tickets?query=zebra": {"o-late"},
    "/api/tickets/breached": {"u-late", "o-open-late", "o-late"},
    "/api/tickets/breached?assignee=none": {"o-open-late"},
}


def _expected_list(caller: str, url: str) -> set[str]:
    matching = MATCHING[url]
    if isinstance(matching, dict):
        matching = matching.get(caller, set())
    return VISIBLE[caller] & matching


LIST_CASES = [
    *[
        pytest.param("anonymous", url, None, id=f"anonymous {url}")
        for url in ("/api/tickets", "/api/tickets/breached")
    ],
    *[
        pytest.param(caller, url, _expected_list(caller, url), id=f"{caller} {url}")
        for caller in VISIBLE
        for url in MATCHING
    ],
]


async def _list_world(
    client: httpx.AsyncClient, db: asyncpg.Connection, world: World
) -> dict[str, int]:
    ids: dict[str, int] = {}
    for name, (requester, assignee, status, breached, title) in LIST_TICKETS.items():
        ids[name] = await insert_ticket(
            db,
            getattr(world, requester).id,
            assignee_id=getattr(world, assignee).id if assignee else None,
            title=title,
            status=status,
            due=timedelta(minutes=-60) if breached else timedelta(days=1),
        )
    # Through the API: a comment's words reach its ticket's search vector there.
    await add_comment(client, world.other_agent, ids["o-late"], "zebra pattern")
    return ids


@covers("GET /api/tickets", "GET /api/tickets/breached")
@pytest.mark.parametrize(("caller", "url", "expected"), LIST_CASES)
async def test_list_tickets(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    world: World,
    caller: str,
    url: str,
    expected: set[str] | None,
) -> None:
    ids = await _list_world(client, db, world)
    url = url.replace(OTHER_AGENT, str(world.other_agent.id))
    response = await client.get(url, headers=world.headers(caller))
    if expected is None:
        check_refusal(response, 401, None)
        return
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["next_offset"] is None
    names = {ticket_id: name for name, ticket_id in ids.items()}
    assert {names[t["id"]] for t in body["items"]} == expected
    assert len(body["items"]) == len(expected)


# The count counts what the list shows each caller, with the same filters.
COUNT_CASES = [
    pytest.param("anonymous", "/api/tickets", None, id="anonymous count"),
    *[
        pytest.param(caller, url, _expected_list(caller, url), id=f"{caller} count {url}")
        for caller in VISIBLE
        for url in MATCHING
        if not url.startswith("/api/tickets/breached")
    ],
]


@covers("GET /api/tickets/count")
@pytest.mark.parametrize(("caller", "url", "expected"), COUNT_CASES)
async def test_count_tickets(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    world: World,
    caller: str,
    url: str,
    expected: set[str] | None,
) -> None:
    await _list_world(client, db, world)
    url = url.replace(OTHER_AGENT, str(world.other_agent.id))
    url = url.replace("/api/tickets", "/api/tickets/count", 1)
    response = await client.get(url, headers=world.headers(caller))
    if expected is None:
        check_refusal(response, 401, None)
        return
    assert response.status_code == 200, response.text
    assert response.json() == {"count": len(expected), "exact": True}

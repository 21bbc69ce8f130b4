"""The authorization matrix: every /api endpoint x every kind of caller x the caller's
relation to the ticket, each with the exact status (and the error code and field of a
refusal). A change that shows or changes someone else's ticket (OWASP API1) or lets a
caller set a field their role may not (API3) fails here; so does a new /api route that is
not in the matrix (test_every_api_route_is_in_the_matrix).

Callers: `anonymous` (no token), `user` (a requester), `agent`, `admin`, and `demoted`
(an admin demoted to user who still holds the token issued while an admin: the role that
counts is the database's, not the token's).

Relations of the caller to the ticket (who requested it, who is assigned):
  own              the caller requested it, nobody is assigned
  own, assigned    the caller requested it, another agent is assigned
  others           another user requested it, nobody is assigned
  others, assigned another user requested it, another agent is assigned
  mine             another user requested it, the caller is assigned
  theirs           another user requested it, another agent is assigned
  unassigned       another user requested it, nobody is assigned
  missing          no such ticket
("others" and "unassigned", "others, assigned" and "theirs" are the same ticket named from
a requester's and from an agent's point of view.)

The rules (README, "Who may change what"): a requester sees and comments on only their own
tickets (someone else's is a 404, as if it did not exist) and may change only their title and
description; an agent sees every ticket and may change the status, priority and assignee of
a ticket assigned to them, or claim an unassigned one; an admin may change every field of
every ticket."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import PASSWORD, Account, Accounts, assert_error

# The error code each refusal status carries in this matrix.
CODE = {
    400: "FIELD_INVALID",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
}
NO_SUCH_TICKET = 987_654


@dataclass
class World:
    user: Account  # the caller "user"
    other_user: Account  # requests "someone else's" tickets
    agent: Account  # the caller "agent"
    other_agent: Account  # "assigned to another agent"
    third_agent: Account  # someone to hand a ticket over to
    admin: Account  # the caller "admin"
    demoted: Account  # role user in the database, token issued as an admin

    def caller(self, name: str) -> Account | None:
        callers = {
            "anonymous": None,
            "user": self.user,
            "agent": self.agent,
            "admin": self.admin,
            "demoted": self.demoted,
            "other_user": self.other_user,  # only in the list tests
        }
        return callers[name]

    def headers(self, name: str) -> dict[str, str]:
        account = self.caller(name)
        return {} if account is None else dict(account.headers)


@pytest.fixture
async def world(accounts: Accounts, db: asyncpg.Connection) -> World:
    demoted = await accounts.create("admin")
    await db.execute("UPDATE users SET role = 'user' WHERE id = $1", demoted.id)
    return World(
        user=await accounts.create("user"),
        other_user=await accounts.create("user"),
        agent=await accounts.create("agent"),
        other_agent=await accounts.create("agent"),
        third_agent=await accounts.create("agent"),
        admin=await accounts.create("admin"),
        demoted=demoted,
    )


# --- tickets, placed straight in the database -----------------------------------------------

# relation -> (requester, assignee), given the world and the caller's account.
Parties = Callable[[World, Account | None], tuple[Account, Account | None]]


def _caller(account: Account | None) -> Account:
    assert account is not None, "this relation needs a signed-in caller"
    return account


RELATIONS: dict[str, Parties] = {
    "own": lambda w, me: (_caller(me), None),
    "own, assigned": lambda w, me: (_caller(me), w.other_agent),
    "others": lambda w, me: (w.other_user, None),
    "others, assigned": lambda w, me: (w.other_user, w.other_agent),
    "mine": lambda w, me: (w.other_user, _caller(me)),
    "theirs": lambda w, me: (w.other_user, w.other_agent),
    "unassigned": lambda w, me: (w.other_user, None),
    # For the anonymous caller: a real ticket, somebody's.
    "someone's": lambda w, me: (w.user, w.agent),
}


async def insert_ticket(
    db: asyncpg.Connection,
    *,
    requester: Account,
    assignee: Account | None = None,
    title: str = "Printer on floor 3 is jammed",
    status: str = "open",
    breached: bool = False,
) -> int:
    ticket_id: int = await db.fetchval(
        "INSERT INTO tickets (title, status, priority, requester_id, assignee_id, sla_minutes,"
        " due_at) VALUES ($1, $2, 'medium', $3, $4, 1440, now() + make_interval(mins => $5))"
        " RETURNING id",
        title,
        status,
        requester.id,
        assignee.id if assignee else None,
        -60 if breached else 1440,
    )
    return ticket_id


async def ticket_for(db: asyncpg.Connection, world: World, caller: str, relation: str) -> int:
    if relation == "missing":
        return NO_SUCH_TICKET
    requester, assignee = RELATIONS[relation](world, world.caller(caller))
    return await insert_ticket(db, requester=requester, assignee=assignee)


async def snapshot(db: asyncpg.Connection, ticket_id: int) -> tuple[Any, ...]:
    """The ticket row and what hangs off it: a refused request must change none of it."""
    row = await db.fetchrow(
        "SELECT title, description, status, priority, requester_id, assignee_id, sla_minutes,"
        " due_at, version, updated_at FROM tickets WHERE id = $1",
        ticket_id,
    )
    comments = await db.fetchval("SELECT count(*) FROM comments WHERE ticket_id = $1", ticket_id)
    entries = await db.fetchval(
        "SELECT count(*) FROM timeline_logs WHERE ticket_id = $1", ticket_id
    )
    return (dict(row) if row else None, comments, entries)


# Placeholders for ids known only once the world exists.
CALLER = "<caller>"
OTHER_USER = "<other user>"
OTHER_AGENT = "<other agent>"
THIRD_AGENT = "<third agent>"


def resolve(body: dict[str, Any], world: World, caller: str) -> dict[str, Any]:
    me = world.caller(caller)
    ids = {
        CALLER: me.id if me else None,
        OTHER_USER: world.other_user.id,
        OTHER_AGENT: world.other_agent.id,
        THIRD_AGENT: world.third_agent.id,
    }
    return {
        key: ids[value] if isinstance(value, str) and value in ids else value
        for key, value in body.items()
    }


def check_refusal(
    response: httpx.Response, status: int, field: str | None, code: str | None = None
) -> None:
    assert_error(response, status, code or CODE[status], field if status in (400, 403) else None)


# --- GET /api/tickets/{id} and POST /api/tickets/{id}/comments ------------------------------

# (caller, relation) -> whether the caller may see the ticket (read it, comment on it).
# Not seeing it is a 404, exactly as for a ticket that does not exist.
SEES: dict[tuple[str, str], bool | None] = {
    ("anonymous", "someone's"): None,  # 401 first
    ("user", "own"): True,
    ("user", "own, assigned"): True,
    ("user", "others"): False,
    ("user", "others, assigned"): False,
    ("user", "missing"): False,
    ("demoted", "own"): True,
    ("demoted", "others"): False,
    ("demoted", "others, assigned"): False,
    ("agent", "own"): True,
    ("agent", "mine"): True,
    ("agent", "theirs"): True,
    ("agent", "unassigned"): True,
    ("agent", "missing"): False,
    ("admin", "mine"): True,
    ("admin", "theirs"): True,
    ("admin", "unassigned"): True,
    ("admin", "missing"): False,
}


def _see_status(sees: bool | None, ok: int) -> int:
    return 401 if sees is None else ok if sees else 404


GET_TICKET_CASES = [
    pytest.param(caller, relation, _see_status(sees, 200), id=f"{caller} x {relation}")
    for (caller, relation), sees in SEES.items()
]
COMMENT_CASES = [
    pytest.param(caller, relation, _see_status(sees, 201), id=f"{caller} x {relation}")
    for (caller, relation), sees in SEES.items()
]


@pytest.mark.parametrize(("caller", "relation", "status"), GET_TICKET_CASES)
async def test_get_ticket(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    world: World,
    caller: str,
    relation: str,
    status: int,
) -> None:
    ticket_id = await ticket_for(db, world, caller, relation)
    response = await client.get(f"/api/tickets/{ticket_id}", headers=world.headers(caller))
    if status == 200:
        assert response.status_code == 200, response.text
        assert response.json()["id"] == ticket_id
    else:
        check_refusal(response, status, None)


async def test_someone_elses_ticket_is_indistinguishable_from_a_missing_one(
    client: httpx.AsyncClient, db: asyncpg.Connection, world: World
) -> None:
    theirs = await insert_ticket(db, requester=world.other_user)
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


@pytest.mark.parametrize(("caller", "relation", "status"), COMMENT_CASES)
async def test_add_comment(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    world: World,
    caller: str,
    relation: str,
    status: int,
) -> None:
    ticket_id = await ticket_for(db, world, caller, relation)
    before = await snapshot(db, ticket_id)
    response = await client.post(
        f"/api/tickets/{ticket_id}/comments",
        json={"body": "Any news on this?"},
        headers=world.headers(caller),
    )
    if status == 201:
        assert response.status_code == 201, response.text
        author = _caller(world.caller(caller))
        rows = await db.fetch("SELECT ticket_id, author_id, body FROM comments")
        assert [tuple(r) for r in rows] == [(ticket_id, author.id, "Any news on this?")]
    else:
        check_refusal(response, status, None)
        assert await snapshot(db, ticket_id) == before
        assert await db.fetchval("SELECT count(*) FROM comments") == 0


# --- PATCH /api/tickets/{id}: every field, one at a time ------------------------------------

PATCH_CHANGES: dict[str, dict[str, Any]] = {
    "title": {"title": "Renamed"},
    "description": {"description": "It also smells of smoke"},
    "status": {"status": "in_progress"},
    "priority": {"priority": "urgent"},
    "sla_minutes": {"sla_minutes": 30},
    "claim": {"assignee_id": CALLER},  # the caller assigns it to themselves
    "hand over": {"assignee_id": THIRD_AGENT},
    "unassign": {"assignee_id": None},
}
NOOP = None  # no case: the change would change nothing (a 200 no-op, tested in tickets/)

# One row per (caller, relation), one column per change in PATCH_CHANGES. A 403 names the
# field; 401 and 404 name none. An allowed change must be stored; a refused one changes
# nothing at all.
# fmt: off
PATCH_GRID: dict[tuple[str, str], tuple[int | None, ...]] = {
    #                              title desc status prio  sla  claim hand-over unassign
    ("anonymous", "someone's"):    (401, 401, 401,   401,  401, 401,  401,      401),
    ("user", "own"):               (200, 200, 403,   403,  403, 403,  403,      403),
    ("user", "own, assigned"):     (200, 200, 403,   403,  403, 403,  403,      403),
    ("user", "others"):            (404, 404, 404,   404,  404, 404,  404,      404),
    ("user", "others, assigned"):  (404, 404, 404,   404,  404, 404,  404,      404),
    ("user", "missing"):           (404, 404, 404,   404,  404, 404,  404,      404),
    ("agent", "mine"):             (403, 403, 200,   200,  403, NOOP, 200,      200),
    ("agent", "theirs"):           (403, 403, 403,   403,  403, 403,  403,      403),
    ("agent", "unassigned"):       (403, 403, 403,   403,  403, 200,  403,      403),
    ("agent", "missing"):          (404, 404, 404,   404,  404, 404,  404,      404),
    ("admin", "mine"):             (200, 200, 200,   200,  200, NOOP, 200,      200),
    ("admin", "theirs"):           (200, 200, 200,   200,  200, 200,  200,      200),
    ("admin", "unassigned"):       (200, 200, 200,   200,  200, 200,  200,      NOOP),
    ("admin", "missing"):          (404, 404, 404,   404,  404, 404,  404,      404),
}
# fmt: on
assert all(len(row) == len(PATCH_CHANGES) for row in PATCH_GRID.values())

PATCH_GRID_CASES = [
    pytest.param(
        caller,
        relation,
        PATCH_CHANGES[change],
        status,
        next(iter(PATCH_CHANGES[change])),  # the field a 403 names
        id=f"{caller} x {relation}: {change} -> {status}",
    )
    for (caller, relation), statuses in PATCH_GRID.items()
    for change, status in zip(PATCH_CHANGES, statuses, strict=True)
    if status is not None
]


def case(
    caller: str, relation: str, body: dict[str, Any], status: int, field: str | None = None
) -> Any:
    """One PATCH case; the refusal's field, if any, last."""
    return pytest.param(
        caller,
        relation,
        body,
        status,
        field,
        id=f"{caller} x {relation}: {'+'.join(body)} -> {status}",
    )


# Several fields at once: one refused field refuses the whole request (nothing is half
# applied); the assignee must be staff whoever asks; and fields that are nobody's to set
# (requester_id, version, ...) are refused as unknown, for an admin too (API3). When the
# whole ticket is out of an agent's reach, the 403 names the first field sent in the
# schema's order (title, description, status, priority, assignee_id, sla_minutes).
PATCH_MORE_CASES = [
    case("user", "own", {"title": "A", "description": "B"}, 200),
    case("user", "own", {"title": "A", "status": "closed"}, 403, "status"),
    case("user", "own", {"title": "A", "assignee_id": THIRD_AGENT}, 403, "assignee_id"),
    case("user", "own", {"description": "B", "priority": "low"}, 403, "priority"),
    case("user", "others", {"title": "A", "status": "closed"}, 404),
    case("demoted", "own", {"title": "A"}, 200),
    case("demoted", "own", {"status": "closed"}, 403, "status"),
    case("demoted", "others", {"title": "A"}, 404),
    case("demoted", "others, assigned", {"status": "closed"}, 404),
    case("agent", "unassigned", {"assignee_id": CALLER, "status": "in_progress"}, 200),
    case("agent", "unassigned", {"assignee_id": CALLER, "priority": "high"}, 200),
    case("agent", "unassigned", {"assignee_id": CALLER, "title": "A"}, 403, "title"),
    case("agent", "unassigned", {"assignee_id": CALLER, "sla_minutes": 5}, 403, "sla_minutes"),
    case(
        "agent",
        "unassigned",
        {"assignee_id": THIRD_AGENT, "status": "in_progress"},
        403,
        "status",
    ),
    case("agent", "theirs", {"assignee_id": CALLER, "status": "in_progress"}, 403, "status"),
    case("agent", "mine", {"status": "resolved", "priority": "low"}, 200),
    case("agent", "mine", {"status": "resolved", "title": "A"}, 403, "title"),
    case("agent", "mine", {"status": "resolved", "description": "B"}, 403, "description"),
    case("agent", "mine", {"priority": "low", "sla_minutes": 5}, 403, "sla_minutes"),
    case(
        "admin",
        "theirs",
        {
            "title": "A",
            "description": "B",
            "status": "closed",
            "priority": "low",
            "assignee_id": CALLER,
            "sla_minutes": 5,
        },
        200,
    ),
    # The assignee must be an agent or an admin, whoever asks.
    case("agent", "mine", {"assignee_id": OTHER_USER}, 400, "assignee_id"),
    case("admin", "unassigned", {"assignee_id": OTHER_USER}, 400, "assignee_id"),
    # Nobody's to set, not even an admin's: refused as unknown fields.
    *[
        case(caller, relation, {field: value}, 400, field)
        for caller, relation in (("user", "own"), ("agent", "mine"), ("admin", "theirs"))
        for field, value in (
            ("requester_id", OTHER_USER),
            ("id", 1),
            ("version", 9),
            ("due_at", "2000-01-01T00:00:00Z"),
            ("created_at", "2000-01-01T00:00:00Z"),
            ("updated_at", "2000-01-01T00:00:00Z"),
            ("breached", False),
        )
    ],
]


@pytest.mark.parametrize(
    ("caller", "relation", "body", "status", "field"), [*PATCH_GRID_CASES, *PATCH_MORE_CASES]
)
async def test_patch_ticket(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    world: World,
    caller: str,
    relation: str,
    body: dict[str, Any],
    status: int,
    field: str | None,
) -> None:
    ticket_id = await ticket_for(db, world, caller, relation)
    sent = resolve(body, world, caller)
    before = await snapshot(db, ticket_id)
    response = await client.patch(
        f"/api/tickets/{ticket_id}",
        json=sent,
        headers=world.headers(caller) | {"If-Match": '"1"'},
    )
    if status == 200:
        assert response.status_code == 200, response.text
        row = await db.fetchrow("SELECT * FROM tickets WHERE id = $1", ticket_id)
        assert {key: row[key] for key in sent} == sent
        assert row["version"] == 2
        assert response.json()["version"] == 2
        entries = await db.fetchval(
            "SELECT count(*) FROM timeline_logs WHERE ticket_id = $1", ticket_id
        )
        assert entries == 1
    else:
        check_refusal(response, status, field)
        assert await snapshot(db, ticket_id) == before


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
        assert row["requester_id"] == _caller(world.caller(caller)).id
        assert row["status"] == "open"
        assert {key: row[key] for key in sent} == sent
        assert response.json()["id"] == row["id"]
    else:
        check_refusal(response, status, field)
        assert await db.fetchval("SELECT count(*) FROM tickets") == 0


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
            requester=getattr(world, requester),
            assignee=getattr(world, assignee) if assignee else None,
            title=title,
            status=status,
            breached=breached,
        )
    # Through the API: a comment's words reach its ticket's search vector there.
    commented = await client.post(
        f"/api/tickets/{ids['o-late']}/comments",
        json={"body": "zebra pattern"},
        headers=world.other_agent.headers,
    )
    assert commented.status_code == 201, commented.text
    return ids


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


# --- users, sign-in, the rest ------------------------------------------------------------------

ACCOUNT_NAMES = ("user", "other_user", "agent", "other_agent", "third_agent", "admin", "demoted")


@pytest.mark.parametrize(
    ("caller", "status"),
    [
        pytest.param("anonymous", 401, id="anonymous"),
        pytest.param("user", 403, id="user"),
        pytest.param("demoted", 403, id="demoted"),
        pytest.param("agent", 200, id="agent"),
        pytest.param("admin", 200, id="admin"),
    ],
)
async def test_list_users(
    client: httpx.AsyncClient, world: World, caller: str, status: int
) -> None:
    response = await client.get("/api/users?limit=100", headers=world.headers(caller))
    if status == 200:
        assert response.status_code == 200, response.text
        seen = {u["id"] for u in response.json()["items"]}
        assert seen == {getattr(world, name).id for name in ACCOUNT_NAMES}
        assert all(
            "password_hash" not in u and "token_version" not in u for u in response.json()["items"]
        )
    else:
        check_refusal(response, status, None)


@pytest.mark.parametrize(
    ("caller", "status"),
    [
        pytest.param("anonymous", 401, id="anonymous"),
        *[pytest.param(c, 200, id=c) for c in ("user", "demoted", "agent", "admin")],
    ],
)
async def test_me(client: httpx.AsyncClient, world: World, caller: str, status: int) -> None:
    response = await client.get("/api/me", headers=world.headers(caller))
    if status == 200:
        assert response.status_code == 200, response.text
        account = _caller(world.caller(caller))
        expected_role = "user" if caller == "demoted" else account.role
        assert (response.json()["id"], response.json()["role"]) == (account.id, expected_role)
    else:
        check_refusal(response, status, None)


# Anyone may open a requester account; only an admin may create staff accounts.
# fmt: off
REGISTER_GRID: dict[str, tuple[int, int, int, int]] = {
    #             no role  user  agent  admin
    "anonymous": (201,     201,  403,   403),
    "user":      (201,     201,  403,   403),
    "demoted":   (201,     201,  403,   403),
    "agent":     (201,     201,  403,   403),
    "admin":     (201,     201,  201,   201),
}
# fmt: on
REGISTER_CASES = [
    pytest.param(caller, role, status, id=f"{caller} registers {role or 'no role'} -> {status}")
    for caller, statuses in REGISTER_GRID.items()
    for role, status in zip((None, "user", "agent", "admin"), statuses, strict=True)
]


@pytest.mark.parametrize(("caller", "role", "status"), REGISTER_CASES)
async def test_register(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    world: World,
    caller: str,
    role: str | None,
    status: int,
) -> None:
    body = {"name": "New Person", "email": "new@example.test", "password": "longenough"}
    if role is not None:
        body["role"] = role
    response = await client.post("/api/register", json=body, headers=world.headers(caller))
    stored = await db.fetchval("SELECT role FROM users WHERE email = 'new@example.test'")
    if status == 201:
        assert response.status_code == 201, response.text
        assert response.json()["role"] == stored == (role or "user")
    else:
        check_refusal(response, status, "role")
        assert stored is None


@pytest.mark.parametrize(
    ("who", "password", "status", "code"),
    [
        *[
            pytest.param(who, PASSWORD, 200, None, id=f"{who}: right password")
            for who in ("user", "agent", "admin")
        ],
        pytest.param(
            "user", "wrong-password", 401, "INVALID_CREDENTIALS", id="user: wrong password"
        ),
        pytest.param(
            "admin", "wrong-password", 401, "INVALID_CREDENTIALS", id="admin: wrong password"
        ),
        pytest.param("nobody", PASSWORD, 401, "INVALID_CREDENTIALS", id="unknown email"),
    ],
)
async def test_login(
    client: httpx.AsyncClient, world: World, who: str, password: str, status: int, code: str | None
) -> None:
    account = world.caller(who) if who != "nobody" else None
    email = account.email if account else "nobody@example.test"
    response = await client.post("/api/login", json={"email": email, "password": password})
    if status == 200:
        assert response.status_code == 200, response.text
        assert account is not None
        assert response.json()["user"]["id"] == account.id
    else:
        check_refusal(response, status, None, code)


@pytest.mark.parametrize(
    ("caller", "current", "status"),
    [
        pytest.param("anonymous", PASSWORD, 401, id="anonymous"),
        *[
            pytest.param(c, PASSWORD, 200, id=f"{c}: right current password")
            for c in ("user", "agent", "admin")
        ],
        *[
            pytest.param(c, "wrong-password", 400, id=f"{c}: wrong current password")
            for c in ("user", "admin")
        ],
    ],
)
async def test_change_password(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    world: World,
    caller: str,
    current: str,
    status: int,
) -> None:
    response = await client.post(
        "/api/me/password",
        json={"current_password": current, "new_password": "a-new-passphrase"},
        headers=world.headers(caller),
    )
    versions = dict(await db.fetch("SELECT id, token_version FROM users"))
    account = world.caller(caller)
    if status == 200:
        assert response.status_code == 200, response.text
        assert account is not None and response.json()["user"]["id"] == account.id
        # Only the caller's own account changed.
        assert versions == {i: int(i == account.id) for i in versions}
    else:
        check_refusal(response, status, "current_password")
        assert set(versions.values()) == {0}


@pytest.mark.parametrize("url", ["/api/health", "/api/ui-config"])
@pytest.mark.parametrize("caller", ["anonymous", "user", "agent", "admin"])
async def test_open_to_everyone(
    client: httpx.AsyncClient, world: World, url: str, caller: str
) -> None:
    response = await client.get(url, headers=world.headers(caller))
    assert response.status_code == 200, response.text
    # The same answer whoever asks: nothing in it depends on the caller.
    anonymous = await client.get(url)
    assert response.json() == anonymous.json()


# --- the matrix covers every route ------------------------------------------------------------

# Each /api route and the test above that covers it for every caller.
MATRIX: dict[tuple[str, str], Callable[..., Awaitable[None]]] = {
    ("GET", "/api/health"): test_open_to_everyone,
    ("GET", "/api/ui-config"): test_open_to_everyone,
    ("POST", "/api/login"): test_login,
    ("POST", "/api/me/password"): test_change_password,
    ("POST", "/api/register"): test_register,
    ("GET", "/api/me"): test_me,
    ("GET", "/api/users"): test_list_users,
    ("POST", "/api/tickets"): test_create_ticket,
    ("GET", "/api/tickets"): test_list_tickets,
    ("GET", "/api/tickets/breached"): test_list_tickets,
    ("GET", "/api/tickets/{ticket_id}"): test_get_ticket,
    ("PATCH", "/api/tickets/{ticket_id}"): test_patch_ticket,
    ("POST", "/api/tickets/{ticket_id}/comments"): test_add_comment,
}


def test_every_api_route_is_in_the_matrix(app: FastAPI) -> None:
    # From the OpenAPI document: FastAPI's included routers are not plain APIRoutes in
    # app.routes. (A route hidden from the schema would escape this check.)
    routes = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        if path.startswith("/api/")
        for method in operations
    }
    assert routes == set(MATRIX), "add the new route's cases to this matrix"

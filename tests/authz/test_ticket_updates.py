"""The matrix (see matrix.py) for PATCH /api/tickets/{id}: every field, one at a time, and
several at once."""

from typing import Any

import asyncpg
import httpx
import pytest

from tests.authz.matrix import (
    CALLER,
    OTHER_USER,
    THIRD_AGENT,
    World,
    check_refusal,
    covers,
    resolve,
    snapshot,
)

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


@covers("PATCH /api/tickets/{ticket_id}")
@pytest.mark.parametrize(
    ("caller", "relation", "body", "status", "field"), [*PATCH_GRID_CASES, *PATCH_MORE_CASES]
)
async def test_patch_ticket(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    world: World,
    caller: str,
    ticket_id: int,
    body: dict[str, Any],
    status: int,
    field: str | None,
) -> None:
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

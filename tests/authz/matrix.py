"""The authorization matrix: every /api endpoint x every kind of caller x the caller's
relation to the ticket, each with the exact status (and the error code and field of a
refusal). A change that shows or changes someone else's ticket (OWASP API1) or lets a
caller set a field their role may not (API3) fails here; so does a new /api route that no
test of the matrix covers (test_routes.py: test_every_api_route_is_in_the_matrix).

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
every ticket.

This module holds what the parts share: the world of accounts, the tickets placed for each
relation, the placeholders for ids, and the record of which test covers which route."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import asyncpg
import httpx
import pytest

from tests.support.accounts import Account
from tests.support.responses import assert_error
from tests.support.tickets import insert_ticket

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


def signed_in(account: Account | None) -> Account:
    assert account is not None, "this relation needs a signed-in caller"
    return account


# --- tickets, placed straight in the database -----------------------------------------------

# relation -> (requester, assignee), given the world and the caller's account.
Parties = Callable[[World, Account | None], tuple[Account, Account | None]]

RELATIONS: dict[str, Parties] = {
    "own": lambda w, me: (signed_in(me), None),
    "own, assigned": lambda w, me: (signed_in(me), w.other_agent),
    "others": lambda w, me: (w.other_user, None),
    "others, assigned": lambda w, me: (w.other_user, w.other_agent),
    "mine": lambda w, me: (w.other_user, signed_in(me)),
    "theirs": lambda w, me: (w.other_user, w.other_agent),
    "unassigned": lambda w, me: (w.other_user, None),
    # For the anonymous caller: a real ticket, somebody's.
    "someone's": lambda w, me: (w.user, w.agent),
}


async def ticket_for(db: asyncpg.Connection, world: World, caller: str, relation: str) -> int:
    if relation == "missing":
        return NO_SUCH_TICKET
    requester, assignee = RELATIONS[relation](world, world.caller(caller))
    return await insert_ticket(db, requester.id, assignee_id=assignee.id if assignee else None)


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


# --- ids known only once the world exists ----------------------------------------------------

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


# --- who sees a ticket: GET /api/tickets/{id} and POST /api/tickets/{id}/comments ------------

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


def sees_cases(ok: int) -> list[Any]:
    """(caller, relation, status) for each SEES entry: `ok` when the caller sees the ticket."""
    return [
        pytest.param(
            caller,
            relation,
            401 if sees is None else ok if sees else 404,
            id=f"{caller} x {relation}",
        )
        for (caller, relation), sees in SEES.items()
    ]


# --- which test covers which route -----------------------------------------------------------

# (method, path) -> the test that covers the route for every caller.
COVERED: dict[tuple[str, str], str] = {}
Test = TypeVar("Test", bound=Callable[..., Any])


def covers(*routes: str) -> Callable[[Test], Test]:
    """Records that the test covers `routes` ("GET /api/me") for every kind of caller."""

    def record(test: Test) -> Test:
        for route in routes:
            method, path = route.split(" ", 1)
            COVERED[(method, path)] = test.__name__
        return test

    return record

"""The ticket lists: which tickets (the filters, and a requester's own only), in which
order (tickets/sorting.py), a page at a time; and how many there are.

Run on the pool (db/pool.py), not through a session. A list's SQL is built from a `Where`
(which clauses the filters write, not the values they bind), the sort and the kind of
page, compiled once per such combination and process, and a request only binds its
values."""

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any

import asyncpg
from sqlalchemy import ColumnElement, Select, bindparam, func, literal_column, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from helpdesk.auth.models import User
from helpdesk.db.compiled import Compiled
from helpdesk.pagination import PageParams
from helpdesk.tickets import search
from helpdesk.tickets.models import Status, Ticket, TicketRow, select_shown, ticket_row
from helpdesk.tickets.sorting import ORDERS, Sort

# Counted exactly up to this many; past it, the planner's estimate.
EXACT_COUNT_LIMIT = 10_000
# Compiled statements kept per kind, the least recently used dropped past it: the shapes
# in use are a few dozen, the possible ones (every subset of statuses, times the rest) many
# thousands, which a caller trying them all must not make the process hold.
STATEMENTS_KEPT = 512


@dataclass(frozen=True, slots=True)
class Unassigned:
    """Tickets nobody is assigned to."""


@dataclass(frozen=True, slots=True)
class AssignedTo:
    """Tickets assigned to this user."""

    user_id: int


@dataclass(frozen=True, slots=True)
class TicketFilters:
    statuses: tuple[Status, ...] = ()
    assignee: Unassigned | AssignedTo | None = None  # None: anyone's, or nobody's
    breached: bool | None = None
    first_response_breached: bool | None = None
    query: str | None = None


def only_breached(filters: TicketFilters) -> TicketFilters:
    return replace(filters, breached=True)


class Search(StrEnum):
    """What a search filter writes into the statement."""

    nothing = "nothing"  # no searchable word in the query: nothing is found
    public = "public"  # a requester's: not in staff's internal notes
    everything = "everything"  # staff's


class Assignee(StrEnum):
    nobody = "nobody"
    someone = "someone"  # the one bound as assignee_id


@dataclass(frozen=True, slots=True)
class Where:
    """All a list's WHERE clause is built from: each field changes the SQL, and nothing
    else does (the values it binds are not here). The statements are cached on it, so a
    clause cannot depend on something its cache key leaves out: `_clauses` sees only this."""

    own: bool  # a requester's list: their own tickets only, bound as requester_id
    statuses: tuple[Status, ...] = ()  # sorted; written into the SQL, a closed set of words
    assignee: Assignee | None = None  # None: anyone's, or nobody's
    breached: bool | None = None
    first_response_breached: bool | None = None
    search: Search | None = None  # its terms bound as search.TERMS


def _where(user: User, filters: TicketFilters) -> tuple[Where, dict[str, Any]]:
    """The caller's list's Where, and the values its clauses bind."""
    values: dict[str, Any] = {}
    if not user.is_staff:
        values["requester_id"] = user.id
    assignee: Assignee | None = None
    match filters.assignee:
        case Unassigned():
            assignee = Assignee.nobody
        case AssignedTo(user_id):
            assignee = Assignee.someone
            values["assignee_id"] = user_id
    found_by: Search | None = None
    if filters.query is not None:
        terms = search.to_tsquery_text(filters.query)
        if terms is None:
            found_by = Search.nothing
        else:
            found_by = Search.everything if user.is_staff else Search.public
            values[search.TERMS] = terms
    where = Where(
        own=not user.is_staff,
        statuses=tuple(sorted(set(filters.statuses))),
        assignee=assignee,
        breached=filters.breached,
        first_response_breached=filters.first_response_breached,
        search=found_by,
    )
    return where, values


def _breach(at: InstrumentedAttribute[datetime | None], wanted: bool) -> ColumnElement[bool]:
    """Compared on the stored instant, so that ix_tickets_breach_at (and its
    first-response twin) serves the filter."""
    return at <= func.now() if wanted else or_(at.is_(None), at > func.now())


def _clauses(where: Where) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if where.own:
        clauses.append(Ticket.requester_id == bindparam("requester_id"))
    if where.statuses:
        # Written into the SQL: the planner sees which.
        clauses.append(Ticket.status.in_([literal_column(f"'{s.value}'") for s in where.statuses]))
    if where.assignee is Assignee.nobody:
        clauses.append(Ticket.assignee_id.is_(None))
    elif where.assignee is Assignee.someone:
        clauses.append(Ticket.assignee_id == bindparam("assignee_id"))
    if where.breached is not None:
        clauses.append(_breach(Ticket.breach_at, where.breached))
    if where.first_response_breached is not None:
        clauses.append(_breach(Ticket.first_response_breach_at, where.first_response_breached))
    match where.search:
        case Search.nothing:
            # Not false(), which SQLAlchemy would let swallow the other clauses, and their
            # bound values with them.
            clauses.append(literal_column("false"))
        case Search.public | Search.everything:
            clauses.append(search.matches(public_only=where.search is Search.public))
    return clauses


@lru_cache(maxsize=STATEMENTS_KEPT)
def _list(where: Where, sort: Sort, *, after: bool, deep: bool) -> Compiled:
    """A page of the list: after a cursor (`after`), or past an offset (`deep`)."""
    order = ORDERS[sort]
    clauses = _clauses(where) + ([order.after()] if after else [])

    def page_of(rows: Any) -> Any:
        return (
            rows.where(*clauses)
            .order_by(*order.order_by())
            .limit(bindparam("limit"))
            .offset(bindparam("offset"))
        )

    if not deep:
        return Compiled(page_of(select_shown()))
    # A page by offset: the rows it skips are walked as ids alone, in the order's index
    # (an index-only scan where the filters are in it too), and only the page's own rows
    # are read whole, not every row skipped on the way.
    ids = page_of(select(Ticket.id)).subquery("page")
    return Compiled(select_shown().join(ids, ids.c.id == Ticket.id).order_by(*order.order_by()))


def _matching(where: Where) -> Select[Any]:
    return select(Ticket.id).where(*_clauses(where))


@lru_cache(maxsize=STATEMENTS_KEPT)
def _count(where: Where) -> Compiled:
    """Up to EXACT_COUNT_LIMIT + 1 of the list's rows, counted."""
    capped = _matching(where).limit(EXACT_COUNT_LIMIT + 1).subquery()
    return Compiled(select(func.count()).select_from(capped))


@lru_cache(maxsize=STATEMENTS_KEPT)
def _estimate(where: Where) -> Compiled:
    """The list's rows, for the planner to estimate (EXPLAIN, not run)."""
    return Compiled(_matching(where))


async def _fetch(
    connection: asyncpg.Connection, statement: Compiled, values: dict[str, Any]
) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await connection.fetch(
        statement.sql(**values), *statement.args(**values)
    )
    return rows


async def list_tickets(
    connection: asyncpg.Connection,
    *,
    user: User,
    filters: TicketFilters,
    page: PageParams,
    sort: Sort = Sort.newest,
) -> list[TicketRow]:
    """In the sort's order; one row more than the page, to know whether another page
    follows. After a cursor, the row comparison continues down the order's index from where
    the last page stopped."""
    where, values = _where(user, filters)
    values |= {"limit": page.limit + 1, "offset": page.offset}
    if page.after is not None:
        values |= ORDERS[sort].after_values(page.after)
    statement = _list(where, sort, after=page.after is not None, deep=page.offset > 0)
    return [ticket_row(row) for row in await _fetch(connection, statement, values)]


@dataclass(frozen=True, slots=True)
class Count:
    count: int
    exact: bool


async def count_tickets(
    connection: asyncpg.Connection, *, user: User, filters: TicketFilters
) -> Count:
    """How many tickets the list holds: exact up to EXACT_COUNT_LIMIT (reading at most that
    many rows, one more to know), else PostgreSQL's estimate of the list's rows, so a count
    never reads a million."""
    where, values = _where(user, filters)
    counting = _count(where)
    counted: int = await connection.fetchval(counting.sql(**values), *counting.args(**values))
    if counted <= EXACT_COUNT_LIMIT:
        return Count(counted, exact=True)
    # The planner's estimate of the list's rows (EXPLAIN, not run).
    estimating = _estimate(where)
    plan = await connection.fetchval(
        f"EXPLAIN (FORMAT JSON) {estimating.sql(**values)}", *estimating.args(**values)
    )
    estimate = int(plan[0]["Plan"]["Plan Rows"])
    return Count(max(estimate, EXACT_COUNT_LIMIT + 1), exact=False)

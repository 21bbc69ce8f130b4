"""The ticket lists: which tickets (the filters, and a requester's own only), in which
order (tickets/sorting.py), a page at a time; and how many there are.

Run on the pool (db/pool.py), not through a session. Each filter is a part: what it adds
to the statement's shape (which clause it writes), the clause, and the values it binds. A
list's SQL is then composed and compiled once per shape and process (a few dozen in
use), and a request only binds its values."""

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import asyncpg
from sqlalchemy import ColumnElement, bindparam, func, literal_column, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from helpdesk.auth.models import User
from helpdesk.db.compiled import Compiled, CompiledCache
from helpdesk.pagination import PageParams
from helpdesk.tickets import search
from helpdesk.tickets.models import Status, Ticket, TicketRow, select_shown, ticket_row
from helpdesk.tickets.sorting import ORDERS, Sort

# Counted exactly up to this many; past it, the planner's estimate.
EXACT_COUNT_LIMIT = 10_000


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


@dataclass(frozen=True, slots=True)
class _Part:
    shape: Hashable
    clause: Callable[[], ColumnElement[bool]]
    values: dict[str, Any] = field(default_factory=dict)


def _breach_parts(filters: TicketFilters) -> list[_Part]:
    """Compared on the stored instant, so that ix_tickets_breach_at (and its
    first-response twin) serves the filter."""
    parts = []
    for name, wanted, at in (
        ("breached", filters.breached, Ticket.breach_at),
        ("first_response", filters.first_response_breached, Ticket.first_response_breach_at),
    ):

        def past(at: InstrumentedAttribute[datetime | None] = at) -> ColumnElement[bool]:
            return at <= func.now()

        def not_past(at: InstrumentedAttribute[datetime | None] = at) -> ColumnElement[bool]:
            return or_(at.is_(None), at > func.now())

        if wanted is not None:
            parts.append(_Part((name, wanted), past if wanted else not_past))
    return parts


def _filter_parts(user: User, filters: TicketFilters) -> list[_Part]:
    parts: list[_Part] = []
    if not user.is_staff:
        parts.append(
            _Part(
                "own",
                lambda: Ticket.requester_id == bindparam("requester_id"),
                {"requester_id": user.id},
            )
        )
    if filters.statuses:
        # Written into the SQL (a closed set of words): the planner sees which.
        statuses = tuple(sorted(status.value for status in filters.statuses))
        parts.append(
            _Part(
                ("statuses", statuses),
                lambda: Ticket.status.in_([literal_column(f"'{status}'") for status in statuses]),
            )
        )
    match filters.assignee:
        case Unassigned():
            parts.append(_Part("unassigned", lambda: Ticket.assignee_id.is_(None)))
        case AssignedTo(user_id):
            parts.append(
                _Part(
                    "assigned",
                    lambda: Ticket.assignee_id == bindparam("assignee_id"),
                    {"assignee_id": user_id},
                )
            )
    parts += _breach_parts(filters)
    if filters.query is not None:
        terms = search.to_tsquery_text(filters.query)
        if terms is None:
            # Nothing searchable: nothing found. Not false(), which SQLAlchemy would let
            # swallow the other clauses, and their bound values with them.
            parts.append(_Part("nothing", lambda: literal_column("false")))
        else:
            public_only = not user.is_staff
            parts.append(
                _Part(
                    ("search", public_only),
                    lambda: search.matches(public_only=public_only),
                    {search.TERMS: terms},
                )
            )
    return parts


def _shape(parts: list[_Part]) -> tuple[Hashable, ...]:
    return tuple(part.shape for part in parts)


def _values(parts: list[_Part]) -> dict[str, Any]:
    return {name: value for part in parts for name, value in part.values.items()}


_STATEMENTS = CompiledCache()


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
    order = ORDERS[sort]
    parts = _filter_parts(user, filters)
    values = _values(parts) | {"limit": page.limit + 1, "offset": page.offset}
    if page.after is not None:
        values |= order.after_values(page.after)

    after = page.after is not None
    deep = page.offset > 0

    def build() -> Any:
        clauses = [part.clause() for part in parts] + ([order.after()] if after else [])

        def page_of(rows: Any) -> Any:
            return (
                rows.where(*clauses)
                .order_by(*order.order_by())
                .limit(bindparam("limit"))
                .offset(bindparam("offset"))
            )

        if not deep:
            return page_of(select_shown())
        # A page by offset: the rows it skips are walked as ids alone, in the order's index
        # (an index-only scan where the filters are in it too), and only the page's own
        # rows are read whole, not every row skipped on the way.
        ids = page_of(select(Ticket.id)).subquery("page")
        return select_shown().join(ids, ids.c.id == Ticket.id).order_by(*order.order_by())

    shape = ("list", _shape(parts), sort, after, deep)
    statement = _STATEMENTS.get(shape, build)
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
    parts = _filter_parts(user, filters)
    values = _values(parts)

    def matching() -> Any:
        return select(Ticket.id).where(*(part.clause() for part in parts))

    def capped() -> Any:
        return select(func.count()).select_from(matching().limit(EXACT_COUNT_LIMIT + 1).subquery())

    shape = _shape(parts)
    counting = _STATEMENTS.get(("count", shape), capped)
    counted: int = await connection.fetchval(counting.sql(**values), *counting.args(**values))
    if counted <= EXACT_COUNT_LIMIT:
        return Count(counted, exact=True)
    # The planner's estimate of the list's rows (EXPLAIN, not run).
    estimating = _STATEMENTS.get(("matching", shape), matching)
    plan = await connection.fetchval(
        f"EXPLAIN (FORMAT JSON) {estimating.sql(**values)}", *estimating.args(**values)
    )
    estimate = int(plan[0]["Plan"]["Plan Rows"])
    return Count(max(estimate, EXACT_COUNT_LIMIT + 1), exact=False)

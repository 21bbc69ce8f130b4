"""The orders a ticket list can take (`sort`), each served by an index (tickets/models.py),
and the keyset cursor that continues each one from the last row shown."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, bindparam, literal_column, tuple_

from helpdesk.errors import FieldInvalid
from helpdesk.pagination import Cursor
from helpdesk.tickets.models import DUE_SORT, PRIORITY_RANK, Priority, Ticket


class Sort(StrEnum):
    newest = "-created_at"  # the seed's order, the default
    due = "due_at"  # soonest due first; paused tickets (no due date) last
    priority = "-priority"  # most urgent first, then soonest due
    updated = "-updated_at"  # last changed first


# As PRIORITY_RANK ranks them in SQL.
RANKS = {Priority.urgent: 0, Priority.high: 1, Priority.medium: 2, Priority.low: 3}
_DUE: ColumnElement[datetime] = literal_column(DUE_SORT)
_RANK: ColumnElement[int] = literal_column(PRIORITY_RANK)
# A paused ticket's place in the due order, as DUE_SORT puts it: asyncpg sends this as
# 'infinity'.
NO_DUE_DATE = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Order:
    keys: tuple[Any, ...]  # the sort keys, then id
    descending: bool
    # The row's cursor, from the ticket as shown.
    position: Callable[[Any], Cursor]
    # The cursor's values for the keyset comparison; raises ValueError for a cursor of
    # another order.
    values: Callable[[Cursor], tuple[Any, ...]]

    def order_by(self) -> list[Any]:
        return [key.desc() if self.descending else key.asc() for key in self.keys]

    def after(self) -> ColumnElement[bool]:
        """The rows after the cursor's position (bound as after_0, after_1, ...: see
        after_values), walking the order's index from there."""
        position = tuple_(*self.keys)
        bound = tuple_(*(bindparam(f"after_{n}") for n in range(len(self.keys))))
        return position < bound if self.descending else position > bound

    def after_values(self, cursor: Cursor) -> dict[str, Any]:
        """The values after() binds for `cursor`; 400 for a cursor of another order."""
        try:
            values = self.values(cursor)
        except ValueError:
            raise FieldInvalid(
                "This cursor belongs to another sort order", field="cursor"
            ) from None
        return {f"after_{n}": value for n, value in enumerate(values)}


def _tagged(tag: str, cursor: Cursor) -> Cursor:
    if cursor.order != tag:
        raise ValueError(tag)
    return cursor


def _timed(tag: str, cursor: Cursor) -> tuple[datetime, int]:
    _tagged(tag, cursor)
    if cursor.at is None:
        raise ValueError(tag)
    return cursor.at, cursor.id


def _due(at: datetime | None) -> datetime:
    return NO_DUE_DATE if at is None else at


def _rank_of(cursor: Cursor) -> int:
    if len(cursor.order) != 2 or cursor.order[0] != "p" or cursor.order[1] not in "0123":
        raise ValueError(cursor.order)
    return int(cursor.order[1])


ORDERS: dict[Sort, Order] = {
    Sort.newest: Order(
        keys=(Ticket.created_at, Ticket.id),
        descending=True,
        position=lambda t: Cursor(t.created_at, t.id),
        values=lambda c: _timed("", c),
    ),
    Sort.updated: Order(
        keys=(Ticket.updated_at, Ticket.id),
        descending=True,
        position=lambda t: Cursor(t.updated_at, t.id, "u"),
        values=lambda c: _timed("u", c),
    ),
    Sort.due: Order(
        keys=(_DUE, Ticket.id),
        descending=False,
        position=lambda t: Cursor(t.due_at, t.id, "d"),
        values=lambda c: (_due(_tagged("d", c).at), c.id),
    ),
    Sort.priority: Order(
        keys=(_RANK, _DUE, Ticket.id),
        descending=False,
        position=lambda t: Cursor(t.due_at, t.id, f"p{RANKS[Priority(t.priority)]}"),
        values=lambda c: (_rank_of(c), _due(c.at), c.id),
    ),
}


def parse_sort(text: str | None) -> Sort:
    if text is None:
        return Sort.newest
    try:
        return Sort(text)
    except ValueError:
        allowed = ", ".join(sort.value for sort in Sort)
        raise FieldInvalid(f"sort must be one of: {allowed}", field="sort") from None

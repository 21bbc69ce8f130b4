from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Computed,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Interval,
    Select,
    Text,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, aliased, column_property, mapped_column
from sqlalchemy.sql.dml import Insert, Update

from helpdesk.auth.models import User
from helpdesk.db.base import Base, CreatedAt, one_of


class Status(StrEnum):
    open = "open"
    in_progress = "in_progress"
    pending = "pending"  # waiting on the requester: the SLA clocks pause
    on_hold = "on_hold"  # waiting on a third party: the SLA clocks pause
    resolved = "resolved"
    closed = "closed"


class Priority(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    urgent = "urgent"


MAX_SLA_MINUTES = 365 * 24 * 60  # one year
# The text search configuration: English stemming, so "crashes" finds "crash".
SEARCH_CONFIG = "english"
# A ticket's words: its title, its description and every comment on it, so that one GIN
# index answers a search (tickets/search.py keeps comment_words up to date).
TICKET_SEARCH_DOCUMENT = (
    f"setweight(to_tsvector('{SEARCH_CONFIG}', title), 'A') || "
    f"setweight(to_tsvector('{SEARCH_CONFIG}', description), 'B') || "
    "comment_words || note_words"
)
# When a ticket is, was or will be breached as its clocks stand (tickets/sla/clock.py):
# running, at its due date; paused with time left, or stopped (resolved) in time, never
# (NULL); paused past due, always (-infinity); resolved late, at its due date; closed,
# never. "Breached" is then one comparison with the clock, served by one partial index.
BREACH_AT = """CASE
    WHEN status = 'closed' THEN NULL
    WHEN due_at IS NULL THEN
        CASE WHEN sla_remaining < interval '0' THEN '-infinity'::timestamptz END
    WHEN resolved_at IS NULL OR due_at <= resolved_at THEN due_at
END"""
# The same for the first response; once responded, late or not is settled.
FIRST_RESPONSE_BREACH_AT = """CASE
    WHEN status = 'closed' THEN NULL
    WHEN first_responded_at IS NOT NULL THEN
        CASE WHEN first_response_due_at < first_responded_at THEN first_response_due_at END
    WHEN first_response_due_at IS NULL THEN
        CASE WHEN first_response_remaining < interval '0' THEN '-infinity'::timestamptz END
    WHEN resolved_at IS NULL OR first_response_due_at <= resolved_at THEN first_response_due_at
END"""


# The queue's other orders (tickets/service.py, sort=): soonest due first, a paused ticket
# (no due date) after every running one; the most urgent first. Written once, here: an
# index serves an ORDER BY only on the very same expression.
DUE_SORT = "coalesce(due_at, 'infinity'::timestamptz)"
PRIORITY_RANK = (
    "CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END"
)


class Ticket(CreatedAt, Base):
    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint(one_of("status", Status), name="status"),
        CheckConstraint(one_of("priority", Priority), name="priority"),
        CheckConstraint(f"sla_minutes BETWEEN 0 AND {MAX_SLA_MINUTES}", name="sla_minutes"),
        CheckConstraint(
            f"first_response_minutes BETWEEN 0 AND {MAX_SLA_MINUTES}",
            name="first_response_minutes",
        ),
        CheckConstraint("version >= 1", name="version"),
        # The list in its one order (newest first), whole and per filter.
        Index("ix_tickets_created_at_id", text("created_at DESC"), text("id DESC")),
        Index(
            "ix_tickets_requester_created_at_id",
            "requester_id",
            text("created_at DESC"),
            text("id DESC"),
        ),
        Index(
            "ix_tickets_assignee_created_at_id",
            "assignee_id",
            text("created_at DESC"),
            text("id DESC"),
        ),
        Index(
            "ix_tickets_status_created_at_id", "status", text("created_at DESC"), text("id DESC")
        ),
        Index("ix_tickets_updated_at_id", text("updated_at DESC"), text("id DESC")),
        Index("ix_tickets_due_sort_id", text(f"({DUE_SORT})"), "id"),
        Index(
            "ix_tickets_priority_due_sort_id",
            text(f"({PRIORITY_RANK})"),
            text(f"({DUE_SORT})"),
            "id",
        ),
        Index(
            "ix_tickets_follow_up_of",
            "follow_up_of",
            postgresql_where=text("follow_up_of IS NOT NULL"),
        ),
        # Breached, either target: only tickets that can be.
        Index("ix_tickets_breach_at", "breach_at", postgresql_where=text("breach_at IS NOT NULL")),
        Index(
            "ix_tickets_first_response_breach_at",
            "first_response_breach_at",
            postgresql_where=text("first_response_breach_at IS NOT NULL"),
        ),
        Index("ix_tickets_search_vector", "search_vector", postgresql_using="gin"),
        # Breaches the worker has still to record.
        Index(
            "ix_tickets_sla_breach_unrecorded",
            "breach_at",
            postgresql_where=text(
                "breach_at IS NOT NULL AND due_at IS DISTINCT FROM sla_breach_recorded_due"
            ),
        ),
        Index(
            "ix_tickets_first_response_breach_unrecorded",
            "first_response_breach_at",
            postgresql_where=text(
                "first_response_breach_at IS NOT NULL AND first_response_due_at IS DISTINCT "
                "FROM first_response_breach_recorded_due"
            ),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, server_default="")
    status: Mapped[str] = mapped_column(Text, server_default=Status.open.value)
    priority: Mapped[str] = mapped_column(Text, server_default=Priority.medium.value)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The closed ticket this one follows up (a closed ticket takes no new comment).
    follow_up_of: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    # The clocks (tickets/sla/clock.py). The resolution target (the seed's SLA) and its due
    # date, NULL while paused; the time it had left when the current run started, when it
    # was paused (negative: past due) or when it stopped.
    sla_minutes: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sla_remaining: Mapped[timedelta] = mapped_column(Interval)
    sla_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The same for the first response, until it is made.
    first_response_minutes: Mapped[int] = mapped_column(Integer)
    first_response_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_response_remaining: Mapped[timedelta | None] = mapped_column(Interval)
    first_responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The clocks count business hours (the policy's choice when the targets were set).
    sla_business_hours: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The due date whose breach the worker has recorded (timeline and event), per target:
    # a breach is recorded once per due date, so once per clock run.
    sla_breach_recorded_due: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_response_breach_recorded_due: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True)
    )
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # The lexemes of its public comments and of its internal notes, without positions.
    comment_words: Mapped[str] = mapped_column(
        TSVECTOR, server_default=text("''::tsvector"), deferred=True
    )
    note_words: Mapped[str] = mapped_column(
        TSVECTOR, server_default=text("''::tsvector"), deferred=True
    )
    search_vector: Mapped[str] = mapped_column(
        TSVECTOR, Computed(TICKET_SEARCH_DOCUMENT, persisted=True), deferred=True
    )
    breach_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), Computed(BREACH_AT, persisted=True), deferred=True
    )
    first_response_breach_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), Computed(FIRST_RESPONSE_BREACH_AT, persisted=True), deferred=True
    )
    # Breached, on the database's clock. Read with the ticket and used as the list filter,
    # so a ticket can never say "not breached" inside ?breached=true. An INSERT or
    # UPDATE ... RETURNING must name them (tickets/service.py does).
    breached: Mapped[bool] = column_property(func.coalesce(breach_at <= func.now(), False))
    first_response_breached: Mapped[bool] = column_property(
        func.coalesce(first_response_breach_at <= func.now(), False)
    )


class Comment(CreatedAt, Base):
    """A reply or an internal note on a ticket. Its table is the ticket's, as its words are
    (tickets/search.py): a PATCH writes one with the change (tickets/replies.py), and
    tickets.comments, which builds on tickets, keeps the rules of posting one alone."""

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_ticket_id_id", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    # An internal note: staff only, never shown to the requester.
    internal: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))


@dataclass(frozen=True, slots=True)
class TicketRow:
    """A ticket read on the pool (db/pool.py) rather than through a session: its columns
    (but the search words and the breach bookkeeping) by the same names as Ticket's,
    whether each target is breached now, and its requester's and assignee's name, role and
    email (the assignee's None when unassigned), read with it."""

    id: int
    title: str
    description: str
    status: str
    priority: str
    requester_id: int
    assignee_id: int | None
    follow_up_of: int | None
    sla_minutes: int
    due_at: datetime | None
    sla_remaining: timedelta
    sla_started_at: datetime | None
    first_response_minutes: int
    first_response_due_at: datetime | None
    first_response_remaining: timedelta | None
    first_responded_at: datetime | None
    sla_business_hours: bool
    resolved_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime
    breached: bool
    first_response_breached: bool
    requester_name: str
    requester_role: str
    requester_email: str
    assignee_name: str | None
    assignee_role: str | None
    assignee_email: str | None


# What a TicketRow holds beside the ticket's own columns, and the ticket's own columns that
# are not shown (the search words and the breach bookkeeping).
_PERSON_COLUMNS = ("name", "role", "email")
_PEOPLE_FIELDS = tuple(
    f"{label}_{column}" for label in ("requester", "assignee") for column in _PERSON_COLUMNS
)
_BREACHED = {
    "breached": Ticket.breached.expression.label("breached"),
    "first_response_breached": Ticket.first_response_breached.expression.label(
        "first_response_breached"
    ),
}
# The ticket's columns a TicketRow holds, by its fields' names: what an INSERT or UPDATE
# returns, and what a reader selects before its people.
TICKET_COLUMNS = tuple(
    _BREACHED[name] if name in _BREACHED else Ticket.__table__.c[name]
    for name in TicketRow.__slots__
    if name not in _PEOPLE_FIELDS
)


def _people(requester: type[User], assignee: type[User]) -> tuple[Any, ...]:
    """The name, role and email of the requester, then of the assignee (NULL: none)."""
    return tuple(
        getattr(person, column).label(f"{label}_{column}")
        for label, person in (("requester", requester), ("assignee", assignee))
        for column in _PERSON_COLUMNS
    )


_requester = aliased(User, name="requester")
_assignee = aliased(User, name="assignee")
# A ticket's people come from a join in the statement that reads it, never a query per
# ticket; the requester always exists, the assignee may not (an outer join).
SHOWN = (*TICKET_COLUMNS, *_people(_requester, _assignee))
_WITH_PEOPLE = Ticket.__table__.join(_requester, _requester.id == Ticket.requester_id).outerjoin(
    _assignee, _assignee.id == Ticket.assignee_id
)


def select_shown(*more: Any) -> Select[Any]:
    """SELECT the columns of a TicketRow (then `more`) from the tickets and their people;
    a caller adds its WHERE, ORDER BY and joins."""
    return select(*SHOWN, *more).select_from(_WITH_PEOPLE)


def returning_shown(statement: Insert | Update) -> Select[Any]:
    """An INSERT or UPDATE of tickets that returns TICKET_COLUMNS, as a statement that
    returns the columns of a TicketRow: RETURNING cannot join, so the written row is read
    with its people around it, still one statement."""
    written = statement.cte("written")
    return (
        select(*written.c, *_people(_requester, _assignee))
        .select_from(written)
        .join(_requester, _requester.id == written.c.requester_id)
        .outerjoin(_assignee, _assignee.id == written.c.assignee_id)
    )


def ticket_row(record: Mapping[str, Any]) -> TicketRow:
    """The TicketRow of a record that holds SHOWN's columns (and maybe more), by name."""
    return TicketRow(**{name: record[name] for name in TicketRow.__slots__})

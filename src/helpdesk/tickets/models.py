from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Computed,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Text,
    and_,
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, column_property, mapped_column

from helpdesk.db.base import Base, CreatedAt, one_of


class Status(StrEnum):
    open = "open"
    in_progress = "in_progress"
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
    "comment_words"
)


class Ticket(CreatedAt, Base):
    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint(one_of("status", Status), name="status"),
        CheckConstraint(one_of("priority", Priority), name="priority"),
        CheckConstraint(f"sla_minutes BETWEEN 0 AND {MAX_SLA_MINUTES}", name="sla_minutes"),
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
        # Breached: only tickets that are not closed can breach.
        Index(
            "ix_tickets_due_at_not_closed", "due_at", postgresql_where=text("status <> 'closed'")
        ),
        Index("ix_tickets_search_vector", "search_vector", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, server_default="")
    status: Mapped[str] = mapped_column(Text, server_default=Status.open.value)
    priority: Mapped[str] = mapped_column(Text, server_default=Priority.medium.value)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sla_minutes: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # The lexemes of its comments, without positions.
    comment_words: Mapped[str] = mapped_column(
        TSVECTOR, server_default=text("''::tsvector"), deferred=True
    )
    search_vector: Mapped[str] = mapped_column(
        TSVECTOR, Computed(TICKET_SEARCH_DOCUMENT, persisted=True), deferred=True
    )
    # Breached: not closed and past due, on the database's clock. Read with the ticket and
    # used as the list filter, so a ticket can never say "not breached" inside
    # ?breached=true. Served by ix_tickets_due_at_not_closed. An INSERT or UPDATE ...
    # RETURNING must name it (tickets/service.py does).
    breached: Mapped[bool] = column_property(
        and_(status != literal_column("'closed'"), due_at <= func.now())
    )

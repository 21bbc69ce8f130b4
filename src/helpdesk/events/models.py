from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.db.base import Base, one_of


class EventType(StrEnum):
    ticket_created = "ticket.created"
    ticket_updated = "ticket.updated"
    comment_created = "comment.created"
    ticket_sla_breached = "ticket.sla_breached"
    ticket_sla_paused = "ticket.sla_paused"
    ticket_sla_resumed = "ticket.sla_resumed"


class Event(Base):
    """One event, in commit order of its transaction's id (ids are handed out as rows are
    written: a reader follows them, see service.py)."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint(one_of("type", EventType), name="type"),
        Index("ix_events_ticket_id_id", "ticket_id", "id"),
        Index("ix_events_undispatched", "id", postgresql_where=text("dispatched_at IS NULL")),
        Index("ix_events_unmailed", "id", postgresql_where=text("mailed_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    type: Mapped[str] = mapped_column(Text)
    ticket_id: Mapped[int] = mapped_column(Integer)
    # Who may see it on the live stream: the ticket's requester and staff; an internal one
    # (about an internal note, or an SLA breach: tickets/permissions.py), staff only.
    requester_id: Mapped[int] = mapped_column(Integer)
    internal: Mapped[bool] = mapped_column(Boolean, server_default="false")
    data: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Set once the worker has made its webhook deliveries (NULL: still to fan out).
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set once its mails are made (NULL: still to look at).
    mailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class EventStream(Base):
    """One open live stream, or a spent stream token: what every API process counts to cap
    an account's streams and to let a stream token open one stream only (events/streams.py).
    The process serving a stream refreshes `heartbeat_at`; a row whose process died goes
    stale and stops counting."""

    __tablename__ = "event_streams"
    __table_args__ = (
        Index("ix_event_streams_user_id", "user_id"),
        Index("ix_event_streams_token_id", "token_id", unique=True),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The stream token's id (jti) that opened it; NULL for a stream opened with a bearer token.
    token_id: Mapped[str | None] = mapped_column(Text)
    # Until when the row must stay once the stream ends: its token's expiry, so the token
    # cannot open a second stream.
    keep_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    open: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    heartbeat_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

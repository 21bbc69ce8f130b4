from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
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
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.db.base import Base, one_of


class MailKind(StrEnum):
    reply = "reply"  # to the requester: the desk answered
    resolved = "resolved"  # to the requester
    assigned = "assigned"  # to the assignee
    requester_replied = "requester_replied"  # to the assignee


class MailState(StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"


class Mail(Base):
    """One notification of one event to one person: sent by the worker, retried as
    webhooks are."""

    __tablename__ = "mails"
    __table_args__ = (
        CheckConstraint(one_of("kind", MailKind), name="kind"),
        CheckConstraint(one_of("state", MailState), name="state"),
        Index("ix_mails_due", "next_attempt_at", "id", postgresql_where=text("state = 'pending'")),
        Index("ix_mails_ticket_id_id", "ticket_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    ticket_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(Text)
    to_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # <...@host>: unique per mail; a ticket's first mail's is what later ones reply to.
    message_id: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(Text, server_default=MailState.pending.value)
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    retry_until: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now() + interval '24 hours'")
    )
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.db.base import Base, CreatedAt, one_of


class Action(StrEnum):
    ticket_created = "ticket.created"
    ticket_updated = "ticket.updated"
    comment_created = "comment.created"
    sla_paused = "sla.paused"
    sla_resumed = "sla.resumed"
    sla_breached = "sla.breached"  # by no one: the worker saw a target pass


class TimelineLog(CreatedAt, Base):
    __tablename__ = "timeline_logs"
    __table_args__ = (
        CheckConstraint(one_of("action", Action), name="action"),
        Index("ix_timeline_logs_ticket_id_id", "ticket_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    # NULL: the service itself (an SLA breach).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(Text)
    meta: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    ARRAY,
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
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.db.base import Base, CreatedAt, one_of


class Webhook(CreatedAt, Base):
    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    # Event types, or ["*"] for all.
    events: Mapped[list[str]] = mapped_column(ARRAY(Text))
    description: Mapped[str] = mapped_column(Text, server_default="")
    # "whsec_" + base64 of 32 random bytes: shown on creation and rotation only.
    secret: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    # Since when every delivery has failed (NULL: the last one succeeded); past a day of
    # it, the endpoint is deactivated and says why.
    failing_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deactivated_reason: Mapped[str | None] = mapped_column(Text)


class DeliveryState(StrEnum):
    pending = "pending"  # to be sent (again) at next_attempt_at
    delivered = "delivered"
    failed = "failed"  # retried for a day; POST .../retry sends it again


class Delivery(Base):
    """One event to one endpoint: its attempts and where they stand."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        CheckConstraint(one_of("state", DeliveryState), name="state"),
        # What the worker sends next: pending, due.
        Index(
            "ix_webhook_deliveries_due",
            "next_attempt_at",
            "id",
            postgresql_where=text("state = 'pending'"),
        ),
        # In order per ticket: the earlier pending delivery of a ticket to an endpoint.
        Index(
            "ix_webhook_deliveries_pending_ticket",
            "webhook_id",
            "ticket_id",
            "event_id",
            postgresql_where=text("state = 'pending'"),
        ),
        Index("ix_webhook_deliveries_webhook_id_id", "webhook_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    event_type: Mapped[str] = mapped_column(Text)
    ticket_id: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(Text, server_default=DeliveryState.pending.value)
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Past this, a failed attempt marks it failed (a retry by hand gives it another day).
    retry_until: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now() + interval '24 hours'")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

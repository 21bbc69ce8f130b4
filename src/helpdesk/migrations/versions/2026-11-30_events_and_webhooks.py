"""Events out: the outbox, webhook endpoints and their deliveries, mails, SLA breaches recorded
once per target and clock run (timeline entries by no one: the service itself)

Tickets already breached count as recorded: the first worker does not announce years of
history.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIONS_BEFORE = (
    "('ticket.created', 'ticket.updated', 'comment.created', 'sla.paused', 'sla.resumed')"
)
ACTIONS = (
    "('ticket.created', 'ticket.updated', 'comment.created', 'sla.paused', 'sla.resumed', "
    "'sla.breached')"
)
EVENT_TYPES = "('ticket.created', 'ticket.updated', 'comment.created', 'ticket.sla_breached')"


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("internal", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        # Set once the worker has made its deliveries (NULL: still to fan out).
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
        # Set once its mails are made.
        sa.Column("mailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(f"type IN {EVENT_TYPES}", name=op.f("ck_events_type")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    op.create_index("ix_events_ticket_id_id", "events", ["ticket_id", "id"])
    op.create_index(
        "ix_events_undispatched",
        "events",
        ["id"],
        postgresql_where=sa.text("dispatched_at IS NULL"),
    )
    op.create_index(
        "ix_events_unmailed", "events", ["id"], postgresql_where=sa.text("mailed_at IS NULL")
    )
    op.create_table(
        "mails",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("to_user_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "next_attempt_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=True,
        ),
        sa.Column(
            "retry_until",
            sa.DateTime(timezone=True),
            server_default=sa.text("now() + interval '24 hours'"),
            nullable=False,
        ),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "kind IN ('reply', 'resolved', 'assigned', 'requester_replied')",
            name=op.f("ck_mails_kind"),
        ),
        sa.CheckConstraint("state IN ('pending', 'sent', 'failed')", name=op.f("ck_mails_state")),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_mails_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["to_user_id"],
            ["users.id"],
            name=op.f("fk_mails_to_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mails")),
    )
    op.create_index(
        "ix_mails_due",
        "mails",
        ["next_attempt_at", "id"],
        postgresql_where=sa.text("state = 'pending'"),
    )
    op.create_index("ix_mails_ticket_id_id", "mails", ["ticket_id", "id"])
    op.create_table(
        "webhooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("events", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("failing_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deactivated_reason", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhooks")),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("webhook_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.Text(), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "next_attempt_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=True,
        ),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "retry_until",
            sa.DateTime(timezone=True),
            server_default=sa.text("now() + interval '24 hours'"),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "state IN ('pending', 'delivered', 'failed')",
            name=op.f("ck_webhook_deliveries_state"),
        ),
        sa.ForeignKeyConstraint(
            ["webhook_id"],
            ["webhooks.id"],
            name=op.f("fk_webhook_deliveries_webhook_id_webhooks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_webhook_deliveries_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
    )
    op.create_index(
        "ix_webhook_deliveries_due",
        "webhook_deliveries",
        ["next_attempt_at", "id"],
        postgresql_where=sa.text("state = 'pending'"),
    )
    op.create_index(
        "ix_webhook_deliveries_pending_ticket",
        "webhook_deliveries",
        ["webhook_id", "ticket_id", "event_id"],
        postgresql_where=sa.text("state = 'pending'"),
    )
    op.create_index(
        "ix_webhook_deliveries_webhook_id_id", "webhook_deliveries", ["webhook_id", "id"]
    )

    op.alter_column("timeline_logs", "actor_id", nullable=True)
    op.drop_constraint(op.f("ck_timeline_logs_action"), "timeline_logs")
    op.create_check_constraint("action", "timeline_logs", f"action IN {ACTIONS}")
    for target, due in (("sla", "due_at"), ("first_response", "first_response_due_at")):
        column = f"{target}_breach_recorded_due"
        op.add_column("tickets", sa.Column(column, sa.DateTime(timezone=True), nullable=True))
        breach_at = "breach_at" if target == "sla" else "first_response_breach_at"
        op.execute(f"UPDATE tickets SET {column} = {due} WHERE {breach_at} <= now()")  # noqa: S608
        # What the worker looks for: breach instants not yet recorded for this due date.
        op.create_index(
            f"ix_tickets_{target}_breach_unrecorded",
            "tickets",
            [breach_at],
            postgresql_where=sa.text(
                f"{breach_at} IS NOT NULL AND {due} IS DISTINCT FROM {column}"
            ),
        )


def downgrade() -> None:
    for target in ("sla", "first_response"):
        op.drop_index(f"ix_tickets_{target}_breach_unrecorded", table_name="tickets")
        op.drop_column("tickets", f"{target}_breach_recorded_due")
    op.execute("DELETE FROM timeline_logs WHERE action = 'sla.breached' OR actor_id IS NULL")
    op.drop_constraint(op.f("ck_timeline_logs_action"), "timeline_logs")
    op.create_check_constraint("action", "timeline_logs", f"action IN {ACTIONS_BEFORE}")
    op.alter_column("timeline_logs", "actor_id", nullable=False)
    op.drop_table("mails")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhooks")
    op.drop_index("ix_events_unmailed", table_name="events")
    op.drop_index("ix_events_undispatched", table_name="events")
    op.drop_index("ix_events_ticket_id_id", table_name="events")
    op.drop_table("events")

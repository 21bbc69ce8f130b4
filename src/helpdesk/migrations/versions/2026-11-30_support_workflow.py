"""The support workflow: waiting statuses, two SLA targets whose clocks pause, policies
per priority, business hours, internal notes

Existing tickets keep their resolution due date; their first-response target is the
default for their priority, met by their earliest comment from an agent or an admin; a
resolved or closed ticket's resolved_at is when its status last became so (its timeline),
else its last update.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out, as a migration must not change when the code's defaults do.
TARGETS = {"urgent": (15, 60), "high": (60, 240), "medium": (240, 1440), "low": (480, 4320)}
WEEK = {
    **{day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
    "sat": [],
    "sun": [],
}
MAX_MINUTES = 525600
STATUSES_BEFORE = "('open', 'in_progress', 'resolved', 'closed')"
STATUSES = "('open', 'in_progress', 'pending', 'on_hold', 'resolved', 'closed')"
ACTIONS_BEFORE = "('ticket.created', 'ticket.updated', 'comment.created')"
ACTIONS = "('ticket.created', 'ticket.updated', 'comment.created', 'sla.paused', 'sla.resumed')"
TICKET_TEXT = (
    "setweight(to_tsvector('english', title), 'A') || "
    "setweight(to_tsvector('english', description), 'B')"
)
BREACH_AT = """CASE
    WHEN status = 'closed' THEN NULL
    WHEN due_at IS NULL THEN
        CASE WHEN sla_remaining < interval '0' THEN '-infinity'::timestamptz END
    WHEN resolved_at IS NULL OR due_at <= resolved_at THEN due_at
END"""
FIRST_RESPONSE_BREACH_AT = """CASE
    WHEN status = 'closed' THEN NULL
    WHEN first_responded_at IS NOT NULL THEN
        CASE WHEN first_response_due_at < first_responded_at THEN first_response_due_at END
    WHEN first_response_due_at IS NULL THEN
        CASE WHEN first_response_remaining < interval '0' THEN '-infinity'::timestamptz END
    WHEN resolved_at IS NULL OR first_response_due_at <= resolved_at THEN first_response_due_at
END"""


def _search_vector(expression: str) -> None:
    op.drop_index("ix_tickets_search_vector", table_name="tickets", postgresql_using="gin")
    op.drop_column("tickets", "search_vector")
    op.add_column(
        "tickets",
        sa.Column(
            "search_vector",
            postgresql.TSVECTOR(),
            sa.Computed(expression, persisted=True),
            nullable=False,
        ),
    )
    op.create_index(
        "ix_tickets_search_vector", "tickets", ["search_vector"], postgresql_using="gin"
    )
    op.execute("ALTER TABLE tickets ALTER COLUMN search_vector SET STATISTICS 1000")


def upgrade() -> None:
    policies = op.create_table(
        "sla_policies",
        sa.Column("priority", sa.Text(), nullable=False),
        sa.Column("first_response_minutes", sa.Integer(), nullable=False),
        sa.Column("resolution_minutes", sa.Integer(), nullable=False),
        sa.Column("business_hours", sa.Boolean(), server_default="false", nullable=False),
        sa.CheckConstraint(
            "priority IN ('low', 'medium', 'high', 'urgent')", name=op.f("ck_sla_policies_priority")
        ),
        sa.CheckConstraint(
            f"first_response_minutes BETWEEN 0 AND {MAX_MINUTES}",
            name=op.f("ck_sla_policies_first_response_minutes"),
        ),
        sa.CheckConstraint(
            f"resolution_minutes BETWEEN 0 AND {MAX_MINUTES}",
            name=op.f("ck_sla_policies_resolution_minutes"),
        ),
        sa.PrimaryKeyConstraint("priority", name=op.f("pk_sla_policies")),
    )
    op.bulk_insert(
        policies,
        [
            {
                "priority": priority,
                "first_response_minutes": first,
                "resolution_minutes": resolution,
                "business_hours": False,
            }
            for priority, (first, resolution) in TARGETS.items()
        ],
    )
    hours = op.create_table(
        "business_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.Text(), nullable=False),
        sa.Column("week", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("holidays", postgresql.ARRAY(sa.Date()), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_business_hours_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_hours")),
    )
    op.bulk_insert(hours, [{"id": 1, "timezone": "UTC", "week": WEEK, "holidays": []}])

    op.add_column(
        "comments",
        sa.Column("internal", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    op.drop_constraint(op.f("ck_timeline_logs_action"), "timeline_logs")
    op.create_check_constraint("action", "timeline_logs", f"action IN {ACTIONS}")

    op.drop_constraint(op.f("ck_tickets_status"), "tickets")
    op.create_check_constraint("status", "tickets", f"status IN {STATUSES}")
    op.alter_column("tickets", "due_at", nullable=True)
    for name, column in (
        ("sla_remaining", sa.Interval()),
        ("sla_started_at", sa.DateTime(timezone=True)),
        ("first_response_due_at", sa.DateTime(timezone=True)),
        ("first_response_remaining", sa.Interval()),
        ("first_responded_at", sa.DateTime(timezone=True)),
        ("resolved_at", sa.DateTime(timezone=True)),
    ):
        op.add_column("tickets", sa.Column(name, column, nullable=True))
    op.add_column(
        "tickets",
        sa.Column("sla_business_hours", sa.Boolean(), server_default="false", nullable=False),
    )
    op.add_column("tickets", sa.Column("first_response_minutes", sa.Integer(), nullable=True))
    op.add_column(
        "tickets",
        sa.Column(
            "note_words",
            postgresql.TSVECTOR(),
            server_default=sa.text("''::tsvector"),
            nullable=False,
        ),
    )
    op.execute(
        """
        UPDATE tickets SET
            sla_started_at = CASE WHEN status NOT IN ('resolved', 'closed') THEN created_at END,
            sla_remaining = make_interval(mins => sla_minutes),
            first_response_remaining = make_interval(mins => policy.first_response_minutes),
            first_response_minutes = policy.first_response_minutes,
            first_response_due_at = created_at
                + make_interval(mins => policy.first_response_minutes),
            first_responded_at = (
                SELECT min(comments.created_at) FROM comments
                JOIN users ON users.id = comments.author_id
                WHERE comments.ticket_id = tickets.id AND users.role IN ('agent', 'admin')
            ),
            resolved_at = CASE WHEN status IN ('resolved', 'closed') THEN coalesce((
                SELECT max(entry.created_at) FROM timeline_logs AS entry
                WHERE entry.ticket_id = tickets.id
                  AND entry.meta -> 'changes' -> 'status' ->> 'new' IN ('resolved', 'closed')
                  AND entry.meta -> 'changes' -> 'status' ->> 'old'
                      NOT IN ('resolved', 'closed')
            ), updated_at) END
        FROM sla_policies AS policy WHERE policy.priority = tickets.priority
        """
    )
    # A stopped ticket keeps the time it had left when it stopped; a first response, once
    # made, keeps none.
    op.execute(
        """
        UPDATE tickets SET
            sla_remaining = CASE WHEN resolved_at IS NOT NULL
                THEN due_at - resolved_at ELSE sla_remaining END,
            first_response_remaining = CASE
                WHEN first_responded_at IS NOT NULL THEN NULL
                WHEN resolved_at IS NOT NULL THEN first_response_due_at - resolved_at
                ELSE first_response_remaining END
        """
    )
    op.alter_column("tickets", "first_response_minutes", nullable=False)
    op.alter_column("tickets", "sla_remaining", nullable=False)
    op.create_check_constraint(
        "first_response_minutes",
        "tickets",
        f"first_response_minutes BETWEEN 0 AND {MAX_MINUTES}",
    )
    op.drop_index(
        "ix_tickets_due_at_not_closed",
        table_name="tickets",
        postgresql_where=sa.text("status <> 'closed'"),
    )
    for name, expression in (
        ("breach_at", BREACH_AT),
        ("first_response_breach_at", FIRST_RESPONSE_BREACH_AT),
    ):
        op.add_column(
            "tickets",
            sa.Column(name, sa.DateTime(timezone=True), sa.Computed(expression, persisted=True)),
        )
        op.create_index(
            f"ix_tickets_{name}",
            "tickets",
            [name],
            postgresql_where=sa.text(f"{name} IS NOT NULL"),
        )
    _search_vector(f"{TICKET_TEXT} || comment_words || note_words")


def downgrade() -> None:
    # Internal notes have nowhere to go that requesters cannot read: a downgrade must not
    # publish them, so they go (and their words, and their timeline entries).
    op.execute(
        """
        DELETE FROM timeline_logs WHERE action = 'comment.created'
            AND (meta ->> 'internal')::boolean IS TRUE
        """
    )
    op.execute("DELETE FROM comments WHERE internal")
    op.execute("DELETE FROM timeline_logs WHERE action IN ('sla.paused', 'sla.resumed')")
    _search_vector(f"{TICKET_TEXT} || comment_words")
    for name in ("first_response_breach_at", "breach_at"):
        op.drop_index(
            f"ix_tickets_{name}",
            table_name="tickets",
            postgresql_where=sa.text(f"{name} IS NOT NULL"),
        )
        op.drop_column("tickets", name)
    # A paused ticket's clock runs again from now with what it had left; the waiting
    # statuses become open.
    op.execute(
        """
        UPDATE tickets SET due_at = now() + sla_remaining, status = 'open'
        WHERE status IN ('pending', 'on_hold')
        """
    )
    op.create_index(
        "ix_tickets_due_at_not_closed",
        "tickets",
        ["due_at"],
        postgresql_where=sa.text("status <> 'closed'"),
    )
    op.drop_constraint(op.f("ck_tickets_first_response_minutes"), "tickets")
    for name in (
        "note_words",
        "first_response_minutes",
        "sla_business_hours",
        "resolved_at",
        "first_responded_at",
        "first_response_remaining",
        "first_response_due_at",
        "sla_started_at",
        "sla_remaining",
    ):
        op.drop_column("tickets", name)
    op.alter_column("tickets", "due_at", nullable=False)
    op.drop_constraint(op.f("ck_tickets_status"), "tickets")
    op.create_check_constraint("status", "tickets", f"status IN {STATUSES_BEFORE}")
    op.drop_constraint(op.f("ck_timeline_logs_action"), "timeline_logs")
    op.create_check_constraint("action", "timeline_logs", f"action IN {ACTIONS_BEFORE}")
    op.drop_column("comments", "internal")
    op.drop_table("business_hours")
    op.drop_table("sla_policies")

"""The SLA clocks' pause and resumption are events too: ticket.sla_paused and
ticket.sla_resumed, beside their timeline entries

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 02:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVENT_TYPES_BEFORE = (
    "('ticket.created', 'ticket.updated', 'comment.created', 'ticket.sla_breached')"
)
EVENT_TYPES = (
    "('ticket.created', 'ticket.updated', 'comment.created', 'ticket.sla_breached', "
    "'ticket.sla_paused', 'ticket.sla_resumed')"
)


def _check(types: str) -> None:
    op.drop_constraint(op.f("ck_events_type"), "events", type_="check")
    op.create_check_constraint(op.f("ck_events_type"), "events", f"type IN {types}")


def upgrade() -> None:
    _check(EVENT_TYPES)


def downgrade() -> None:
    op.execute("DELETE FROM events WHERE type IN ('ticket.sla_paused', 'ticket.sla_resumed')")
    _check(EVENT_TYPES_BEFORE)

"""The queue's orders (by due date, by priority, by last update) each served by an index;
accounts that can be deactivated

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DUE_SORT = "coalesce(due_at, 'infinity'::timestamptz)"
PRIORITY_RANK = (
    "CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END"
)


def upgrade() -> None:
    op.add_column(
        "users", sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False)
    )
    op.create_index(
        "ix_tickets_updated_at_id",
        "tickets",
        [sa.literal_column("updated_at DESC"), sa.literal_column("id DESC")],
    )
    op.create_index("ix_tickets_due_sort_id", "tickets", [sa.text(f"({DUE_SORT})"), "id"])
    op.create_index(
        "ix_tickets_priority_due_sort_id",
        "tickets",
        [sa.text(f"({PRIORITY_RANK})"), sa.text(f"({DUE_SORT})"), "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_tickets_priority_due_sort_id", table_name="tickets")
    op.drop_index("ix_tickets_due_sort_id", table_name="tickets")
    op.drop_index("ix_tickets_updated_at_id", table_name="tickets")
    op.drop_column("users", "active")

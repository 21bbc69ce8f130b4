"""A ticket may be the follow-up of a closed one (a closed ticket takes no new comment)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "tickets",
        sa.Column(
            "follow_up_of",
            sa.Integer(),
            sa.ForeignKey("tickets.id", name="fk_tickets_follow_up_of_tickets"),
            nullable=True,
        ),
    )
    # A closed ticket's follow-ups, read with its detail.
    op.create_index(
        "ix_tickets_follow_up_of",
        "tickets",
        ["follow_up_of"],
        postgresql_where=sa.text("follow_up_of IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_tickets_follow_up_of", table_name="tickets")
    op.drop_column("tickets", "follow_up_of")

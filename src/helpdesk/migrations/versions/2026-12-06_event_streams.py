"""The open live streams and spent stream tokens, shared by every API process

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_streams",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_id", sa.Text(), nullable=True),
        sa.Column("keep_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("open", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column(
            "heartbeat_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name="fk_event_streams_user_id_users",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_event_streams"),
    )
    # An account's streams, counted under its lock when one opens.
    op.create_index("ix_event_streams_user_id", "event_streams", ["user_id"])
    # A stream token opens one stream: its id is written once.
    op.create_index("ix_event_streams_token_id", "event_streams", ["token_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_event_streams_token_id", table_name="event_streams")
    op.drop_index("ix_event_streams_user_id", table_name="event_streams")
    op.drop_table("event_streams")

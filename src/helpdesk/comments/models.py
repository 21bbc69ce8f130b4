from sqlalchemy import Computed, ForeignKey, Index, Text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.db import Base, CreatedAt
from helpdesk.tickets.models import SEARCH_CONFIG


class Comment(CreatedAt, Base):
    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_ticket_id_id", "ticket_id", "id"),
        Index("ix_comments_search_vector", "search_vector", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    search_vector: Mapped[str] = mapped_column(
        TSVECTOR, Computed(f"to_tsvector('{SEARCH_CONFIG}', body)", persisted=True), deferred=True
    )

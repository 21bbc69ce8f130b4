from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, Index, Integer, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.db.base import Base, CreatedAt, one_of


class Role(StrEnum):
    user = "user"
    agent = "agent"
    admin = "admin"


STAFF_ROLES = frozenset({Role.agent, Role.admin})


class User(CreatedAt, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(one_of("role", Role), name="role"),
        CheckConstraint("email = lower(email)", name="email_lower_case"),
        Index("ix_users_email", "email", unique=True),
        Index("ix_users_role_id", "role", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    email: Mapped[str] = mapped_column(Text)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(Text)
    # Carried in every token; a password change bumps it, and older tokens stop working.
    token_version: Mapped[int] = mapped_column(Integer, server_default="0")
    # A deactivated account cannot sign in, and its tokens stop working; its tickets and
    # comments keep its name.
    active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

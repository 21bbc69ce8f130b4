from datetime import date
from typing import Any

from sqlalchemy import ARRAY, Boolean, CheckConstraint, Date, Integer, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.db.base import Base, one_of
from helpdesk.tickets.models import MAX_SLA_MINUTES, Priority

# (first response, resolution) in minutes per priority: the seed's SLA is the resolution
# target, so due_at = created_at + sla_minutes holds by default.
DEFAULT_TARGETS: dict[Priority, tuple[int, int]] = {
    Priority.urgent: (15, 60),
    Priority.high: (60, 4 * 60),
    Priority.medium: (4 * 60, 24 * 60),
    Priority.low: (8 * 60, 3 * 24 * 60),
}
DEFAULT_SLA_MINUTES: dict[Priority, int] = {
    priority: resolution for priority, (_, resolution) in DEFAULT_TARGETS.items()
}
DEFAULT_TIMEZONE = "UTC"
# Monday to Friday, 09:00-17:00, as the API writes a week.
DEFAULT_WEEK: dict[str, list[list[str]]] = {
    **{day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
    "sat": [],
    "sun": [],
}


class SlaPolicy(Base):
    __tablename__ = "sla_policies"
    __table_args__ = (
        CheckConstraint(one_of("priority", Priority), name="priority"),
        CheckConstraint(
            f"first_response_minutes BETWEEN 0 AND {MAX_SLA_MINUTES}",
            name="first_response_minutes",
        ),
        CheckConstraint(
            f"resolution_minutes BETWEEN 0 AND {MAX_SLA_MINUTES}", name="resolution_minutes"
        ),
    )

    priority: Mapped[str] = mapped_column(Text, primary_key=True)
    first_response_minutes: Mapped[int] = mapped_column(Integer)
    resolution_minutes: Mapped[int] = mapped_column(Integer)
    business_hours: Mapped[bool] = mapped_column(Boolean, server_default="false")


class BusinessHours(Base):
    """The desk's one calendar (one row)."""

    __tablename__ = "business_hours"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    timezone: Mapped[str] = mapped_column(Text)
    # {"mon": [["09:00", "17:00"]], ..., "sun": []}, as the API writes it.
    week: Mapped[dict[str, Any]] = mapped_column(JSONB)
    holidays: Mapped[list[date]] = mapped_column(ARRAY(Date))

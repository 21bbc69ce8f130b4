"""Service levels: the default time to resolve per priority, the due date, and what
"breached" means. The one place these rules live."""

from datetime import datetime

from sqlalchemy import ColumnElement, Interval, and_, func
from sqlalchemy.orm import InstrumentedAttribute

from helpdesk.tickets.models import Priority, Status, Ticket

DEFAULT_SLA_MINUTES: dict[Priority, int] = {
    Priority.urgent: 60,
    Priority.high: 4 * 60,
    Priority.medium: 24 * 60,
    Priority.low: 3 * 24 * 60,
}
MAX_SLA_MINUTES = 365 * 24 * 60  # one year


def default_sla_minutes(priority: Priority | str) -> int:
    return DEFAULT_SLA_MINUTES[Priority(priority)]


def due_at_sql(
    created_at: ColumnElement[datetime] | InstrumentedAttribute[datetime], sla_minutes: int
) -> ColumnElement[datetime]:
    """due_at = created_at + sla_minutes, computed by PostgreSQL on its own clock."""
    minutes = func.make_interval(0, 0, 0, 0, 0, sla_minutes, type_=Interval)
    return created_at + minutes


def is_breached(*, status: str, due_at: datetime, now: datetime) -> bool:
    return status != Status.closed and due_at <= now


def breached_sql() -> ColumnElement[bool]:
    """The same rule as is_breached, for queries; served by ix_tickets_due_at_not_closed."""
    return and_(Ticket.status != Status.closed.value, Ticket.due_at <= func.now())

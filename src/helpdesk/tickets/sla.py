"""Service levels: the default time to resolve per priority and the due date. What
"breached" means is a column of the ticket (Ticket.breached), computed by PostgreSQL."""

from datetime import datetime

from sqlalchemy import ColumnElement, Interval, func
from sqlalchemy.orm import InstrumentedAttribute

from helpdesk.tickets.models import MAX_SLA_MINUTES, Priority

__all__ = ["DEFAULT_SLA_MINUTES", "MAX_SLA_MINUTES", "default_sla_minutes", "due_at_sql"]

DEFAULT_SLA_MINUTES: dict[Priority, int] = {
    Priority.urgent: 60,
    Priority.high: 4 * 60,
    Priority.medium: 24 * 60,
    Priority.low: 3 * 24 * 60,
}


def default_sla_minutes(priority: Priority | str) -> int:
    return DEFAULT_SLA_MINUTES[Priority(priority)]


def due_at_sql(
    created_at: ColumnElement[datetime] | InstrumentedAttribute[datetime], sla_minutes: int
) -> ColumnElement[datetime]:
    """due_at = created_at + sla_minutes, computed by PostgreSQL on its own clock."""
    minutes = func.make_interval(0, 0, 0, 0, 0, sla_minutes, type_=Interval)
    return created_at + minutes

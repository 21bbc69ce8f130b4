"""Every table's model, imported in one place so Alembic and the app see the same schema."""

from helpdesk.auth.models import User
from helpdesk.db.base import Base
from helpdesk.events.models import Event, EventStream
from helpdesk.idempotency.models import IdempotencyRecord
from helpdesk.mail.models import Mail
from helpdesk.tickets.comments.models import Comment
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.sla.models import BusinessHours, SlaPolicy
from helpdesk.tickets.timeline.models import TimelineLog
from helpdesk.webhooks.models import Delivery, Webhook

__all__ = [
    "Base",
    "BusinessHours",
    "Comment",
    "Delivery",
    "Event",
    "EventStream",
    "IdempotencyRecord",
    "Mail",
    "SlaPolicy",
    "Ticket",
    "TimelineLog",
    "User",
    "Webhook",
]

"""Every table's model, imported in one place so Alembic and the app see the same schema."""

from helpdesk.auth.models import User
from helpdesk.db.base import Base
from helpdesk.idempotency.models import IdempotencyRecord
from helpdesk.tickets.comments.models import Comment
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.timeline.models import TimelineLog

__all__ = ["Base", "Comment", "IdempotencyRecord", "Ticket", "TimelineLog", "User"]

"""Every table's model, imported in one place so Alembic and the app see the same schema."""

from helpdesk.comments.models import Comment
from helpdesk.db import Base
from helpdesk.idempotency.models import IdempotencyRecord
from helpdesk.tickets.models import Ticket
from helpdesk.timeline.models import TimelineLog
from helpdesk.users.models import User

__all__ = ["Base", "Comment", "IdempotencyRecord", "Ticket", "TimelineLog", "User"]

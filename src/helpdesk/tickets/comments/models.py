# The comments table is the ticket's (tickets/models.py): a PATCH writes a comment with
# the change, and tickets never imports tickets.comments.
from helpdesk.tickets.models import Comment

__all__ = ["Comment"]

# A comment's request body and its shape are the ticket's (tickets/schemas.py): a PATCH may
# carry one and answer with it written.
from helpdesk.tickets.schemas import MAX_COMMENT_LENGTH, CommentCreate, CommentOut

__all__ = ["MAX_COMMENT_LENGTH", "CommentCreate", "CommentOut"]

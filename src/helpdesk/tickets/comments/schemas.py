from datetime import datetime

from pydantic import BaseModel

from helpdesk.auth.schemas import Person

# A comment's request body is the ticket's (tickets/schemas.py): a PATCH may carry one.
from helpdesk.tickets.schemas import MAX_COMMENT_LENGTH, CommentCreate

__all__ = ["MAX_COMMENT_LENGTH", "CommentCreate", "CommentOut"]


class CommentOut(BaseModel):
    id: int
    ticket_id: int
    author_id: int
    author: Person
    body: str
    internal: bool
    created_at: datetime

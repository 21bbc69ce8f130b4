from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StrictStr

from helpdesk.schemas import RequestModel, Trimmed

MAX_COMMENT_LENGTH = 10_000


class CommentCreate(RequestModel):
    body: Annotated[StrictStr, Trimmed(1, MAX_COMMENT_LENGTH)]


class CommentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    ticket_id: int
    author_id: int
    body: str
    created_at: datetime

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from helpdesk.auth.schemas import Person
from helpdesk.tickets.timeline.models import Action


class TimelineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    ticket_id: int
    actor_id: int | None
    actor: Person | None = Field(description="null: the service itself (sla.breached)")
    action: Action
    meta: dict[str, Any]
    created_at: datetime

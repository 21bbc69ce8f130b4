"""The ticket's history. Entries are written by the service that makes the change, in the
same transaction, so a change and its entry exist together or not at all."""

from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk.timeline.models import Action, TimelineLog


async def record(
    session: AsyncSession, *, ticket_id: int, actor_id: int, action: Action, meta: dict[str, Any]
) -> None:
    await session.execute(
        insert(TimelineLog).values(
            ticket_id=ticket_id, actor_id=actor_id, action=action.value, meta=meta
        )
    )

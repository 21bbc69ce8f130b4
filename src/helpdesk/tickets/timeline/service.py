"""The ticket's history. Entries are written by the service that makes the change, in the
same transaction, so a change and its entry exist together or not at all."""

from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk.tickets.timeline.models import Action, TimelineLog

# Composed once, its values sent as parameters: composing an ORM INSERT ... VALUES on
# every write costs more CPU than sending it.
_INSERT_ENTRY = insert(cast(Table, TimelineLog.__table__))


async def record(
    session: AsyncSession,
    *,
    ticket_id: int,
    actor_id: int | None,
    action: Action,
    meta: dict[str, Any],
) -> None:
    await session.execute(
        _INSERT_ENTRY,
        {"ticket_id": ticket_id, "actor_id": actor_id, "action": action.value, "meta": meta},
    )

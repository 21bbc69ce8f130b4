"""The ticket's history. Entries are written by the service that makes the change, in the
same transaction, so a change and its entry exist together or not at all."""

from typing import Any, cast

import asyncpg
from sqlalchemy import Table, bindparam, insert

from helpdesk.db.compiled import Compiled
from helpdesk.tickets.timeline.models import Action, TimelineLog

_ENTRIES = cast(Table, TimelineLog.__table__)
_INSERT_ENTRY = Compiled(
    insert(_ENTRIES).values(
        ticket_id=bindparam("ticket_id"),
        actor_id=bindparam("actor_id"),
        action=bindparam("action"),
        meta=bindparam("meta", type_=_ENTRIES.c.meta.type),
    )
)


async def record(
    connection: asyncpg.Connection,
    *,
    ticket_id: int,
    actor_id: int | None,
    action: Action,
    meta: dict[str, Any],
) -> None:
    await connection.execute(
        _INSERT_ENTRY.sql(),
        *_INSERT_ENTRY.args(ticket_id=ticket_id, actor_id=actor_id, action=action.value, meta=meta),
    )

"""The ticket's history. An entry is written with its event, by tickets/history.py, in the
transaction of the change, so a change and its entry exist together or not at all."""

from typing import cast

from sqlalchemy import Insert, Table, bindparam, insert

from helpdesk.tickets.timeline.models import TimelineLog

_ENTRIES = cast(Table, TimelineLog.__table__)


def entry() -> Insert:
    """INSERT one entry from the parameters ticket_id, actor_id, action and meta."""
    return insert(_ENTRIES).values(
        ticket_id=bindparam("ticket_id"),
        actor_id=bindparam("actor_id"),
        action=bindparam("action"),
        meta=bindparam("meta", type_=_ENTRIES.c.meta.type),
    )

"""A ticket's history: every change is written as its timeline entry and its event in one
call (one statement), in the transaction of the change, so that no kind of change has the
one without the other."""

from typing import Any

import asyncpg

from helpdesk.auth.models import User
from helpdesk.auth.schemas import Person
from helpdesk.db.compiled import Compiled
from helpdesk.events import service as events
from helpdesk.events.models import EventType
from helpdesk.tickets import permissions
from helpdesk.tickets.models import TicketRow
from helpdesk.tickets.schemas import TicketData
from helpdesk.tickets.timeline import service as timeline
from helpdesk.tickets.timeline.models import Action

# Composed once: that costs more CPU than running it.
_RECORD = Compiled(events.recording(timeline.entry().cte("entry")))

# The event each timeline action is announced as.
EVENTS: dict[Action, EventType] = {
    Action.ticket_created: EventType.ticket_created,
    Action.ticket_updated: EventType.ticket_updated,
    Action.comment_created: EventType.comment_created,
    Action.sla_paused: EventType.ticket_sla_paused,
    Action.sla_resumed: EventType.ticket_sla_resumed,
    Action.sla_breached: EventType.ticket_sla_breached,
}


def actor_of(user: User) -> dict[str, Any]:
    """Who made a change, as an event names them (read by the requester too: no email)."""
    return Person.of(user).model_dump(mode="json")


async def record(
    connection: asyncpg.Connection,
    *,
    ticket: TicketRow,
    actor: User | None,
    action: Action,
    meta: dict[str, Any],
    internal: bool = False,
    data: dict[str, Any] | None = None,
) -> None:
    """`action` on `ticket` (as it stands after it) by `actor` (None: the service itself):
    its timeline entry with `meta`, and its event with the ticket as the API shows it and
    `data`. `internal` (staff only on the live stream) for an internal note's; the SLA's
    bookkeeping is staff only by its action (tickets/permissions.py)."""
    type = EVENTS[action]
    await connection.execute(
        _RECORD.sql(),
        *_RECORD.args(
            ticket_id=ticket.id,
            actor_id=None if actor is None else actor.id,
            action=action.value,
            meta=meta,
            type=type.value,
            requester_id=ticket.requester_id,
            internal=internal or not permissions.requester_sees_action(action.value),
            data={"ticket": TicketData.of(ticket).model_dump(mode="json"), **(data or {})},
        ),
    )

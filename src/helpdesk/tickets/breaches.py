"""SLA breaches as they happen: the worker records each target's breach once per due date
(so once per clock run), as a `sla.breached` timeline entry by no one and a
`ticket.sla_breached` event. A paused ticket has no due date, so it never breaches."""

from datetime import datetime
from enum import StrEnum

import asyncpg
from sqlalchemy import bindparam, func, update
from sqlalchemy.orm import InstrumentedAttribute

from helpdesk.db.compiled import Compiled
from helpdesk.schemas import iso_utc
from helpdesk.tickets import history
from helpdesk.tickets.models import Ticket, select_shown, ticket_row
from helpdesk.tickets.timeline.models import Action

BATCH = 100


class Target(StrEnum):
    first_response = "first_response"
    resolution = "resolution"


# Per target: when it breaches, its due date, and the due date already recorded. The
# query below is what ix_tickets_*_breach_unrecorded's predicates serve.
_COLUMNS: dict[Target, tuple[InstrumentedAttribute[datetime | None], ...]] = {
    Target.resolution: (Ticket.breach_at, Ticket.due_at, Ticket.sla_breach_recorded_due),
    Target.first_response: (
        Ticket.first_response_breach_at,
        Ticket.first_response_due_at,
        Ticket.first_response_breach_recorded_due,
    ),
}


def _statements(target: Target) -> tuple[Compiled, Compiled]:
    """Up to :batch tickets whose `target` breach is not yet recorded, oldest breach first,
    locked (rows another worker holds skipped); and the UPDATE that records one."""
    breach_at, due_at, recorded = _COLUMNS[target]
    unrecorded = (
        select_shown()
        .where(
            breach_at.is_not(None),
            breach_at <= func.now(),
            due_at.is_not(None),
            due_at.is_distinct_from(recorded),
        )
        .order_by(breach_at)
        .limit(bindparam("batch"))
        .with_for_update(skip_locked=True, of=Ticket)
    )
    record = (
        update(Ticket)
        .where(Ticket.id == bindparam("ticket_id"))
        .values({recorded.key: bindparam("due", type_=recorded.type)})
    )
    return Compiled(unrecorded), Compiled(record)


_STATEMENTS = {target: _statements(target) for target in Target}


async def record_breaches(
    connection: asyncpg.Connection, *, target: Target, batch: int = BATCH
) -> int:
    """Record up to `batch` breaches not yet recorded (rows another worker holds are
    skipped); how many. Run in a transaction of its own."""
    unrecorded, record = _STATEMENTS[target]
    due_at = _COLUMNS[target][1]
    found = [
        ticket_row(row)
        for row in await connection.fetch(unrecorded.sql(), *unrecorded.args(batch=batch))
    ]
    for ticket in found:
        due = getattr(ticket, due_at.key)
        await connection.execute(record.sql(), *record.args(ticket_id=ticket.id, due=due))
        breach = {"target": target.value, "due_at": iso_utc(due)}
        await history.record(
            connection,
            ticket=ticket,
            actor=None,
            action=Action.sla_breached,
            meta=breach,
            data=breach,
        )
    return len(found)

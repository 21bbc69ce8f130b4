from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta
from typing import Any

import asyncpg
from sqlalchemy import bindparam, case, func, insert, select, update

from helpdesk.auth.models import User
from helpdesk.auth.schemas import Person
from helpdesk.db.compiled import Compiled, CompiledCache
from helpdesk.errors import FieldInvalid, FieldRequired, OptimisticLock
from helpdesk.events import service as events
from helpdesk.events.models import EventType
from helpdesk.schemas import iso_utc
from helpdesk.tickets import permissions
from helpdesk.tickets.models import (
    TICKET_COLUMNS,
    Status,
    Ticket,
    TicketRow,
    returning_shown,
    select_shown,
    ticket_row,
)
from helpdesk.tickets.schemas import TicketCreate, TicketData, TicketUpdate
from helpdesk.tickets.sla import clock
from helpdesk.tickets.sla import service as sla
from helpdesk.tickets.timeline import service as timeline
from helpdesk.tickets.timeline.models import Action
from helpdesk.users import service as users

# What a timeline entry records of a change, in this order.
TRACKED_FIELDS = (
    "title",
    "description",
    "status",
    "priority",
    "assignee_id",
    "sla_minutes",
    "due_at",
    "first_response_due_at",
)
# Written only while the ticket has no first response: a reply may have set it since the
# ticket was read (replies leave the version alone), and it is then settled.
FIRST_RESPONSE_COLUMNS = ("first_response_due_at", "first_response_remaining")


_STATEMENTS = CompiledCache()


@dataclass(frozen=True, slots=True)
class _Requested:
    """What the visibility rule needs of a ticket read for a check only."""

    requester_id: int


_GET = Compiled(select_shown().where(Ticket.id == bindparam("ticket_id")))


async def get_ticket(connection: asyncpg.Connection, *, ticket_id: int) -> TicketRow | None:
    """The ticket as it stands (in a transaction: after its own writes)."""
    row = await connection.fetchrow(_GET.sql(), *_GET.args(ticket_id=ticket_id))
    return None if row is None else ticket_row(row)


async def _check_assignee(connection: asyncpg.Connection, assignee_id: int | None) -> None:
    if assignee_id is not None and not await users.is_staff_user(connection, user_id=assignee_id):
        raise FieldInvalid("assignee_id must be an agent or an admin", field="assignee_id")


def _minutes(count: int) -> timedelta:
    return timedelta(minutes=count)


def _clocks(ticket: TicketRow) -> clock.Clocks:
    return clock.Clocks(
        sla_started_at=ticket.sla_started_at,
        due_at=ticket.due_at,
        sla_remaining=ticket.sla_remaining,
        first_response_due_at=ticket.first_response_due_at,
        first_response_remaining=ticket.first_response_remaining,
        first_responded_at=ticket.first_responded_at,
        resolved_at=ticket.resolved_at,
    )


def _column_values(columns: tuple[str, ...]) -> dict[str, Any]:
    """Each column set to the parameter new_<column> (SQLAlchemy keeps a column's own name
    for itself in INSERT and UPDATE)."""
    return {
        column: bindparam(f"new_{column}", type_=Ticket.__table__.c[column].type)
        for column in columns
    }


def _new(values: dict[str, Any]) -> dict[str, Any]:
    """`values` as the parameters _column_values names."""
    return {f"new_{column}": value for column, value in values.items()}


_CREATED_COLUMNS = (
    "title",
    "description",
    "status",
    "priority",
    "requester_id",
    "assignee_id",
    "follow_up_of",
    "sla_minutes",
    "first_response_minutes",
    "sla_business_hours",
    *(field.name for field in fields(clock.Clocks)),
)
_INSERT = Compiled(
    returning_shown(
        insert(Ticket).values(_column_values(_CREATED_COLUMNS)).returning(*TICKET_COLUMNS)
    )
)
# FOR SHARE: the ticket followed up stays closed (and so a valid follow_up_of) until the
# follow-up is committed; a concurrent reopening waits for it.
_FOLLOWED = Compiled(
    select(Ticket.requester_id, Ticket.status)
    .where(Ticket.id == bindparam("ticket_id"))
    .with_for_update(read=True)
)


async def _followed_requester(connection: asyncpg.Connection, *, user: User, ticket_id: int) -> int:
    """The requester of the closed ticket `ticket_id` that `user` follows up: a follow-up
    continues that person's conversation, whoever opens it (as Zendesk's do). A ticket
    the caller may not see is refused as a missing one is, so that nothing is learned of it."""
    row = await connection.fetchrow(_FOLLOWED.sql(), *_FOLLOWED.args(ticket_id=ticket_id))
    if row is None or not permissions.can_view(user, _Requested(row["requester_id"])):
        raise FieldInvalid("follow_up_of: no ticket you can see has this id", field="follow_up_of")
    if row["status"] != Status.closed:
        raise FieldInvalid(
            "follow_up_of: this ticket is not closed; reply on it instead",
            field="follow_up_of",
        )
    requester_id: int = row["requester_id"]
    return requester_id


async def create_ticket(
    connection: asyncpg.Connection, *, user: User, data: TicketCreate
) -> TicketRow:
    permissions.check_create(user, fields_set=data.model_fields_set, values=data.model_dump())
    await _check_assignee(connection, data.assignee_id)
    requester_id = user.id
    if data.follow_up_of is not None:
        requester_id = await _followed_requester(connection, user=user, ticket_id=data.follow_up_of)
    context = await sla.context(connection, priority=data.priority)
    policy = context.policy
    assert policy is not None  # the migration writes one per priority
    sla_minutes = data.sla_minutes if data.sla_minutes is not None else policy.resolution_minutes
    # now is the transaction's start, the same instant as created_at's default.
    clocks = clock.Clocks.start(
        now=context.now,
        clock=context.clock(policy.business_hours),
        first_response=_minutes(policy.first_response_minutes),
        resolution=_minutes(sla_minutes),
    )
    values = {
        "title": data.title,
        "description": data.description or "",
        "status": Status.open.value,
        "priority": data.priority.value,
        "requester_id": requester_id,
        "assignee_id": data.assignee_id,
        "follow_up_of": data.follow_up_of,
        "sla_minutes": sla_minutes,
        "first_response_minutes": policy.first_response_minutes,
        "sla_business_hours": policy.business_hours,
        **asdict(clocks),
    }
    row = await connection.fetchrow(_INSERT.sql(), *_INSERT.args(**_new(values)))
    assert row is not None
    ticket = ticket_row(row)
    await timeline.record(
        connection,
        ticket_id=ticket.id,
        actor_id=user.id,
        action=Action.ticket_created,
        meta={
            "title": ticket.title,
            "status": ticket.status,
            "priority": ticket.priority,
            "assignee_id": ticket.assignee_id,
            "sla_minutes": ticket.sla_minutes,
            "first_response_minutes": ticket.first_response_minutes,
            # Only a follow-up says what it follows.
            **({"follow_up_of": ticket.follow_up_of} if ticket.follow_up_of is not None else {}),
        },
    )
    await announce(connection, EventType.ticket_created, ticket)
    return ticket


async def announce(
    connection: asyncpg.Connection,
    type: EventType,
    ticket: TicketRow,
    *,
    internal: bool = False,
    **data: Any,
) -> None:
    """The event of a change to `ticket`, with the ticket as the API shows it; `internal`
    (staff only on the live stream) for an internal note's, and for the SLA's bookkeeping."""
    await events.record(
        connection,
        type=type,
        ticket_id=ticket.id,
        requester_id=ticket.requester_id,
        internal=internal or not permissions.requester_sees_event(type),
        data={"ticket": TicketData.of(ticket).model_dump(mode="json"), **data},
    )


def _jsonable(value: Any) -> Any:
    """Timeline values as the API shows them (datetimes in ISO 8601, UTC as Z)."""
    if isinstance(value, datetime):
        return iso_utc(value)
    return value


async def update_ticket(
    connection: asyncpg.Connection,
    *,
    user: User,
    ticket: TicketRow,
    expected_version: int,
    data: TicketUpdate,
) -> TicketRow:
    """The fields sent, at the version sent. With a comment (written after this, by
    tickets/comments/service.py) the ticket gets a new version even when no field changes,
    so that the same request sent again is a 409, not a second comment."""
    changes = data.changes()
    replying = data.comment is not None
    if not changes and not replying:
        raise FieldRequired("Send at least one field to change")
    if changes:
        permissions.check_update(user, ticket, changes)
    if "assignee_id" in changes:
        await _check_assignee(connection, changes["assignee_id"])
    if ticket.version != expected_version:
        raise OptimisticLock()
    return await apply_changes(
        connection,
        actor=user,
        ticket=ticket,
        expected_version=expected_version,
        changes=changes,
        new_version=replying,
    )


async def _retimed(
    connection: asyncpg.Connection, ticket: TicketRow, changes: dict[str, Any]
) -> dict[str, Any]:
    """The SLA columns after `changes`, when they move a clock: a change of phase (a pause,
    a resolution, a reopening), of priority (the new policy's targets, unless sla_minutes
    is sent) or of sla_minutes. The time spent so far is kept; {} when nothing moves."""
    old_status, new_status = ticket.status, changes.get("status", ticket.status)
    priority_changed = changes.get("priority", ticket.priority) != ticket.priority
    sla_minutes = changes.get("sla_minutes", ticket.sla_minutes)
    if (
        clock.phase_of(old_status) is clock.phase_of(new_status)
        and not priority_changed
        and sla_minutes == ticket.sla_minutes
    ):
        return {}
    context = await sla.context(
        connection, priority=changes["priority"] if priority_changed else None
    )
    first_response_minutes, business_hours = (
        ticket.first_response_minutes,
        ticket.sla_business_hours,
    )
    if priority_changed:
        policy = context.policy
        assert policy is not None
        first_response_minutes, business_hours = (
            policy.first_response_minutes,
            policy.business_hours,
        )
        if "sla_minutes" not in changes:
            sla_minutes = policy.resolution_minutes
    clocks = clock.retime(
        _clocks(ticket),
        old=old_status,
        new=new_status,
        now=context.now,
        old_clock=context.clock(ticket.sla_business_hours),
        new_clock=context.clock(business_hours),
        first_response_change=_minutes(first_response_minutes - ticket.first_response_minutes),
        resolution_change=_minutes(sla_minutes - ticket.sla_minutes),
    )
    values = asdict(clocks)
    del values["first_responded_at"]  # only a reply sets it
    return {
        **values,
        "sla_minutes": sla_minutes,
        "first_response_minutes": first_response_minutes,
        "sla_business_hours": business_hours,
    }


def _update(columns: tuple[str, ...]) -> Any:
    """UPDATE the ticket at the expected version: `columns` from the parameters of their
    names, the next version, RETURNING the ticket. The first response's own columns are
    written only while it has not been made (FIRST_RESPONSE_COLUMNS)."""
    values: dict[str, Any] = _column_values(columns)
    for column in FIRST_RESPONSE_COLUMNS:
        if column in values:
            values[column] = case(
                (Ticket.first_responded_at.is_(None), values[column]),
                else_=getattr(Ticket, column),
            )
    return returning_shown(
        update(Ticket)
        .where(Ticket.id == bindparam("ticket_id"), Ticket.version == bindparam("expected"))
        .values(**values, version=Ticket.version + 1, updated_at=func.now())
        .returning(*TICKET_COLUMNS)
    )


async def apply_changes(
    connection: asyncpg.Connection,
    *,
    actor: User,
    ticket: TicketRow,
    expected_version: int,
    changes: dict[str, Any],
    new_version: bool = False,
) -> TicketRow:
    """Write `changes` (already allowed) as the next version, with the clocks they move,
    and record them: a ticket.updated entry, and sla.paused or sla.resumed. When nothing
    would change, no new version and no entry, unless `new_version` asks for one."""
    unchanged = all(getattr(ticket, field) == value for field, value in changes.items())
    if unchanged and not new_version:
        return ticket

    values: dict[str, Any] = {**changes, **await _retimed(connection, ticket, changes)}
    before = {field: getattr(ticket, field) for field in TRACKED_FIELDS}
    old_clocks = _clocks(ticket)
    # The version check and the write are one statement: of N concurrent updates that
    # carry the same version, exactly one matches.
    columns = tuple(sorted(values))
    statement = _STATEMENTS.get(("update", columns), lambda: _update(columns))
    row = await connection.fetchrow(
        statement.sql(),
        *statement.args(ticket_id=ticket.id, expected=expected_version, **_new(values)),
    )
    if row is None:
        raise OptimisticLock()
    updated = ticket_row(row)

    diff = {
        field: {"old": _jsonable(before[field]), "new": _jsonable(getattr(updated, field))}
        for field in TRACKED_FIELDS
        if before[field] != getattr(updated, field)
    }
    if diff:
        await timeline.record(
            connection,
            ticket_id=updated.id,
            actor_id=actor.id,
            action=Action.ticket_updated,
            meta={"changes": diff, "version": updated.version},
        )
        await announce(
            connection,
            EventType.ticket_updated,
            updated,
            changes=diff,
            actor=Person.of(actor).model_dump(mode="json"),
        )
    await _record_pause(
        connection, actor=actor, old=before["status"], ticket=updated, clocks=old_clocks
    )
    return updated


async def _record_pause(
    connection: asyncpg.Connection,
    *,
    actor: User,
    old: str,
    ticket: TicketRow,
    clocks: clock.Clocks,
) -> None:
    """sla.paused when the clocks stop for a waiting status, sla.resumed when they run
    again, each with the time left."""
    before, after = clock.phase_of(old), clock.phase_of(ticket.status)
    if before is after or clock.Phase.paused not in (before, after):
        return
    if after is clock.Phase.paused:
        action = Action.sla_paused
        meta = {
            "resolution_minutes_left": clock.minutes(ticket.sla_remaining),
            "first_response_minutes_left": clock.minutes(ticket.first_response_remaining),
        }
    else:
        action = Action.sla_resumed
        meta = {
            "resolution_minutes_left": clock.minutes(clocks.sla_remaining),
            "first_response_minutes_left": clock.minutes(clocks.first_response_remaining),
            "due_at": _jsonable(ticket.due_at),
            "first_response_due_at": _jsonable(ticket.first_response_due_at),
        }
    await timeline.record(
        connection, ticket_id=ticket.id, actor_id=actor.id, action=action, meta=meta
    )


def _respond(columns: tuple[str, ...]) -> Any:
    """The first response made: `columns` from their parameters (first_responded_at at the
    transaction's time when not given one)."""
    values: dict[str, Any] = _column_values(columns)
    values.setdefault("first_responded_at", func.now())
    return update(Ticket).where(Ticket.id == bindparam("ticket_id")).values(**values)


async def record_first_response(connection: asyncpg.Connection, *, ticket: TicketRow) -> None:
    """The ticket's first public reply from the desk is now (the ticket is locked and
    fresh: tickets/comments/service.py)."""
    if ticket.first_responded_at is not None:
        return
    phase = clock.phase_of(ticket.status)
    if phase is clock.Phase.running:
        values: dict[str, Any] = {"first_response_remaining": None}
    else:
        context = await sla.context(connection, priority=None)
        clocks = clock.respond(
            _clocks(ticket),
            status=ticket.status,
            now=context.now,
            clock=context.clock(ticket.sla_business_hours),
        )
        values = {
            "first_responded_at": clocks.first_responded_at,
            "first_response_due_at": clocks.first_response_due_at,
            "first_response_remaining": None,
        }
    columns = tuple(sorted(values))
    statement = _STATEMENTS.get(("respond", columns), lambda: _respond(columns))
    await connection.execute(statement.sql(), *statement.args(ticket_id=ticket.id, **_new(values)))

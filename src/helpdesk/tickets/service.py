import functools
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime, timedelta
from typing import Any

import asyncpg
from sqlalchemy import bindparam, case, func, insert, select
from sqlalchemy import update as update_statement

from helpdesk.auth.models import User
from helpdesk.db.compiled import Compiled
from helpdesk.errors import FieldInvalid, FieldRequired, OptimisticLock, TicketClosed
from helpdesk.schemas import iso_utc
from helpdesk.tickets import history, permissions, replies, search
from helpdesk.tickets.models import (
    TICKET_COLUMNS,
    Status,
    Ticket,
    TicketRow,
    returning_shown,
    select_shown,
    ticket_row,
)
from helpdesk.tickets.schemas import TicketCreate, TicketUpdate
from helpdesk.tickets.sla import clock
from helpdesk.tickets.sla import service as sla
from helpdesk.tickets.timeline.models import Action
from helpdesk.users import service as users

# What a timeline entry records of a change, in this order: the fields a PATCH may change,
# and the due dates they move.
TRACKED_FIELDS = (*permissions.ADMIN_FIELDS, "due_at", "first_response_due_at")
# Written only while the ticket has no first response: a reply may have set it since the
# ticket was read (replies leave the version alone), and it is then settled.
FIRST_RESPONSE_COLUMNS = ("first_responded_at", "first_response_due_at", "first_response_remaining")
_CLOCK_FIELDS = tuple(field.name for field in fields(clock.Clocks))


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
    """The ticket's clocks, its columns of the same names."""
    return clock.Clocks(**{name: getattr(ticket, name) for name in _CLOCK_FIELDS})


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


@functools.cache
def _insert(columns: tuple[str, ...]) -> Compiled:
    """INSERT a ticket with `columns` from their parameters, returning it as shown."""
    return Compiled(
        returning_shown(insert(Ticket).values(_column_values(columns)).returning(*TICKET_COLUMNS))
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
    statement = _insert(tuple(values))
    row = await connection.fetchrow(statement.sql(), *statement.args(**_new(values)))
    assert row is not None
    ticket = ticket_row(row)
    await history.record(
        connection,
        ticket=ticket,
        actor=user,
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
    return ticket


def _jsonable(value: Any) -> Any:
    """Timeline values as the API shows them (datetimes in ISO 8601, UTC as Z)."""
    if isinstance(value, datetime):
        return iso_utc(value)
    return value


async def update(
    connection: asyncpg.Connection,
    *,
    user: User,
    ticket: TicketRow,
    expected_version: int,
    data: TicketUpdate,
) -> TicketRow:
    """PATCH: the fields sent, and the comment sent with them (a reply, or "send and
    resolve"), in one transaction under one If-Match; the ticket as it then stands. With a
    comment the ticket gets a new version even when no field changes, so that the same
    request sent again is a 409, not a second comment. What the reply does to the ticket
    (a requester's reopens it, the desk's first is the first response) is written in the
    change's one UPDATE."""
    comment = data.comment
    if comment is not None:
        replies.check_internal(user, internal=comment.internal, field="comment.internal")
        # The ticket as the request found it: a closed ticket takes no comment, even with
        # a change that reopens it (reopening a closed ticket is a decision of its own, not
        # a side effect of a reply); a reply that closes an open ticket is a last word.
        if ticket.status == Status.closed:
            raise TicketClosed()
    changes = data.changes()
    if not changes and comment is None:
        raise FieldRequired("Send at least one field to change")
    if changes:
        permissions.check_update(user, ticket, changes)
    if "assignee_id" in changes:
        await _check_assignee(connection, changes["assignee_id"])
    if ticket.version != expected_version:
        raise OptimisticLock()
    if comment is None:
        return await apply_changes(
            connection,
            actor=user,
            ticket=ticket,
            expected_version=expected_version,
            changes=changes,
        )
    # A status sent with the reply is what the sender meant: their reply does not undo it
    # (an admin resolving their own ticket with a last word).
    written = dict(changes)
    if "status" not in changes and replies.reopens(user, ticket, internal=comment.internal):
        written["status"] = Status.open
    updated = await apply_changes(
        connection,
        actor=user,
        ticket=ticket,
        expected_version=expected_version,
        changes=written,
        new_version=True,
        responding=replies.responds(user, ticket, internal=comment.internal),
    )
    # The write matched the version the ticket was read at, and holds its lock.
    await replies.write(
        connection, user=user, ticket=updated, body=comment.body, internal=comment.internal
    )
    await search.add_comment_words(
        connection, ticket_id=updated.id, body=comment.body, internal=comment.internal
    )
    return updated


async def _retimed(
    connection: asyncpg.Connection, ticket: TicketRow, changes: dict[str, Any]
) -> tuple[dict[str, Any], sla.SlaContext | None]:
    """The SLA columns after `changes`, when they move a clock: a change of phase (a pause,
    a resolution, a reopening), of priority (the new policy's targets, unless sla_minutes
    is sent) or of sla_minutes. The time spent so far is kept; {} when nothing moves. With
    the SLA context read for it, if one was."""
    old_status, new_status = ticket.status, changes.get("status", ticket.status)
    priority_changed = changes.get("priority", ticket.priority) != ticket.priority
    sla_minutes = changes.get("sla_minutes", ticket.sla_minutes)
    if (
        clock.phase_of(old_status) is clock.phase_of(new_status)
        and not priority_changed
        and sla_minutes == ticket.sla_minutes
    ):
        return {}, None
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
    retimed = {
        **values,
        "sla_minutes": sla_minutes,
        "first_response_minutes": first_response_minutes,
        "sla_business_hours": business_hours,
    }
    return retimed, context


async def _responded(
    connection: asyncpg.Connection,
    ticket: TicketRow,
    values: dict[str, Any],
    context: sla.SlaContext | None,
) -> dict[str, Any]:
    """The first response's columns when a reply written with `values` makes it: a running
    clock keeps its due date and the reply is dated by the statement (the transaction's
    time); a stopped one is settled as if it ran from now (clock.respond)."""
    status = values.get("status", ticket.status)
    if clock.phase_of(status) is clock.Phase.running:
        return {"first_response_remaining": None}
    if context is None:
        context = await sla.context(connection, priority=None)
    clocks = replace(_clocks(ticket), **{k: v for k, v in values.items() if k in _CLOCK_FIELDS})
    business_hours = values.get("sla_business_hours", ticket.sla_business_hours)
    responded = clock.respond(
        clocks, status=status, now=context.now, clock=context.clock(business_hours)
    )
    return {
        "first_responded_at": responded.first_responded_at,
        "first_response_due_at": responded.first_response_due_at,
        "first_response_remaining": None,
    }


@functools.cache
def _update(columns: tuple[str, ...], *, responded_now: bool) -> Compiled:
    """UPDATE the ticket at the expected version: `columns` from the parameters of their
    names (first_responded_at at the transaction's time `responded_now`), the next
    version, RETURNING the ticket. The first response's own columns are written only
    while it has not been made (FIRST_RESPONSE_COLUMNS)."""
    values: dict[str, Any] = _column_values(columns)
    if responded_now:
        values["first_responded_at"] = func.now()
    for column in FIRST_RESPONSE_COLUMNS:
        if column in values:
            values[column] = case(
                (Ticket.first_responded_at.is_(None), values[column]),
                else_=getattr(Ticket, column),
            )
    return Compiled(
        returning_shown(
            update_statement(Ticket)
            .where(Ticket.id == bindparam("ticket_id"), Ticket.version == bindparam("expected"))
            .values(**values, version=Ticket.version + 1, updated_at=func.now())
            .returning(*TICKET_COLUMNS)
        )
    )


async def apply_changes(
    connection: asyncpg.Connection,
    *,
    actor: User,
    ticket: TicketRow,
    expected_version: int,
    changes: dict[str, Any],
    new_version: bool = False,
    responding: bool = False,
) -> TicketRow:
    """Write `changes` (already allowed) as the next version, with the clocks they move,
    in one UPDATE, and record them: a ticket.updated entry, and sla.paused or sla.resumed.
    `responding`: a reply written with them is the first response, settled in the same
    UPDATE and recorded by the reply. When nothing would change, no new version and no
    entry, unless `new_version` asks for one."""
    unchanged = all(getattr(ticket, field) == value for field, value in changes.items())
    if unchanged and not new_version:
        return ticket

    retimed, context = await _retimed(connection, ticket, changes)
    values: dict[str, Any] = {**changes, **retimed}
    replied = await _responded(connection, ticket, values, context) if responding else {}
    # The version check and the write are one statement: of N concurrent updates that
    # carry the same version, exactly one matches.
    written = {**values, **replied}
    responded_now = responding and "first_responded_at" not in replied
    statement = _update(tuple(sorted(written)), responded_now=responded_now)
    row = await connection.fetchrow(
        statement.sql(),
        *statement.args(ticket_id=ticket.id, expected=expected_version, **_new(written)),
    )
    if row is None:
        raise OptimisticLock()
    updated = ticket_row(row)
    # The ticket as the change alone left it, without the first response the reply made:
    # the change's entries record the change, the reply's records the reply.
    reply_only = {*replied, "first_responded_at"} if responding else set()
    changed = replace(
        updated, **{field: values.get(field, getattr(ticket, field)) for field in reply_only}
    )
    await _record(connection, actor=actor, before=ticket, changed=changed, updated=updated)
    return updated


async def _record(
    connection: asyncpg.Connection,
    *,
    actor: User,
    before: TicketRow,
    changed: TicketRow,
    updated: TicketRow,
) -> None:
    """The history of a change from `before` to `changed` (`updated`: the ticket as it
    stands, which the events carry): a ticket.updated entry with what changed, and
    sla.paused or sla.resumed when the clocks stopped for a waiting status or ran again,
    each with the time left."""
    diff = {
        field: {"old": _jsonable(getattr(before, field)), "new": _jsonable(getattr(changed, field))}
        for field in TRACKED_FIELDS
        if getattr(before, field) != getattr(changed, field)
    }
    if diff:
        await history.record(
            connection,
            ticket=updated,
            actor=actor,
            action=Action.ticket_updated,
            meta={"changes": diff, "version": updated.version},
            data={"changes": diff, "actor": history.actor_of(actor)},
        )
    was, now = clock.phase_of(before.status), clock.phase_of(changed.status)
    if was is now or clock.Phase.paused not in (was, now):
        return
    if now is clock.Phase.paused:
        action = Action.sla_paused
        meta = {
            "resolution_minutes_left": clock.minutes(changed.sla_remaining),
            "first_response_minutes_left": clock.minutes(changed.first_response_remaining),
        }
    else:
        action = Action.sla_resumed
        meta = {
            "resolution_minutes_left": clock.minutes(before.sla_remaining),
            "first_response_minutes_left": clock.minutes(before.first_response_remaining),
            "due_at": _jsonable(changed.due_at),
            "first_response_due_at": _jsonable(changed.first_response_due_at),
        }
    await history.record(
        connection,
        ticket=updated,
        actor=actor,
        action=action,
        meta=meta,
        data={**meta, "actor": history.actor_of(actor)},
    )


@functools.cache
def _respond(columns: tuple[str, ...]) -> Compiled:
    """The first response made: `columns` from their parameters (first_responded_at at the
    transaction's time when not given one)."""
    values: dict[str, Any] = _column_values(columns)
    values.setdefault("first_responded_at", func.now())
    statement = update_statement(Ticket).where(Ticket.id == bindparam("ticket_id"))
    return Compiled(statement.values(**values))


async def record_first_response(connection: asyncpg.Connection, *, ticket: TicketRow) -> None:
    """The ticket's first public reply from the desk, posted alone, is now (the ticket is
    locked and fresh: tickets/comments/service.py)."""
    if ticket.first_responded_at is not None:
        return
    values = await _responded(connection, ticket, {}, None)
    statement = _respond(tuple(sorted(values)))
    await connection.execute(statement.sql(), *statement.args(ticket_id=ticket.id, **_new(values)))

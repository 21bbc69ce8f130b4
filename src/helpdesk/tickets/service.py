from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, insert, not_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.dml import Insert, Update

from helpdesk.auth.models import User
from helpdesk.errors import FieldInvalid, FieldRequired, OptimisticLock
from helpdesk.pagination import PageParams
from helpdesk.tickets import permissions, search, sla
from helpdesk.tickets.models import Status, Ticket
from helpdesk.tickets.schemas import TicketCreate, TicketUpdate
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
)


@dataclass(frozen=True, slots=True)
class Unassigned:
    """Tickets nobody is assigned to."""


@dataclass(frozen=True, slots=True)
class AssignedTo:
    """Tickets assigned to this user."""

    user_id: int


@dataclass(frozen=True, slots=True)
class TicketFilters:
    statuses: tuple[Status, ...] = ()
    assignee: Unassigned | AssignedTo | None = None  # None: anyone's, or nobody's
    breached: bool | None = None
    query: str | None = None


async def _one_ticket(
    session: AsyncSession,
    statement: Insert | Update,
) -> Ticket | None:
    """The ticket an INSERT or UPDATE wrote, with its `breached` (a computed column, which
    RETURNING names only when asked)."""
    row = (await session.execute(statement.returning(Ticket, Ticket.breached))).one_or_none()
    if row is None:
        return None
    ticket: Ticket = row[0]
    set_committed_value(ticket, "breached", row[1])
    return ticket


async def get_ticket(session: AsyncSession, *, ticket_id: int) -> Ticket | None:
    return await session.get(Ticket, ticket_id)


async def _check_assignee(session: AsyncSession, assignee_id: int | None) -> None:
    if assignee_id is not None and not await users.is_staff_user(session, user_id=assignee_id):
        raise FieldInvalid("assignee_id must be an agent or an admin", field="assignee_id")


async def create_ticket(session: AsyncSession, *, user: User, data: TicketCreate) -> Ticket:
    permissions.check_create(user, fields_set=data.model_fields_set, values=data.model_dump())
    await _check_assignee(session, data.assignee_id)
    sla_minutes = (
        data.sla_minutes if data.sla_minutes is not None else sla.default_sla_minutes(data.priority)
    )
    ticket = await _one_ticket(
        session,
        insert(Ticket).values(
            title=data.title,
            description=data.description or "",
            status=Status.open.value,
            priority=data.priority.value,
            requester_id=user.id,
            assignee_id=data.assignee_id,
            sla_minutes=sla_minutes,
            # now() is the transaction's start, the same instant as created_at's default.
            due_at=sla.due_at_sql(func.now(), sla_minutes),
        ),
    )
    assert ticket is not None
    await timeline.record(
        session,
        ticket_id=ticket.id,
        actor_id=user.id,
        action=Action.ticket_created,
        meta={
            "title": ticket.title,
            "status": ticket.status,
            "priority": ticket.priority,
            "assignee_id": ticket.assignee_id,
            "sla_minutes": ticket.sla_minutes,
        },
    )
    return ticket


def _jsonable(value: Any) -> Any:
    """Timeline values as the API shows them (datetimes in ISO 8601, UTC as Z)."""
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return value


async def update_ticket(
    session: AsyncSession,
    *,
    user: User,
    ticket: Ticket,
    expected_version: int,
    data: TicketUpdate,
) -> Ticket:
    changes = data.changes()
    if not changes:
        raise FieldRequired("Send at least one field to change")
    permissions.check_update(user, ticket, changes)
    if "assignee_id" in changes:
        await _check_assignee(session, changes["assignee_id"])
    if ticket.version != expected_version:
        raise OptimisticLock()
    if all(getattr(ticket, field) == value for field, value in changes.items()):
        return ticket  # nothing would change: no new version, no timeline entry

    values: dict[str, Any] = dict(changes)
    priority_changed = "priority" in changes and changes["priority"] != ticket.priority
    if priority_changed and "sla_minutes" not in changes:
        values["sla_minutes"] = sla.default_sla_minutes(changes["priority"])
    if "sla_minutes" in values:
        values["due_at"] = sla.due_at_sql(Ticket.created_at, values["sla_minutes"])

    before = {field: getattr(ticket, field) for field in TRACKED_FIELDS}
    # The version check and the write are one statement: of N concurrent updates that
    # carry the same version, exactly one matches.
    updated = await _one_ticket(
        session,
        update(Ticket)
        .where(Ticket.id == ticket.id, Ticket.version == expected_version)
        .values(**values, version=Ticket.version + 1, updated_at=func.now())
        .execution_options(populate_existing=True, synchronize_session=False),
    )
    if updated is None:
        raise OptimisticLock()

    diff = {
        field: {"old": _jsonable(before[field]), "new": _jsonable(getattr(updated, field))}
        for field in TRACKED_FIELDS
        if before[field] != getattr(updated, field)
    }
    if diff:
        await timeline.record(
            session,
            ticket_id=updated.id,
            actor_id=user.id,
            action=Action.ticket_updated,
            meta={"changes": diff, "version": updated.version},
        )
    return updated


def _filter_clauses(user: User, filters: TicketFilters) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if not user.is_staff:
        clauses.append(Ticket.requester_id == user.id)
    if filters.statuses:
        clauses.append(Ticket.status.in_([status.value for status in filters.statuses]))
    match filters.assignee:
        case Unassigned():
            clauses.append(Ticket.assignee_id.is_(None))
        case AssignedTo(user_id):
            clauses.append(Ticket.assignee_id == user_id)
    if filters.breached is True:
        clauses.append(Ticket.breached.expression)
    elif filters.breached is False:
        clauses.append(not_(Ticket.breached.expression))
    if filters.query is not None:
        terms = search.to_tsquery_text(filters.query)
        if terms is None:
            clauses.append(false())  # nothing searchable in the query: nothing found
        else:
            clauses.append(search.matches(terms))
    return clauses


def list_statement(user: User, filters: TicketFilters, page: PageParams) -> Select[Ticket]:
    """Newest first; one row more than the page, to know whether another page follows.
    After a cursor, the row comparison continues down the same (..., created_at DESC,
    id DESC) index from where the last page stopped."""
    statement = (
        select(Ticket)
        .where(*_filter_clauses(user, filters))
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(page.limit + 1)
        .offset(page.offset)
    )
    if page.after is not None:
        position = tuple_(Ticket.created_at, Ticket.id)
        statement = statement.where(position < tuple_(page.after.created_at, page.after.id))
    return statement


async def list_tickets(
    session: AsyncSession, *, user: User, filters: TicketFilters, page: PageParams
) -> list[Ticket]:
    result = await session.execute(list_statement(user, filters, page))
    return list(result.scalars())


def only_breached(filters: TicketFilters) -> TicketFilters:
    return replace(filters, breached=True)

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    ColumnElement,
    ScalarSelect,
    Select,
    Table,
    bindparam,
    false,
    func,
    insert,
    literal_column,
    not_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk.comments.models import Comment
from helpdesk.errors import FieldInvalid, FieldRequired, OptimisticLock
from helpdesk.pagination import PageParams
from helpdesk.tickets import permissions, search, sla
from helpdesk.tickets.models import Status, Ticket
from helpdesk.tickets.schemas import TicketCreate, TicketDetail, TicketUpdate
from helpdesk.timeline import service as timeline
from helpdesk.timeline.models import Action, TimelineLog
from helpdesk.users import service as users
from helpdesk.users.models import User

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
class TicketFilters:
    statuses: tuple[Status, ...] = ()
    # ("any" | "none" | "user", user id when "user")
    assignee: tuple[str, int | None] = ("any", None)
    breached: bool | None = None
    query: str | None = None


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
    ticket: Ticket | None = await session.scalar(
        insert(Ticket)
        .values(
            title=data.title,
            description=data.description or "",
            status=Status.open.value,
            priority=data.priority.value,
            requester_id=user.id,
            assignee_id=data.assignee_id,
            sla_minutes=sla_minutes,
            # now() is the transaction's start, the same instant as created_at's default.
            due_at=sla.due_at_sql(func.now(), sla_minutes),
        )
        .returning(Ticket)
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


def _rows_as_json(table: Table) -> ScalarSelect[Any]:
    """The ticket's rows of `table`, oldest first, as one JSON array (each row an object of
    its columns), read in the ticket's own statement."""
    rows = func.json_agg(aggregate_order_by(table.table_valued(), table.c.id), type_=JSON)
    return (
        select(func.coalesce(rows, literal_column("'[]'::json"), type_=JSON))
        .where(table.c.ticket_id == Ticket.id)
        .scalar_subquery()
    )


# Composed once: building it on each request was a third of the detail's CPU (cProfile).
_TICKET_DETAIL = select(
    Ticket,
    _rows_as_json(cast(Table, Comment.__table__)),
    _rows_as_json(cast(Table, TimelineLog.__table__)),
).where(Ticket.id == bindparam("ticket_id"))


async def get_ticket_detail(session: AsyncSession, *, ticket_id: int) -> TicketDetail | None:
    """The ticket with its comments and its timeline, each oldest first: one statement,
    so one snapshot (reads run without a transaction) and one round trip."""
    row = (await session.execute(_TICKET_DETAIL, {"ticket_id": ticket_id})).one_or_none()
    if row is None:
        return None
    ticket, found_comments, entries = row
    # The JSON arrays' objects are validated into CommentOut and TimelineOut as fields.
    return TicketDetail.from_ticket(ticket, comments=found_comments, timeline=entries)


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
    updated = await session.scalar(
        update(Ticket)
        .where(Ticket.id == ticket.id, Ticket.version == expected_version)
        .values(**values, version=Ticket.version + 1, updated_at=func.now())
        .returning(Ticket)
        .execution_options(populate_existing=True, synchronize_session=False)
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
    kind, assignee_id = filters.assignee
    if kind == "none":
        clauses.append(Ticket.assignee_id.is_(None))
    elif kind == "user":
        clauses.append(Ticket.assignee_id == assignee_id)
    if filters.breached is True:
        clauses.append(sla.breached_sql())
    elif filters.breached is False:
        clauses.append(not_(sla.breached_sql()))
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

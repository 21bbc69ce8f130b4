"""A ticket with its comments and its timeline: the page a person reads. Above comments/
and timeline/ (it reads both), so they can build on the ticket without a way back."""

import functools
from typing import Annotated, Any

import asyncpg
from fastapi import Depends
from pydantic import Field
from sqlalchemy import (
    JSON,
    ColumnElement,
    ScalarSelect,
    bindparam,
    case,
    func,
    literal,
    literal_column,
    not_,
    null,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import aliased

from helpdesk.auth.dependencies import CurrentUser
from helpdesk.auth.models import User
from helpdesk.db.compiled import Compiled
from helpdesk.db.dependencies import ConnectionDep
from helpdesk.tickets import permissions
from helpdesk.tickets.dependencies import TicketId, visible
from helpdesk.tickets.models import Comment, Ticket, select_shown, ticket_row
from helpdesk.tickets.schemas import CommentOut, TicketOut
from helpdesk.tickets.timeline.models import TimelineLog
from helpdesk.tickets.timeline.schemas import TimelineOut


class TicketDetail(TicketOut):
    follow_ups: list[int] = Field(
        description="The tickets that follow this closed one up, oldest first"
    )
    comments: list[CommentOut]
    timeline: list[TimelineOut]


def _person(user: type[User], *, with_email: bool) -> ColumnElement[Any]:
    """{id, name, role} and the email `with_email`; null for no one (the service itself)."""
    fields = [literal("id"), user.id, literal("name"), user.name, literal("role"), user.role]
    if with_email:
        fields += [literal("email"), user.email]
    return case((user.id.is_(None), null()), else_=func.json_build_object(*fields))


def _as_json_array(
    fields: dict[str, Any],
    order_by: Any,
    *where: ColumnElement[bool],
    joined: Any,
) -> ScalarSelect[Any]:
    """Rows as one JSON array of objects, in order, read in the ticket's own statement."""
    pairs = [part for name, value in fields.items() for part in (literal(name), value)]
    rows = func.json_agg(aggregate_order_by(func.json_build_object(*pairs), order_by), type_=JSON)
    return (
        select(func.coalesce(rows, literal_column("'[]'::json"), type_=JSON))
        .select_from(joined)
        .where(*where)
        .scalar_subquery()
    )


# Composed and compiled once each (that costs more CPU than running them), on first use.
@functools.cache
def _detail(*, with_internal: bool, with_emails: bool) -> Compiled:
    """The detail statement; for a requester without internal notes and with the timeline
    a requester sees (permissions.timeline_view), and the people's emails only for those
    who may read them."""
    comments_shown = true() if with_internal else not_(Comment.internal)
    timeline = permissions.timeline_view(staff=with_internal)
    comments = _as_json_array(
        {
            "id": Comment.id,
            "ticket_id": Comment.ticket_id,
            "author_id": Comment.author_id,
            "author": _person(User, with_email=with_emails),
            "body": Comment.body,
            "internal": Comment.internal,
            "created_at": Comment.created_at,
        },
        Comment.id,
        Comment.ticket_id == Ticket.id,
        comments_shown,
        joined=Comment.__table__.join(User.__table__, User.id == Comment.author_id),
    )
    entries = _as_json_array(
        {
            "id": TimelineLog.id,
            "ticket_id": TimelineLog.ticket_id,
            "actor_id": TimelineLog.actor_id,
            "actor": _person(User, with_email=with_emails),
            "action": TimelineLog.action,
            "meta": timeline.meta,
            "created_at": TimelineLog.created_at,
        },
        TimelineLog.id,
        TimelineLog.ticket_id == Ticket.id,
        timeline.shown,
        joined=TimelineLog.__table__.outerjoin(User.__table__, User.id == TimelineLog.actor_id),
    )
    # A follow-up has its ticket's requester (tickets/service.py), so whoever sees this
    # ticket sees its follow-ups.
    follow_up = aliased(Ticket)
    follow_ups = (
        select(
            func.coalesce(
                func.array_agg(aggregate_order_by(follow_up.id, follow_up.id)),
                literal_column("'{}'::int[]"),
            )
        )
        .where(follow_up.follow_up_of == Ticket.id)
        .scalar_subquery()
    )
    return Compiled(
        select_shown(
            follow_ups.label("follow_ups"),
            comments.label("comments"),
            entries.label("timeline"),
        ).where(Ticket.id == bindparam("ticket_id"))
    )


async def get_ticket_detail(
    connection: asyncpg.Connection, *, ticket_id: int, caller: User
) -> TicketDetail | None:
    """The ticket with its comments and its timeline, each oldest first: one statement,
    so one snapshot (reads run without a transaction) and one round trip."""
    statement = _detail(with_internal=caller.is_staff, with_emails=permissions.sees_emails(caller))
    row = await connection.fetchrow(statement.sql(), *statement.args(ticket_id=ticket_id))
    if row is None:
        return None
    # The JSON arrays' objects are validated into CommentOut and TimelineOut as fields.
    return TicketDetail.from_ticket(
        ticket_row(row),
        caller=caller,
        follow_ups=row["follow_ups"],
        comments=row["comments"],
        timeline=row["timeline"],
    )


async def visible_ticket_detail(
    ticket_id: TicketId, connection: ConnectionDep, user: CurrentUser
) -> TicketDetail:
    detail = await get_ticket_detail(connection, ticket_id=ticket_id, caller=user)
    return visible(user, detail)


VisibleTicketDetail = Annotated[TicketDetail, Depends(visible_ticket_detail)]

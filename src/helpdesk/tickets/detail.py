"""A ticket with its comments and its timeline: the page a person reads. Above comments/
and timeline/ (it reads both), so they can build on the ticket without a way back."""

from typing import Annotated, Any, cast

from fastapi import Depends
from sqlalchemy import JSON, ScalarSelect, Table, bindparam, func, literal_column, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk.auth.dependencies import CurrentUser
from helpdesk.auth.models import User
from helpdesk.db.session import SessionDep
from helpdesk.tickets.comments.models import Comment
from helpdesk.tickets.comments.schemas import CommentOut
from helpdesk.tickets.dependencies import TicketId, visible
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.schemas import TicketOut
from helpdesk.tickets.timeline.models import TimelineLog
from helpdesk.tickets.timeline.schemas import TimelineOut


class TicketDetail(TicketOut):
    comments: list[CommentOut]
    timeline: list[TimelineOut]


def _rows_as_json(table: Table) -> ScalarSelect[Any]:
    """The ticket's rows of `table`, oldest first, as one JSON array (each row an object of
    its columns), read in the ticket's own statement."""
    rows = func.json_agg(aggregate_order_by(table.table_valued(), table.c.id), type_=JSON)
    return (
        select(func.coalesce(rows, literal_column("'[]'::json"), type_=JSON))
        .where(table.c.ticket_id == Ticket.id)
        .scalar_subquery()
    )


# Composed once: composing it costs more CPU than running it.
_TICKET_DETAIL = select(
    Ticket,
    _rows_as_json(cast(Table, Comment.__table__)),
    _rows_as_json(cast(Table, TimelineLog.__table__)),
).where(Ticket.id == bindparam("ticket_id"))


async def get_ticket_detail(
    session: AsyncSession, *, ticket_id: int, caller: User
) -> TicketDetail | None:
    """The ticket with its comments and its timeline, each oldest first: one statement,
    so one snapshot (reads run without a transaction) and one round trip."""
    row = (await session.execute(_TICKET_DETAIL, {"ticket_id": ticket_id})).one_or_none()
    if row is None:
        return None
    ticket, found_comments, entries = row
    # The JSON arrays' objects are validated into CommentOut and TimelineOut as fields.
    return TicketDetail.from_ticket(
        ticket, caller=caller, comments=found_comments, timeline=entries
    )


async def visible_ticket_detail(
    ticket_id: TicketId, session: SessionDep, user: CurrentUser
) -> TicketDetail:
    detail = await get_ticket_detail(session, ticket_id=ticket_id, caller=user)
    return visible(user, detail)


VisibleTicketDetail = Annotated[TicketDetail, Depends(visible_ticket_detail)]

"""Writing a comment on a ticket: its row, its words and its history. Shared by a PATCH
that carries one (tickets/service.py) and a comment posted alone (tickets/comments/), so it
lives where tickets may import it; what a reply does to the ticket (reopening it, the first
response) is each caller's."""

from typing import cast

import asyncpg
from sqlalchemy import Table, bindparam, insert

from helpdesk.auth.models import User
from helpdesk.auth.schemas import Person
from helpdesk.db.compiled import Compiled
from helpdesk.errors import Forbidden
from helpdesk.tickets import history, permissions
from helpdesk.tickets.models import Comment, Status, TicketRow
from helpdesk.tickets.schemas import CommentOut
from helpdesk.tickets.timeline.models import Action

# A requester's reply to these brings the ticket back to the desk.
REOPENED_BY_REPLY = frozenset({Status.pending, Status.resolved})

_comments = cast(Table, Comment.__table__)
_INSERT = Compiled(
    insert(_comments)
    .values(
        ticket_id=bindparam("ticket_id"),
        author_id=bindparam("author_id"),
        body=bindparam("body"),
        internal=bindparam("internal"),
    )
    .returning(_comments.c.id, _comments.c.created_at)
)


def check_internal(user: User, *, internal: bool, field: str) -> None:
    if internal and not user.is_staff:
        raise Forbidden("Only agents and admins may write internal notes", field=field)


def reopens(user: User, ticket: TicketRow, *, internal: bool) -> bool:
    """Whether `user`'s comment brings `ticket` (as it stands) back to the desk: a
    requester's reply on a pending or resolved ticket."""
    return not internal and user.id == ticket.requester_id and ticket.status in REOPENED_BY_REPLY


def responds(user: User, ticket: TicketRow, *, internal: bool) -> bool:
    """Whether `user`'s comment is the desk's first response on `ticket`: the first public
    reply of an agent or admin on someone else's ticket."""
    return (
        not internal
        and user.is_staff
        and user.id != ticket.requester_id
        and ticket.first_responded_at is None
    )


async def write(
    connection: asyncpg.Connection,
    *,
    user: User,
    ticket: TicketRow,
    body: str,
    internal: bool,
) -> CommentOut:
    """The comment on `ticket` (locked by the caller, its words added) and its history;
    the comment as `user` reads it."""
    row = await connection.fetchrow(
        _INSERT.sql(),
        *_INSERT.args(ticket_id=ticket.id, author_id=user.id, body=body, internal=internal),
    )
    assert row is not None
    # The event is read by the requester too: no email in it.
    announced = CommentOut(
        id=row["id"],
        ticket_id=ticket.id,
        author_id=user.id,
        author=Person.of(user),
        body=body,
        internal=internal,
        created_at=row["created_at"],
    )
    await history.record(
        connection,
        ticket=ticket,
        actor=user,
        action=Action.comment_created,
        meta={"comment_id": announced.id, "internal": internal},
        internal=internal,
        data={"comment": announced.model_dump(mode="json")},
    )
    return announced.model_copy(
        update={"author": Person.of(user, with_email=permissions.sees_emails(user))}
    )

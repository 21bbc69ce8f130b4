from typing import cast

import asyncpg
from sqlalchemy import Table, bindparam, insert

from helpdesk.auth.models import User
from helpdesk.auth.schemas import Person
from helpdesk.db.compiled import Compiled
from helpdesk.errors import Forbidden
from helpdesk.events.models import EventType
from helpdesk.tickets import search
from helpdesk.tickets import service as tickets
from helpdesk.tickets.comments.models import Comment
from helpdesk.tickets.comments.schemas import CommentOut
from helpdesk.tickets.models import Status, TicketRow
from helpdesk.tickets.schemas import TicketUpdate
from helpdesk.tickets.timeline import service as timeline
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


async def add_comment(
    connection: asyncpg.Connection,
    *,
    user: User,
    ticket: TicketRow,
    body: str,
    internal: bool,
    may_reopen: bool = True,
) -> CommentOut:
    """Who may comment is who may see the ticket (the requester, agents, admins): the
    ticket dependency has already checked it; only agents and admins write internal notes.
    A comment leaves the ticket's version alone, except when the requester's reply reopens
    a pending or resolved ticket (a change of status, with its own timeline entry). The
    desk's first public reply to someone else's ticket is its first response.

    The ticket's row is written first: concurrent comments on one ticket queue on its lock
    instead of each holding the foreign key's share lock while waiting for the other, and
    what follows reads the ticket as it stands under that lock."""
    if internal and not user.is_staff:
        raise Forbidden("Only agents and admins may write internal notes", field="internal")
    ticket = await search.add_comment_words(
        connection, ticket_id=ticket.id, body=body, internal=internal
    )
    row = await connection.fetchrow(
        _INSERT.sql(),
        *_INSERT.args(ticket_id=ticket.id, author_id=user.id, body=body, internal=internal),
    )
    assert row is not None
    comment_id, created_at = row
    await timeline.record(
        connection,
        ticket_id=ticket.id,
        actor_id=user.id,
        action=Action.comment_created,
        meta={"comment_id": comment_id, "internal": internal},
    )
    shown = CommentOut(
        id=comment_id,
        ticket_id=ticket.id,
        author_id=user.id,
        author=Person.of(user),
        body=body,
        internal=internal,
        created_at=created_at,
    )
    await tickets.announce(
        connection,
        EventType.comment_created,
        ticket,
        internal=internal,
        comment=shown.model_dump(mode="json"),
    )
    if internal:
        return shown
    if user.id == ticket.requester_id:
        if may_reopen and ticket.status in REOPENED_BY_REPLY:
            await tickets.apply_changes(
                connection,
                actor=user,
                ticket=ticket,
                expected_version=ticket.version,
                changes={"status": Status.open},
            )
    elif user.is_staff:
        await tickets.record_first_response(connection, ticket=ticket)
    return shown


async def update_ticket(
    connection: asyncpg.Connection,
    *,
    user: User,
    ticket: TicketRow,
    expected_version: int,
    data: TicketUpdate,
) -> TicketRow:
    """PATCH: the fields, and the comment sent with them (a reply, or "send and resolve"),
    in one transaction under one If-Match. The comment follows the change, so a reply that
    reopens does so from the status the change left. The ticket as it then stands."""
    comment = data.comment
    if comment is not None and comment.internal and not user.is_staff:
        raise Forbidden("Only agents and admins may write internal notes", field="comment.internal")
    updated = await tickets.update_ticket(
        connection, user=user, ticket=ticket, expected_version=expected_version, data=data
    )
    if comment is None:
        return updated
    # A status sent with the reply is what the sender meant: their reply does not undo it
    # (an admin resolving their own ticket with a last word).
    await add_comment(
        connection,
        user=user,
        ticket=updated,
        body=comment.body,
        internal=comment.internal,
        may_reopen="status" not in data.changes(),
    )
    fresh = await tickets.get_ticket(connection, ticket_id=ticket.id)
    assert fresh is not None
    return fresh

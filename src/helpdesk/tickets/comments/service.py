from typing import cast

import asyncpg
from sqlalchemy import Table, bindparam, insert

from helpdesk.auth.models import User
from helpdesk.auth.schemas import Person
from helpdesk.db.compiled import Compiled
from helpdesk.errors import Forbidden, TicketClosed
from helpdesk.events.models import EventType
from helpdesk.tickets import permissions, search
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
) -> CommentOut:
    """Who may comment is who may see the ticket (the requester, agents, admins): the
    ticket dependency has already checked it; only agents and admins write internal notes.
    A closed ticket takes no comment from anyone (409 TICKET_CLOSED): its conversation is
    over, and a reply there would reach no view of the desk; a follow-up ticket carries it
    on. A comment leaves the ticket's version alone, except when the requester's reply
    reopens a pending or resolved ticket (a change of status, with its own timeline entry).
    The desk's first public reply to someone else's ticket is its first response.

    The ticket's row is written first: concurrent comments on one ticket queue on its lock
    instead of each holding the foreign key's share lock while waiting for the other, and
    what follows (whether it is closed, first of all) reads the ticket as it stands under
    that lock."""
    _check_internal(user, internal=internal, field="internal")
    locked = await search.add_comment_words(
        connection, ticket_id=ticket.id, body=body, internal=internal
    )
    if locked.status == Status.closed:
        raise TicketClosed()
    return await _write(connection, user=user, ticket=locked, body=body, internal=internal)


def _check_internal(user: User, *, internal: bool, field: str) -> None:
    if internal and not user.is_staff:
        raise Forbidden("Only agents and admins may write internal notes", field=field)


async def _write(
    connection: asyncpg.Connection,
    *,
    user: User,
    ticket: TicketRow,
    body: str,
    internal: bool,
    may_reopen: bool = True,
) -> CommentOut:
    """The comment on `ticket` (locked, its words added), its timeline entry and event,
    and what a reply does to the ticket."""
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
    # The event is read by the requester too: no email in it.
    announced = CommentOut(
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
        comment=announced.model_dump(mode="json"),
    )
    shown = announced.model_copy(
        update={"author": Person.of(user, with_email=permissions.sees_emails(user))}
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
    if comment is not None:
        _check_internal(user, internal=comment.internal, field="comment.internal")
        # The ticket as the request found it: a closed ticket takes no comment, even with
        # a change that reopens it (reopening a closed ticket is a decision of its own, not
        # a side effect of a reply); a reply that closes an open ticket is a last word.
        if ticket.status == Status.closed:
            raise TicketClosed()
    updated = await tickets.update_ticket(
        connection, user=user, ticket=ticket, expected_version=expected_version, data=data
    )
    if comment is None:
        return updated
    # The write matched the version the ticket was read at, so what was checked above is
    # what it was changed from.
    locked = await search.add_comment_words(
        connection, ticket_id=updated.id, body=comment.body, internal=comment.internal
    )
    # A status sent with the reply is what the sender meant: their reply does not undo it
    # (an admin resolving their own ticket with a last word).
    await _write(
        connection,
        user=user,
        ticket=locked,
        body=comment.body,
        internal=comment.internal,
        may_reopen="status" not in data.changes(),
    )
    fresh = await tickets.get_ticket(connection, ticket_id=ticket.id)
    assert fresh is not None
    return fresh

import asyncpg

from helpdesk.auth.models import User
from helpdesk.errors import TicketClosed
from helpdesk.tickets import replies, search
from helpdesk.tickets import service as tickets
from helpdesk.tickets.comments.schemas import CommentOut
from helpdesk.tickets.models import Status, TicketRow


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
    replies.check_internal(user, internal=internal, field="internal")
    locked = await search.add_comment_words(
        connection, ticket_id=ticket.id, body=body, internal=internal
    )
    if locked.status == Status.closed:
        raise TicketClosed()
    comment = await replies.write(
        connection, user=user, ticket=locked, body=body, internal=internal
    )
    if replies.reopens(user, locked, internal=internal):
        await tickets.apply_changes(
            connection,
            actor=user,
            ticket=locked,
            expected_version=locked.version,
            changes={"status": Status.open},
        )
    elif replies.responds(user, locked, internal=internal):
        await tickets.record_first_response(connection, ticket=locked)
    return comment

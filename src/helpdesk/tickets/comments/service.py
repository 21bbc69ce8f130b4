from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk.auth.models import User
from helpdesk.tickets import search
from helpdesk.tickets.comments.models import Comment
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.timeline import service as timeline
from helpdesk.tickets.timeline.models import Action


async def add_comment(session: AsyncSession, *, user: User, ticket: Ticket, body: str) -> Comment:
    """Who may comment is who may see the ticket (the requester, agents, admins): the
    ticket dependency has already checked it. Comments leave the ticket's version alone.

    The ticket's row is written first: concurrent comments on one ticket queue on its lock
    instead of each holding the foreign key's share lock while waiting for the other."""
    await search.add_comment_words(session, ticket_id=ticket.id, body=body)
    comment: Comment | None = await session.scalar(
        insert(Comment).values(ticket_id=ticket.id, author_id=user.id, body=body).returning(Comment)
    )
    assert comment is not None
    await timeline.record(
        session,
        ticket_id=ticket.id,
        actor_id=user.id,
        action=Action.comment_created,
        meta={"comment_id": comment.id},
    )
    return comment

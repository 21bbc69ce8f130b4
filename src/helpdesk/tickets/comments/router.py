from fastapi import APIRouter
from fastapi.responses import JSONResponse

from helpdesk.auth.dependencies import CurrentUser
from helpdesk.auth.models import Role
from helpdesk.auth.schemas import Person
from helpdesk.db.session import SessionDep
from helpdesk.errors import error_responses
from helpdesk.idempotency.dependencies import IdempotencyDep
from helpdesk.tickets.comments import service
from helpdesk.tickets.comments.schemas import CommentCreate, CommentOut
from helpdesk.tickets.dependencies import VisibleTicket

router = APIRouter(prefix="/tickets", tags=["comments"])


@router.post(
    "/{ticket_id}/comments",
    status_code=201,
    response_model=CommentOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def add_comment(
    data: CommentCreate,
    ticket: VisibleTicket,
    session: SessionDep,
    user: CurrentUser,
    once: IdempotencyDep,
) -> CommentOut | JSONResponse:
    if (replay := await once.replay(data)) is not None:
        return replay
    comment = await service.add_comment(
        session, user=user, ticket=ticket, body=data.body, internal=data.internal
    )
    created = CommentOut(
        id=comment.id,
        ticket_id=comment.ticket_id,
        author_id=comment.author_id,
        author=Person(id=user.id, name=user.name, role=Role(user.role)),
        body=comment.body,
        internal=comment.internal,
        created_at=comment.created_at,
    )
    await once.remember(created, status_code=201)
    return created

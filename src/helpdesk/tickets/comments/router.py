from fastapi import APIRouter

from helpdesk.auth.dependencies import CurrentUser
from helpdesk.db.dependencies import TransactionDep
from helpdesk.errors import error_responses
from helpdesk.idempotency.dependencies import idempotent
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
@idempotent
async def add_comment(
    data: CommentCreate, ticket: VisibleTicket, connection: TransactionDep, user: CurrentUser
) -> CommentOut:
    return await service.add_comment(
        connection, user=user, ticket=ticket, body=data.body, internal=data.internal
    )

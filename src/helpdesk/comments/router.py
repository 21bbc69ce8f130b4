from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from helpdesk.auth.dependencies import CurrentUser
from helpdesk.comments import service
from helpdesk.comments.schemas import CommentCreate, CommentOut
from helpdesk.db import SessionDep
from helpdesk.errors import error_responses
from helpdesk.idempotency import service as idempotency
from helpdesk.idempotency.dependencies import IdempotencyKey, fingerprint
from helpdesk.tickets.dependencies import VisibleTicket

router = APIRouter(prefix="/tickets", tags=["comments"])


@router.post(
    "/{ticket_id}/comments",
    status_code=201,
    response_model=CommentOut,
    responses=error_responses(401, 404, 409, 422),
)
async def add_comment(
    data: CommentCreate,
    ticket: VisibleTicket,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    key: IdempotencyKey,
) -> JSONResponse:
    async def create() -> tuple[CommentOut, dict[str, str]]:
        comment = await service.add_comment(session, user=user, ticket=ticket, body=data.body)
        return CommentOut.model_validate(comment), {}

    return await idempotency.respond_once(
        session,
        user_id=user.id,
        key=key,
        request_hash=fingerprint(request, data),
        status_code=201,
        create=create,
    )

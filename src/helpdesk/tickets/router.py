from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from helpdesk.auth.dependencies import CurrentUser
from helpdesk.db import SessionDep
from helpdesk.errors import error_responses
from helpdesk.idempotency import service as idempotency
from helpdesk.idempotency.dependencies import IdempotencyKey, fingerprint
from helpdesk.pagination import Cursor, CursorPage, CursorPageDep, make_cursor_page
from helpdesk.tickets import service
from helpdesk.tickets.dependencies import (
    ExpectedVersion,
    FiltersDep,
    VisibleTicket,
    VisibleTicketDetail,
    etag,
)
from helpdesk.tickets.schemas import TicketCreate, TicketDetail, TicketOut, TicketUpdate

router = APIRouter(prefix="/tickets", tags=["tickets"])

_ETAG_HEADER = {
    "ETag": {"description": 'The ticket\'s version, e.g. "3"', "schema": {"type": "string"}}
}


@router.post(
    "",
    status_code=201,
    response_model=TicketOut,
    responses={201: {"headers": _ETAG_HEADER}, **error_responses(401, 403, 409, 422)},
)
async def create_ticket(
    data: TicketCreate,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    key: IdempotencyKey,
) -> JSONResponse:
    async def create() -> tuple[TicketOut, dict[str, str]]:
        ticket = await service.create_ticket(session, user=user, data=data)
        return TicketOut.from_ticket(ticket), {"ETag": etag(ticket)}

    return await idempotency.respond_once(
        session,
        user_id=user.id,
        key=key,
        request_hash=fingerprint(request, data),
        status_code=201,
        create=create,
    )


def _position(ticket: TicketOut) -> Cursor:
    return Cursor(ticket.created_at, ticket.id)


@router.get("", response_model=CursorPage[TicketOut], responses=error_responses(401))
async def list_tickets(
    session: SessionDep, user: CurrentUser, filters: FiltersDep, page: CursorPageDep
) -> CursorPage[TicketOut]:
    tickets = await service.list_tickets(session, user=user, filters=filters, page=page)
    return make_cursor_page([TicketOut.from_ticket(t) for t in tickets], page, position=_position)


@router.get("/breached", response_model=CursorPage[TicketOut], responses=error_responses(401))
async def list_breached_tickets(
    session: SessionDep, user: CurrentUser, filters: FiltersDep, page: CursorPageDep
) -> CursorPage[TicketOut]:
    """Tickets not closed whose due date has passed, with the list's filters and paging."""
    tickets = await service.list_tickets(
        session, user=user, filters=service.only_breached(filters), page=page
    )
    return make_cursor_page([TicketOut.from_ticket(t) for t in tickets], page, position=_position)


@router.get(
    "/{ticket_id}",
    response_model=TicketDetail,
    responses={200: {"headers": _ETAG_HEADER}, **error_responses(401, 404)},
)
async def get_ticket(ticket: VisibleTicketDetail, response: Response) -> TicketDetail:
    response.headers["ETag"] = etag(ticket)
    return ticket


@router.patch(
    "/{ticket_id}",
    response_model=TicketOut,
    responses={200: {"headers": _ETAG_HEADER}, **error_responses(401, 403, 404, 409, 428)},
)
async def update_ticket(
    data: TicketUpdate,
    ticket: VisibleTicket,
    version: ExpectedVersion,
    session: SessionDep,
    user: CurrentUser,
    response: Response,
) -> TicketOut:
    updated = await service.update_ticket(
        session, user=user, ticket=ticket, expected_version=version, data=data
    )
    response.headers["ETag"] = etag(updated)
    return TicketOut.from_ticket(updated)

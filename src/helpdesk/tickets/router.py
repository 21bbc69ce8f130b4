import asyncpg
from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from helpdesk.auth.dependencies import CurrentUser
from helpdesk.auth.models import User
from helpdesk.db.dependencies import ConnectionDep, TransactionDep
from helpdesk.errors import error_responses
from helpdesk.idempotency.dependencies import idempotent
from helpdesk.pagination import CursorPage, CursorPageDep, PageParams, make_cursor_page
from helpdesk.tickets import listing, service
from helpdesk.tickets.dependencies import ExpectedVersion, FiltersDep, SortDep, VisibleTicket
from helpdesk.tickets.detail import TicketDetail, VisibleTicketDetail
from helpdesk.tickets.listing import TicketFilters
from helpdesk.tickets.models import TicketRow
from helpdesk.tickets.schemas import TicketCreate, TicketOut, TicketUpdate
from helpdesk.tickets.sorting import ORDERS, Sort

router = APIRouter(prefix="/tickets", tags=["tickets"])

_ETAG_HEADER = {
    "ETag": {"description": 'The ticket\'s version, e.g. "3"', "schema": {"type": "string"}}
}


def _etag(ticket: TicketRow | TicketOut) -> str:
    """The ticket's version as an entity tag, for If-Match."""
    return f'"{ticket.version}"'


@router.post(
    "",
    status_code=201,
    response_model=TicketOut,
    responses={201: {"headers": _ETAG_HEADER}, **error_responses(401, 403, 409, 422)},
)
@idempotent
async def create_ticket(
    data: TicketCreate, connection: TransactionDep, user: CurrentUser, response: Response
) -> TicketOut:
    ticket = await service.create_ticket(connection, user=user, data=data)
    response.headers["ETag"] = _etag(ticket)
    return TicketOut.from_ticket(ticket, caller=user)


async def _page(
    connection: asyncpg.Connection,
    user: User,
    filters: TicketFilters,
    page: PageParams,
    sort: Sort,
) -> CursorPage[TicketOut]:
    tickets = await listing.list_tickets(
        connection, user=user, filters=filters, page=page, sort=sort
    )
    shown = [TicketOut.from_ticket(ticket, caller=user) for ticket in tickets]
    return make_cursor_page(shown, page, position=ORDERS[sort].position)


@router.get("", response_model=CursorPage[TicketOut], responses=error_responses(401))
async def list_tickets(
    connection: ConnectionDep,
    user: CurrentUser,
    filters: FiltersDep,
    page: CursorPageDep,
    sort: SortDep,
) -> CursorPage[TicketOut]:
    return await _page(connection, user, filters, page, sort)


@router.get("/breached", response_model=CursorPage[TicketOut], responses=error_responses(401))
async def list_breached_tickets(
    connection: ConnectionDep,
    user: CurrentUser,
    filters: FiltersDep,
    page: CursorPageDep,
    sort: SortDep,
) -> CursorPage[TicketOut]:
    """Tickets breached (their resolution target: see TicketOut.breached), with the list's
    filters, order and paging."""
    return await _page(connection, user, listing.only_breached(filters), page, sort)


class TicketCount(BaseModel):
    count: int
    exact: bool = Field(description="false: PostgreSQL's estimate, past 10,000")


@router.get("/count", response_model=TicketCount, responses=error_responses(401))
async def count_tickets(
    connection: ConnectionDep, user: CurrentUser, filters: FiltersDep
) -> TicketCount:
    """How many tickets the list with these filters holds: exact up to 10,000, estimated
    beyond (`exact: false`)."""
    counted = await listing.count_tickets(connection, user=user, filters=filters)
    return TicketCount(count=counted.count, exact=counted.exact)


@router.get(
    "/{ticket_id}",
    response_model=TicketDetail,
    responses={200: {"headers": _ETAG_HEADER}, **error_responses(401, 404)},
)
async def get_ticket(ticket: VisibleTicketDetail, response: Response) -> TicketDetail:
    response.headers["ETag"] = _etag(ticket)
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
    connection: TransactionDep,
    user: CurrentUser,
    response: Response,
) -> TicketOut:
    updated = await service.update(
        connection, user=user, ticket=ticket, expected_version=version, data=data
    )
    response.headers["ETag"] = _etag(updated)
    return TicketOut.from_ticket(updated, caller=user)

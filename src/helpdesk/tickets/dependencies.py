"""Dependencies that validate once for every route that needs them: the ticket the
caller may see, the If-Match version, the list filters."""

import re
from typing import Annotated, Literal, TypeVar

from fastapi import Depends, Header, Path, Query

from helpdesk.auth.dependencies import CurrentUser
from helpdesk.auth.models import User
from helpdesk.db.dependencies import TransactionDep
from helpdesk.errors import FieldInvalid, NotFound, PreconditionRequired
from helpdesk.schemas import MAX_ID
from helpdesk.tickets import permissions, service
from helpdesk.tickets.listing import AssignedTo, TicketFilters, Unassigned
from helpdesk.tickets.models import Status, TicketRow
from helpdesk.tickets.search import MAX_QUERY_LENGTH
from helpdesk.tickets.sorting import Sort, parse_sort

_IF_MATCH = re.compile(r'\s*(?:(?:W/)?"(\d{1,10})"|(\d{1,10}))\s*')


TicketId = Annotated[int, Path(ge=1, le=MAX_ID)]


_Shown = TypeVar("_Shown", bound=permissions.Requested)


def visible(user: User, ticket: _Shown | None) -> _Shown:
    """The ticket, or 404 when it does not exist or the caller may not see it (a requester
    must not learn that someone else's ticket exists)."""
    if ticket is None or not permissions.can_view(user, ticket):
        raise NotFound("Ticket not found")
    return ticket


async def visible_ticket(
    ticket_id: TicketId, connection: TransactionDep, user: CurrentUser
) -> TicketRow:
    """The ticket a write is about, read in the write's transaction."""
    return visible(user, await service.get_ticket(connection, ticket_id=ticket_id))


VisibleTicket = Annotated[TicketRow, Depends(visible_ticket)]


async def expected_version(
    if_match: Annotated[
        str | None,
        Header(description='The version being changed: 3, "3" or W/"3" (the ETag)'),
    ] = None,
) -> int:
    if if_match is None:
        raise PreconditionRequired(field="If-Match")
    match = _IF_MATCH.fullmatch(if_match)
    if match is None:
        raise FieldInvalid('If-Match must be the ticket version, e.g. "3"', field="If-Match")
    return int(match.group(1) or match.group(2))


ExpectedVersion = Annotated[int, Depends(expected_version)]


def _statuses(text: str | None) -> tuple[Status, ...]:
    if text is None:
        return ()
    try:
        return tuple(Status(part.strip()) for part in text.split(","))
    except ValueError:
        allowed = ", ".join(s.value for s in Status)
        raise FieldInvalid(f"status must be among: {allowed}", field="status") from None


def _assignee(text: str | None, caller: User) -> Unassigned | AssignedTo | None:
    if text is None:
        return None
    if text == "me":
        return AssignedTo(caller.id)
    if text == "none":
        return Unassigned()
    if text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_ID:
        return AssignedTo(int(text))
    raise FieldInvalid("assignee must be a user id, me or none", field="assignee")


async def ticket_filters(
    user: CurrentUser,
    status: Annotated[
        str | None, Query(description="One status or several, comma-separated")
    ] = None,
    assignee: Annotated[
        str | None,
        Query(
            description="An agent's id, `me` or `none`",
            json_schema_extra={"pattern": "^(me|none|[0-9]+)$"},
        ),
    ] = None,
    breached: Annotated[
        Literal["true", "false"] | None,
        Query(
            description="The resolution target breached: `true` or `false`",
            json_schema_extra={"enum": ["true", "false"]},
        ),
    ] = None,
    first_response_breached: Annotated[
        Literal["true", "false"] | None,
        Query(
            description="The first-response target breached: `true` or `false`",
            json_schema_extra={"enum": ["true", "false"]},
        ),
    ] = None,
    query: Annotated[
        str | None,
        Query(
            description="Words in the title, description or comments", max_length=MAX_QUERY_LENGTH
        ),
    ] = None,
) -> TicketFilters:
    text = query.strip() if query else None
    return TicketFilters(
        statuses=_statuses(status),
        assignee=_assignee(assignee, user),
        breached=None if breached is None else breached == "true",
        first_response_breached=(
            None if first_response_breached is None else first_response_breached == "true"
        ),
        query=text or None,
    )


FiltersDep = Annotated[TicketFilters, Depends(ticket_filters)]


async def ticket_sort(
    sort: Annotated[
        str | None,
        Query(
            description="`-created_at` (newest first, the default), `due_at` (soonest due "
            "first, paused tickets last), `-priority` (most urgent first, then soonest due) "
            "or `-updated_at`; `cursor` follows it",
            json_schema_extra={"enum": [each.value for each in Sort]},
        ),
    ] = None,
) -> Sort:
    return parse_sort(sort)


SortDep = Annotated[Sort, Depends(ticket_sort)]

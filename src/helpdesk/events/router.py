"""The live stream: Server-Sent Events of the events the caller may see."""

import asyncio
import json
import re
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from helpdesk.auth import service as accounts
from helpdesk.auth.dependencies import BearerCredentials, CurrentUser
from helpdesk.auth.tokens import TokenClaims, issue_stream_token, read_stream_token, read_token
from helpdesk.config import SettingsDep
from helpdesk.db.dependencies import DatabaseDep
from helpdesk.errors import FieldInvalid, Unauthorized, error_responses
from helpdesk.events.hub import Hub, Viewer
from helpdesk.events.models import Event
from helpdesk.events.service import ID_PREFIX, payload

router = APIRouter(prefix="/events", tags=["events"])
KEEPALIVE_SECONDS = 15.0
_EVENT_ID = re.compile(rf"{ID_PREFIX}([0-9]{{1,18}})")


class StreamToken(BaseModel):
    token: str
    expires_at: datetime


@router.post("/stream-token", response_model=StreamToken, responses=error_responses(401))
async def stream_token(user: CurrentUser, settings: SettingsDep) -> StreamToken:
    """A token for GET /api/events/stream?token=... (EventSource sends no header): valid
    60 s, for the stream only."""
    issued = issue_stream_token(
        user_id=user.id, token_version=user.token_version, settings=settings
    )
    return StreamToken(token=issued.token, expires_at=issued.expires_at)


async def _claims(
    settings: SettingsDep,
    credentials: BearerCredentials,
    token: Annotated[
        str | None, Query(description="A token from POST /api/events/stream-token")
    ] = None,
) -> TokenClaims:
    if token is not None:
        return read_stream_token(token, settings=settings)
    if credentials is None:
        raise Unauthorized()
    return read_token(credentials.credentials, settings=settings)


def _after(last_event_id: str | None) -> int | None:
    if last_event_id is None:
        return None
    match = _EVENT_ID.fullmatch(last_event_id.strip())
    if match is None:
        raise FieldInvalid("Last-Event-ID must be an event id, e.g. evt_42", field="Last-Event-ID")
    return int(match.group(1))


def _message(event: Event) -> str:
    data = json.dumps(payload(event), separators=(",", ":"))
    return f"id: {ID_PREFIX}{event.id}\nevent: {event.type}\ndata: {data}\n\n"


@router.get(
    "/stream",
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "Server-Sent Events"},
        **error_responses(401),
    },
    response_class=StreamingResponse,
)
async def stream(
    request: Request,
    claims: Annotated[TokenClaims, Depends(_claims)],
    database: DatabaseDep,
    last_event_id: Annotated[str | None, Header(description="Resume after this event")] = None,
) -> StreamingResponse:
    """Each event the caller may see, as one SSE message (`id`, `event`, `data`): staff
    every event; a requester their own tickets', never an internal note's. A comment every
    15 s keeps proxies from closing it; the caller is checked again then, so a revoked
    token or a deactivated account ends it."""
    after = _after(last_event_id)
    async with database.connection() as connection:
        user = await accounts.token_holder(connection, claims=claims)
    viewer = Viewer(user_id=user.id, staff=user.is_staff)
    hub: Hub = request.app.state.hub
    subscriber = await hub.subscribe(viewer)

    async def still_allowed() -> bool:
        """The token still holds, and the caller sees what they saw (a change of role
        ends the stream too)."""
        try:
            async with database.connection() as connection:
                current = await accounts.token_holder(connection, claims=claims)
        except Unauthorized:
            return False
        return current.is_staff == viewer.staff

    async def messages() -> AsyncIterator[str]:
        try:
            sent = after or 0
            yield ": stream open\n\n"
            if after is not None:
                for missed in await hub.backlog(viewer, after=after):
                    sent = missed.id
                    yield _message(missed)
            while not subscriber.behind:
                try:
                    event = await asyncio.wait_for(subscriber.queue.get(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    if not await still_allowed():
                        return
                    yield ": keep-alive\n\n"
                    continue
                if event is None:
                    return  # the process is stopping, or lost its listener
                if event.id > sent:
                    sent = event.id
                    yield _message(event)
        finally:
            hub.unsubscribe(subscriber)

    return StreamingResponse(
        messages(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )

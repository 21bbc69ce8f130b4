"""The live stream: Server-Sent Events of the events the caller may see."""

import asyncio
import json
import re
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

import anyio
import asyncpg
from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from helpdesk.auth import service as accounts
from helpdesk.auth.dependencies import BearerCredentials, CurrentUser, count_caller
from helpdesk.auth.tokens import TokenClaims, issue_stream_token, read_stream_token, read_token
from helpdesk.config import SettingsDep
from helpdesk.db.dependencies import DatabaseDep
from helpdesk.errors import FieldInvalid, Unauthorized, error_responses
from helpdesk.events import streams
from helpdesk.events.hub import BACKLOG_PAGE, Ended, Hub, Viewer
from helpdesk.events.repository import EventRow
from helpdesk.events.service import ID_PREFIX, payload, public_id
from helpdesk.ratelimit import RateLimiterDep

router = APIRouter(prefix="/events", tags=["events"])
KEEPALIVE_SECONDS = 15.0
# Sent when the stream is too far behind to replay what it missed (events/hub.py).
RESET_EVENT = "reset"
# The reconnection delay a stopping server suggests: another process (or this one,
# restarted) takes the stream over.
RECONNECT_MILLISECONDS = 1000
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
    request: Request,
    settings: SettingsDep,
    limiter: RateLimiterDep,
    credentials: BearerCredentials,
    token: Annotated[
        str | None, Query(description="A token from POST /api/events/stream-token")
    ] = None,
) -> TokenClaims:
    if token is not None:
        claims = read_stream_token(token, settings=settings)
    elif credentials is not None:
        claims = read_token(credentials.credentials, settings=settings)
    else:
        raise Unauthorized()
    # Opening a stream is a request like any other.
    await count_caller(request, limiter=limiter, claims=claims)
    return claims


def _after(last_event_id: str | None) -> int | None:
    if last_event_id is None:
        return None
    match = _EVENT_ID.fullmatch(last_event_id.strip())
    if match is None:
        raise FieldInvalid("Last-Event-ID must be an event id, e.g. evt_42", field="Last-Event-ID")
    return int(match.group(1))


def _message(event: EventRow) -> str:
    data = json.dumps(payload(event), separators=(",", ":"))
    return f"id: {public_id(event.id)}\nevent: {event.type}\ndata: {data}\n\n"


def _reset(latest: int) -> str:
    """Too far behind to replay: the client reloads what it shows. The id moves the
    browser's Last-Event-ID on, so that its reconnection resumes from now."""
    data = json.dumps({"latest": public_id(latest)}, separators=(",", ":"))
    return f"id: {public_id(latest)}\nevent: {RESET_EVENT}\ndata: {data}\n\n"


@router.get(
    "/stream",
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "Server-Sent Events"},
        **error_responses(401, 429),
    },
    response_class=StreamingResponse,
)
async def stream(
    request: Request,
    claims: Annotated[TokenClaims, Depends(_claims)],
    database: DatabaseDep,
    settings: SettingsDep,
    last_event_id: Annotated[str | None, Header(description="Resume after this event")] = None,
) -> StreamingResponse:
    """Each event the caller may see, as one SSE message (`id`, `event`, `data`): staff
    every event; a requester their own tickets', never an internal note's. A comment every
    15 s keeps proxies from closing it. A password change, a deactivation or a change of
    role ends it at once. With Last-Event-ID, every event missed since is sent first, in
    order; more than 10,000 behind, one `reset` message instead, and the stream ends. A
    stream token opens one stream; an account holds at most STREAM_MAX_PER_USER at once
    (429 beyond). When the server stops, a `retry:` hint, and the stream ends."""
    after = _after(last_event_id)
    async with database.connection() as connection:
        user = await accounts.token_holder(connection, claims=claims)
    viewer = Viewer(user_id=user.id, staff=user.is_staff)
    hub: Hub = request.app.state.hub
    # Listening before the holder is read again: a change that commits after this read
    # is announced to the subscription.
    subscriber = await hub.subscribe(viewer)
    try:
        async with database.connection() as connection:
            if not await _still_allowed(connection, claims=claims, viewer=viewer):
                raise Unauthorized("Token was revoked; sign in again")
            stream_id = await streams.open_stream(
                connection,
                user_id=user.id,
                token_id=claims.token_id,
                keep_until=claims.expires_at,
                limit=settings.stream_max_per_user,
            )
    except BaseException:
        hub.unsubscribe(subscriber)
        raise

    async def check() -> bool:
        async with database.connection() as connection:
            await streams.heartbeat(connection, stream_id=stream_id)
            return await _still_allowed(connection, claims=claims, viewer=viewer)

    async def messages() -> AsyncIterator[str]:
        try:
            yield ": stream open\n\n"
            replayed: set[int] = set()
            if after is not None:
                if await hub.too_far_behind(viewer, after=after):
                    yield _reset(await hub.latest())
                    return
                async for missed in _missed(hub, viewer, after=after):
                    if subscriber.ended is not None:
                        break
                    replayed.add(missed.id)
                    yield _message(missed)
            clock = asyncio.get_running_loop().time
            next_check = clock() + streams.STREAM_CHECK_SECONDS
            next_keepalive = clock() + KEEPALIVE_SECONDS
            while subscriber.ended is None:
                now = clock()
                # Whatever the traffic: a busy desk never leaves the queue empty for long.
                if now >= next_check:
                    if not await check():
                        return
                    next_check = now + streams.STREAM_CHECK_SECONDS
                if now >= next_keepalive:
                    yield ": keep-alive\n\n"
                    next_keepalive = now + KEEPALIVE_SECONDS
                try:
                    event = await asyncio.wait_for(
                        subscriber.queue.get(), min(next_check, next_keepalive) - now
                    )
                except TimeoutError:
                    continue
                if event is None or subscriber.ended is not None:
                    continue
                if event.id in replayed:
                    # Committed after the subscription and read by the replay too; the hub
                    # hands each event once, so it is not seen a third time.
                    replayed.discard(event.id)
                    continue
                yield _message(event)
            if subscriber.ended is Ended.stopping:
                yield f"retry: {RECONNECT_MILLISECONDS}\n\n"
        finally:
            hub.unsubscribe(subscriber)
            # A disconnected client cancels the response; the row is released all the same.
            with anyio.CancelScope(shield=True):
                async with database.connection() as connection:
                    await streams.close_stream(connection, stream_id=stream_id)

    return StreamingResponse(
        messages(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _still_allowed(
    connection: asyncpg.Connection, *, claims: TokenClaims, viewer: Viewer
) -> bool:
    """The token still holds, and the caller sees what they saw (a change of role ends the
    stream too)."""
    try:
        current = await accounts.token_holder(connection, claims=claims)
    except Unauthorized:
        return False
    return current.is_staff == viewer.staff


async def _missed(hub: Hub, viewer: Viewer, *, after: int) -> AsyncIterator[EventRow]:
    """The outbox after event `after`, page by page in id order, until caught up."""
    while True:
        page = await hub.backlog(viewer, after=after)
        for event in page:
            yield event
        if len(page) < BACKLOG_PAGE:
            return
        after = page[-1].id

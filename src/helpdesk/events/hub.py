"""The live stream's fan-out in one API process: one LISTEN connection per process on the
events' channel; each committed event is read once and handed to every stream of this
process whose caller may see it. Every process listens, so an event committed through any
process (or host) reaches the streams of all of them."""

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

import asyncpg
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from helpdesk.config import to_plain_url
from helpdesk.events.models import Event
from helpdesk.events.service import CHANNEL

# Events a slow stream may have waiting; past it, the stream ends (the browser reconnects
# with Last-Event-ID and catches up from the outbox).
QUEUE_SIZE = 1000
BACKLOG_LIMIT = 1000

log = logging.getLogger("helpdesk.events")


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who a stream is for: staff see every event; a requester their own tickets' events,
    never an internal one (an internal note's, an SLA breach)."""

    user_id: int
    staff: bool

    def sees(self, event: Event) -> bool:
        if self.staff:
            return True
        return event.requester_id == self.user_id and not event.internal

    def clauses(self) -> list[ColumnElement[bool]]:
        """The same rule in SQL, for reading the outbox."""
        if self.staff:
            return []
        return [Event.requester_id == self.user_id, Event.internal.is_(False)]


@dataclass(eq=False)
class Subscriber:
    viewer: Viewer
    queue: asyncio.Queue[Event | None] = field(
        default_factory=lambda: asyncio.Queue(maxsize=QUEUE_SIZE)
    )
    # Fell behind (its queue was full): the stream ends, and the client resumes from the
    # outbox with Last-Event-ID.
    behind: bool = False


class Hub:
    def __init__(self, database_url: str, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._url = to_plain_url(database_url)
        self._sessionmaker = sessionmaker
        self._subscribers: set[Subscriber] = set()
        self._listener: asyncpg.Connection | None = None
        self._starting = asyncio.Lock()
        self._pending: list[int] = []
        self._flushing: asyncio.Task[None] | None = None

    async def subscribe(self, viewer: Viewer) -> Subscriber:
        await self._listen()
        subscriber = Subscriber(viewer)
        self._subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.discard(subscriber)

    async def backlog(self, viewer: Viewer, *, after: int) -> list[Event]:
        """What the viewer may see of the outbox after event `after`, oldest first."""
        statement = (
            select(Event)
            .where(Event.id > after, *viewer.clauses())
            .order_by(Event.id)
            .limit(BACKLOG_LIMIT)
        )
        async with self._sessionmaker() as session:
            return list(await session.scalars(statement))

    async def close(self) -> None:
        if self._flushing is not None:
            self._flushing.cancel()
        if self._listener is not None:
            with contextlib.suppress(Exception):
                await self._listener.close()
            self._listener = None
        for subscriber in list(self._subscribers):
            with contextlib.suppress(asyncio.QueueFull):
                subscriber.queue.put_nowait(None)

    async def _listen(self) -> None:
        """The process's LISTEN connection, opened on the first stream (a process serving
        no stream holds none)."""
        async with self._starting:
            if self._listener is not None and not self._listener.is_closed():
                return
            self._listener = await asyncpg.connect(self._url)
            await self._listener.add_listener(CHANNEL, self._notified)
            self._listener.add_termination_listener(self._lost)

    def _lost(self, _connection: object) -> None:
        log.warning("event listener connection lost; streams end and reconnect")
        self._listener = None
        for subscriber in list(self._subscribers):
            with contextlib.suppress(asyncio.QueueFull):
                subscriber.queue.put_nowait(None)

    def _notified(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        if not payload.isdigit() or not self._subscribers:
            return
        self._pending.append(int(payload))
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.get_running_loop().create_task(self._flush())

    async def _flush(self) -> None:
        """Read the announced events (a burst in one query) and hand them out."""
        while self._pending:
            ids, self._pending = self._pending, []
            try:
                async with self._sessionmaker() as session:
                    found = list(
                        await session.scalars(
                            select(Event).where(Event.id.in_(ids)).order_by(Event.id)
                        )
                    )
            except Exception:
                log.exception("reading announced events failed")
                continue
            for event in found:
                for subscriber in list(self._subscribers):
                    if subscriber.viewer.sees(event):
                        try:
                            subscriber.queue.put_nowait(event)
                        except asyncio.QueueFull:
                            subscriber.behind = True
                            self._subscribers.discard(subscriber)

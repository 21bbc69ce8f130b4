"""The live stream's fan-out in one API process: one LISTEN connection per process on the
events' channel; each committed event is read once and handed to every stream of this
process whose caller may see it. Every process listens, so an event committed through any
process (or host) reaches the streams of all of them.

The same connection LISTENs for account changes (auth/service.py announces a password
change, a deactivation and a change of role in the transaction that makes it): the
account's streams are dropped in the notification's callback, before any later
notification is read. PostgreSQL delivers notifications in commit order, so no event
committed after the change can be handed to them."""

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from enum import StrEnum

import asyncpg

from helpdesk.auth.repository import ACCOUNTS_CHANNEL
from helpdesk.config import to_plain_url
from helpdesk.db.pool import Database
from helpdesk.events import repository
from helpdesk.events.repository import EventRow
from helpdesk.events.service import CHANNEL

# Events a slow stream may have waiting; past it, the stream ends (the browser reconnects
# with Last-Event-ID and catches up from the outbox).
QUEUE_SIZE = 1000
# A resuming stream replays the outbox in pages of this many events, until caught up...
BACKLOG_PAGE = 1000
# ...unless it is further behind than this: then it gets one `reset` and the client reloads
# its data instead.
MAX_RESUME_EVENTS = 10_000

log = logging.getLogger("helpdesk.events")


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who a stream is for: staff see every event; a requester their own tickets' events,
    never an internal one (an internal note's, an SLA breach)."""

    user_id: int
    staff: bool

    def sees(self, event: EventRow) -> bool:
        """The same rule as events/repository.py's reads of the outbox."""
        if self.staff:
            return True
        return event.requester_id == self.user_id and not event.internal


class Ended(StrEnum):
    """Why the hub dropped a stream."""

    # Its queue was full: the client resumes from the outbox with Last-Event-ID.
    behind = "behind"
    # Its account changed (password, deactivation, role): its token no longer holds.
    revoked = "revoked"
    # The process is stopping: the client reconnects to another.
    stopping = "stopping"
    # The LISTEN connection was lost: events could be missed, the client resumes.
    lost = "lost"


@dataclass(eq=False)
class Subscriber:
    viewer: Viewer
    queue: asyncio.Queue[EventRow | None] = field(
        default_factory=lambda: asyncio.Queue(maxsize=QUEUE_SIZE)
    )
    # Set once the hub hands it nothing more; the stream sends nothing after it.
    ended: Ended | None = None

    def end(self, reason: Ended) -> None:
        if self.ended is None:
            self.ended = reason
        # Wakes the stream; a full queue is read to its end, where `ended` stops it.
        with contextlib.suppress(asyncio.QueueFull):
            self.queue.put_nowait(None)


class Hub:
    def __init__(self, listen_url: str, database: Database) -> None:
        """LISTENs on a connection of its own to `listen_url` (straight to PostgreSQL, not
        through PgBouncer); reads the outbox on the process's pool."""
        self._url = to_plain_url(listen_url)
        self._database = database
        self._subscribers: set[Subscriber] = set()
        self._listener: asyncpg.Connection | None = None
        self._starting = asyncio.Lock()
        self._pending: list[int] = []
        self._flushing: asyncio.Task[None] | None = None
        self._stopping = False

    async def subscribe(self, viewer: Viewer) -> Subscriber:
        """A stream's subscription, LISTENing before it returns: whatever commits after it
        (an event, a change of the viewer's account) reaches it."""
        await self._listen()
        subscriber = Subscriber(viewer)
        if self._stopping:
            subscriber.end(Ended.stopping)
        else:
            self._subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.discard(subscriber)

    async def backlog(self, viewer: Viewer, *, after: int) -> list[EventRow]:
        """A page of what the viewer may see of the outbox after event `after`, oldest
        first."""
        async with self._database.connection() as connection:
            return await repository.after(
                connection,
                user_id=viewer.user_id,
                staff=viewer.staff,
                after=after,
                limit=BACKLOG_PAGE,
            )

    async def too_far_behind(self, viewer: Viewer, *, after: int) -> bool:
        """More than MAX_RESUME_EVENTS for the viewer after event `after`."""
        async with self._database.connection() as connection:
            return await repository.more_than(
                connection,
                user_id=viewer.user_id,
                staff=viewer.staff,
                after=after,
                count=MAX_RESUME_EVENTS,
            )

    async def latest(self) -> int:
        """The newest event's id (0 when there is none)."""
        async with self._database.connection() as connection:
            return await repository.latest(connection)

    def stop(self) -> None:
        """The process is shutting down: every stream ends now (the server waits for open
        responses before anything else stops), and one opened later ends at once."""
        self._stopping = True
        self._end_all(Ended.stopping)

    def _end_all(self, reason: Ended) -> None:
        for subscriber in list(self._subscribers):
            subscriber.end(reason)
        self._subscribers.clear()

    async def close(self) -> None:
        self.stop()
        if self._flushing is not None:
            self._flushing.cancel()
        if self._listener is not None:
            # Closed on purpose: not a lost connection to warn about.
            self._listener.remove_termination_listener(self._lost)
            with contextlib.suppress(Exception):
                await self._listener.close()
            self._listener = None

    async def _listen(self) -> None:
        """The process's LISTEN connection, opened on the first stream (a process serving
        no stream holds none)."""
        async with self._starting:
            if self._listener is not None and not self._listener.is_closed():
                return
            self._listener = await asyncpg.connect(self._url)
            await self._listener.add_listener(CHANNEL, self._notified)
            await self._listener.add_listener(ACCOUNTS_CHANNEL, self._account_changed)
            self._listener.add_termination_listener(self._lost)

    def _lost(self, _connection: object) -> None:
        log.warning("event listener connection lost; streams end and reconnect")
        self._listener = None
        self._end_all(Ended.lost)

    def _account_changed(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        """Synchronous, in the order notifications arrive: once it returns, no event read
        for a later notification can reach the account's streams."""
        if not payload.isdigit():
            return
        user_id = int(payload)
        for subscriber in list(self._subscribers):
            if subscriber.viewer.user_id == user_id:
                self._subscribers.discard(subscriber)
                subscriber.end(Ended.revoked)

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
                async with self._database.connection() as connection:
                    found = await repository.by_ids(connection, ids)
            except Exception:
                log.exception("reading announced events failed")
                continue
            for event in found:
                for subscriber in list(self._subscribers):
                    if subscriber.viewer.sees(event):
                        try:
                            subscriber.queue.put_nowait(event)
                        except asyncio.QueueFull:
                            self._subscribers.discard(subscriber)
                            subscriber.end(Ended.behind)

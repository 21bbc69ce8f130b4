"""A Server-Sent Events client for the tests: opens GET /api/events/stream on a real
server and collects its messages in the background."""

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.support.server import Server

WAIT_SECONDS = 10.0


@dataclass
class Message:
    id: str | None
    event: str | None
    data: dict[str, Any] | None
    comment: str | None = None
    retry: str | None = None  # the reconnection delay the server asks for, in ms


def event_ids(messages: list[Message]) -> list[int]:
    """The ids of these events, as numbers, in their order."""
    return [int(m.id.removeprefix("evt_")) for m in messages if m.id is not None]


def is_event(event: str, of: str, resource: dict[str, Any]) -> Callable[[Message], bool]:
    """Whether a message is `event` of this resource, the event's data's `of` ("ticket",
    "comment"): a marker for Stream.events_before."""

    def matches(message: Message) -> bool:
        return (
            message.event == event
            and message.data is not None
            and message.data["data"][of]["id"] == resource["id"]
        )

    return matches


@dataclass
class Stream:
    base_url: str
    headers: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    messages: list[Message] = field(default_factory=list)
    status: int | None = None
    opened: asyncio.Event = field(default_factory=asyncio.Event)
    # Set when the server ended the response (or the connection broke).
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    body: str = ""  # a refused stream's answer
    _task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> "Stream":
        self._task = asyncio.create_task(self._read())
        await asyncio.wait_for(self.opened.wait(), WAIT_SECONDS)
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._task

    async def _read(self) -> None:
        try:
            await self._receive()
        finally:
            self.opened.set()
            self.ended.set()

    async def _receive(self) -> None:
        async with (
            # No read timeout: a stream is quiet between events (the task is cancelled).
            httpx.AsyncClient(base_url=self.base_url, timeout=None) as client,  # noqa: S113
            client.stream(
                "GET", "/api/events/stream", headers=self.headers, params=self.params
            ) as response,
        ):
            self.status = response.status_code
            if response.status_code != 200:
                self.body = (await response.aread()).decode()
                self.opened.set()
                return
            buffer = ""
            async for chunk in response.aiter_text():
                buffer += chunk
                while "\n\n" in buffer:
                    block, buffer = buffer.split("\n\n", 1)
                    self._parse(block)
                    self.opened.set()

    def _parse(self, block: str) -> None:
        fields: dict[str, str] = {}
        comment = None
        for line in block.split("\n"):
            if line.startswith(":"):
                comment = line[1:].strip()
                continue
            name, _, value = line.partition(": ")
            fields[name] = value
        data = json.loads(fields["data"]) if "data" in fields else None
        self.messages.append(
            Message(fields.get("id"), fields.get("event"), data, comment, fields.get("retry"))
        )

    def events(self) -> list[Message]:
        return [message for message in self.messages if message.event is not None]

    def event_ids(self) -> list[int]:
        """The ids of the events received, as numbers, in the order they came."""
        return event_ids(self.events())

    async def wait_ended(self, seconds: float = WAIT_SECONDS) -> None:
        await asyncio.wait_for(self.ended.wait(), seconds)

    async def wait_for(self, count: int, seconds: float = WAIT_SECONDS) -> list[Message]:
        deadline = time.monotonic() + seconds
        while len(self.events()) < count:
            assert time.monotonic() < deadline, f"{len(self.events())} of {count} events"
            await asyncio.sleep(0.01)
        return self.events()

    async def events_before(
        self, marker: Callable[[Message], bool], seconds: float = WAIT_SECONDS
    ) -> list[Message]:
        """The events received before the first one `marker` accepts, once it has come.
        A stream sends in the order events were committed: whatever was committed before
        the marker, and was going to come, has come. A check that nothing unwanted came is
        made on these, not after a sleep, which a dead or slow stream would pass."""
        deadline = time.monotonic() + seconds
        while True:
            events = self.events()
            found = next((i for i, message in enumerate(events) if marker(message)), None)
            if found is not None:
                return events[:found]
            assert time.monotonic() < deadline, f"no marker among {len(events)} events"
            await asyncio.sleep(0.01)


# Streams opened, at most, to have one on each of a server's processes (the stream tests'
# server lets an account hold this many); opened several at once, so that one process does
# not accept them all while the other sleeps.
MAX_SPREAD_STREAMS = 40
SPREAD_BATCH = 8
# Times the streams are all closed and opened again when `at_most` of them landed on too
# few processes (a busy machine may give one process every new connection for a while).
SPREAD_ATTEMPTS = 10
# How long a closed stream's place takes to be given back, at most.
RELEASE_SECONDS = 5.0


async def streams_on_every_process(
    server: Server,
    stack: contextlib.AsyncExitStack,
    *,
    headers: dict[str, str],
    count: int,
    at_most: int = MAX_SPREAD_STREAMS,
) -> list[Stream]:
    """`count` open streams, more (up to `at_most`: an account's cap, say) if it takes more
    for each of the server's worker processes to hold one (the kernel gives a new
    connection to whichever accepts first), kept open until `stack` closes."""
    for _ in range(SPREAD_ATTEMPTS):
        attempt = contextlib.AsyncExitStack()
        streams = await _spread(server, attempt, headers=headers, count=count, at_most=at_most)
        if streams is not None:
            stack.push_async_callback(attempt.aclose)
            return streams
        await attempt.aclose()
        deadline = time.monotonic() + RELEASE_SECONDS
        # Polls another process's state: there is no event to wait on.
        while sum(server.connections_per_worker()) > 0 and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    raise AssertionError(f"no stream on some process: {server.connections_per_worker()}")


async def _spread(
    server: Server,
    stack: contextlib.AsyncExitStack,
    *,
    headers: dict[str, str],
    count: int,
    at_most: int,
) -> list[Stream] | None:
    streams: list[Stream] = []
    while len(streams) < count or 0 in server.connections_per_worker():
        if len(streams) >= at_most:
            return None
        missing = count - len(streams)
        batch = min(SPREAD_BATCH, missing) if missing > 0 else SPREAD_BATCH
        batch = min(batch, at_most - len(streams))
        opened = await asyncio.gather(
            *(
                stack.enter_async_context(Stream(server.base_url, headers=headers))
                for _ in range(batch)
            )
        )
        assert [stream.status for stream in opened] == [200] * batch, opened[0].body
        streams.extend(opened)
    return streams

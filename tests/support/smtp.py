"""An SMTP server in the test process (aiosmtpd, in a thread of its own) that keeps what it
receives, and answers as the test says: the first messages refused for a while (451), or
each one only after a stall, as a slow or overloaded mail server does."""

import asyncio
import email
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message
from typing import Any

import asyncpg
from aiosmtpd.controller import Controller

from tests.support.server import free_port

WAIT_SECONDS = 30


class Inbox:
    """What the SMTP server received; `refuse` first messages are answered 451, and each
    message waits `stall_seconds` (with its data sent, its answer not yet given) before it
    is kept. A client that hangs up during the stall has sent nothing."""

    def __init__(self, refuse: int = 0, stall_seconds: float = 0.0) -> None:
        self.messages: list[Message] = []
        self.refuse = refuse
        self.stall_seconds = stall_seconds
        self.stalled = 0  # messages whose answer was held back

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse > 0:
            self.refuse -= 1
            return "451 4.3.0 try again later"
        if self.stall_seconds > 0:
            self.stalled += 1
            await asyncio.sleep(self.stall_seconds)
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    async def wait_for(self, count: int) -> list[Message]:
        deadline = time.monotonic() + WAIT_SECONDS
        while len(self.messages) < count:
            assert time.monotonic() < deadline, f"{len(self.messages)} of {count} mails"
            await asyncio.sleep(0.05)
        return list(self.messages)

    async def wait_for_stall(self) -> None:
        """Until a message is being held back: the sender is waiting on the answer."""
        deadline = time.monotonic() + WAIT_SECONDS
        while not self.stalled:
            assert time.monotonic() < deadline, "no message came to be held back"
            await asyncio.sleep(0.02)


_SETTLED = """
SELECT NOT EXISTS (SELECT FROM events WHERE mailed_at IS NULL)
   AND NOT EXISTS (SELECT FROM mails WHERE state = 'pending')
"""


async def mail_settled(db: asyncpg.Connection) -> None:
    """Until a worker has made the mails of every event committed so far and sent or
    failed each: nothing more will come of them. What a test checks did not arrive, it
    checks after this, not after a sleep, which a dead or slow worker would pass."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not await db.fetchval(_SETTLED):
        assert time.monotonic() < deadline, "mails still to be made or sent"
        await asyncio.sleep(0.05)


@contextmanager
def smtp_server(inbox: Inbox) -> Iterator[int]:
    """The server on a free port of 127.0.0.1, for the block; its port."""
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()

"""SIGTERM while live streams are open, on every API process: each stream is told when to
reconnect and ends, and `helpdesk serve` exits 0 within its graceful timeout."""

import asyncio
import contextlib
import signal
import subprocess
import time
from pathlib import Path

from tests.events.conftest import API_PROCESSES
from tests.support.accounts import Account
from tests.support.server import Server
from tests.support.sse import Stream

GRACEFUL_SECONDS = 5
STREAMS = 6  # over the two API processes


async def test_sigterm_ends_open_streams_with_a_retry_hint_and_the_server_exits_0(
    database_url: str, tmp_path: Path, agent: Account
) -> None:
    server = Server(
        database_url,
        tmp_path / "server.log",
        workers=API_PROCESSES,
        env={"GRACEFUL_SHUTDOWN_SECONDS": str(GRACEFUL_SECONDS)},
    )
    with server:
        async with contextlib.AsyncExitStack() as stack:
            streams = [
                await stack.enter_async_context(Stream(server.base_url, headers=agent.headers))
                for _ in range(STREAMS)
            ]
            assert [s.status for s in streams] == [200] * STREAMS
            server.process.send_signal(signal.SIGTERM)
            stopping = time.monotonic()
            # The clients stay: a browser never leaves by itself.
            await asyncio.gather(*(s.wait_ended(GRACEFUL_SECONDS) for s in streams))
            try:
                code = await asyncio.to_thread(server.process.wait, GRACEFUL_SECONDS)
            except subprocess.TimeoutExpired:
                code = None
            took = time.monotonic() - stopping
    assert code == 0, (code, server.log())
    assert took < GRACEFUL_SECONDS, took
    for stream in streams:
        assert [m.retry for m in stream.messages if m.retry is not None] == ["1000"]

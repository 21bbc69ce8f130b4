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
from tests.support.sse import streams_on_every_process

GRACEFUL_SECONDS = 5
STREAMS = 4  # at least one on each API process


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
            streams = await streams_on_every_process(
                server, stack, headers=agent.headers, count=STREAMS
            )
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

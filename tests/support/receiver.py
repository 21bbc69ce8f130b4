"""A webhook receiver: a real HTTP server on a free port, in a thread of the test process,
that records every request and answers as the test says (a status per request, or a
redirect; a body of any size, or one trickled a byte at a time)."""

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WAIT_SECONDS = 30
CHUNK = b"x" * 65536
# A trickled body's announced length: more bytes than any test waits for.
TRICKLED_LENGTH = 10_000


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    received_at: float = field(default_factory=time.time)  # unix seconds


@dataclass
class Receiver:
    url: str
    received: list[Received] = field(default_factory=list)
    # The status of each request, from what was received before it; 200 by default.
    answer: Callable[[int], int] = lambda _: 200
    redirect_to: str | None = None
    delay_seconds: float = 0.0  # before answering each request
    body_bytes: int = 0  # the answer's body: this many bytes, streamed, never held whole
    # After the status and headers, one byte of the body every this many seconds.
    trickle_seconds: float | None = None
    closed: threading.Event = field(default_factory=threading.Event)

    def ids(self) -> list[str]:
        """The webhook-id of every request received, in order."""
        return [message.headers["webhook-id"] for message in list(self.received)]

    def wait_for(self, count: int, seconds: float = WAIT_SECONDS) -> list[Received]:
        """Until `count` requests have come in."""
        deadline = time.monotonic() + seconds
        while len(self.received) < count:
            assert time.monotonic() < deadline, f"{len(self.received)} of {count} received"
            time.sleep(0.02)
        return list(self.received)


@contextmanager
def receiver() -> Iterator[Receiver]:
    state: list[Receiver] = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", 0))
            body = self.rfile.read(length)
            target = state[0]
            if target.delay_seconds:
                time.sleep(target.delay_seconds)
            with lock:
                status = target.answer(len(target.received))
                target.received.append(
                    Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
            if target.redirect_to is not None:
                self.send_response(302)
                self.send_header("Location", target.redirect_to)
            else:
                self.send_response(status)
            length = TRICKLED_LENGTH if target.trickle_seconds is not None else target.body_bytes
            self.send_header("content-length", str(length))
            self.end_headers()
            # The worker may hang up before the end: that is what it should do.
            with contextlib.suppress(ConnectionError):
                self.wfile.flush()
                if target.trickle_seconds is not None:
                    self._trickle(target, target.trickle_seconds)
                else:
                    self._stream(target.body_bytes)

        def _trickle(self, target: Receiver, seconds: float) -> None:
            while not target.closed.wait(seconds):
                self.wfile.write(b"x")
                self.wfile.flush()

        def _stream(self, length: int) -> None:
            while length > 0:
                chunk = CHUNK[:length]
                self.wfile.write(chunk)
                length -= len(chunk)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.append(Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hook"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state[0]
    finally:
        state[0].closed.set()
        server.shutdown()
        server.server_close()

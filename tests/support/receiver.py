"""A webhook receiver: a real HTTP server on a free port, in a thread of the test process,
that records every request and answers as the test says (a status per request, or a
redirect)."""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WAIT_SECONDS = 30


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
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.append(Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hook"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state[0]
    finally:
        server.shutdown()
        server.server_close()

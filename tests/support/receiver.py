"""A webhook receiver: a real HTTP server on a free port, in a thread of the test process,
that records every request and answers as the test says (a status per request, or a
redirect; a body of any size, or one trickled a byte at a time)."""

import contextlib
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

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
    server_names: list[str] = field(default_factory=list)  # over TLS: each client's SNI

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


def self_signed(folder: Path, name: str) -> tuple[Path, Path]:
    """A certificate for `name` (and only that name), and its key: a TLS receiver's."""
    cert, key = folder / f"{name}.pem", folder / f"{name}.key"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", f"/CN={name}"),
            *("-addext", f"subjectAltName=DNS:{name}"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@contextmanager
def receiver(tls: tuple[Path, Path] | None = None) -> Iterator[Receiver]:
    """Plain HTTP; or with `tls` (a certificate and its key), HTTPS, noting the name each
    client asked for (SNI)."""
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
    scheme = "http" if tls is None else "https"
    state.append(Receiver(url=f"{scheme}://127.0.0.1:{server.server_address[1]}/hook"))
    if tls is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*tls)
        context.sni_callback = lambda _socket, name, _context: state[0].server_names.append(
            name or ""
        )
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state[0]
    finally:
        state[0].closed.set()
        server.shutdown()
        server.server_close()

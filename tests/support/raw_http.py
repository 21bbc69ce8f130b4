"""HTTP/1.1 spoken over a bare socket, for what a client library hides: how the bytes of a
request arrive (one write, or small chunks with pauses between them) and several requests
on one connection."""

import contextlib
import json
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

TIMEOUT_SECONDS = 30


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def request(
    method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> bytes:
    """A request's bytes, its Content-Length given when it has a body."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def exchange(
    port: int,
    *requests: bytes,
    pipelined: bool = True,
    chunk: int | None = None,
    pause: float = 0.001,
) -> list[RawResponse]:
    """Send `requests` on one new connection, in one write (`chunk` None) or `chunk` bytes
    at a time with `pause` seconds between them: all at once (pipelined), or each once the
    previous one is answered (keep-alive). The answers that came before the server closed
    the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_SECONDS) as sock:
        reader = _Reader(sock)
        batches = [b"".join(requests)] if pipelined else list(requests)
        answers: list[RawResponse] = []
        for batch in batches:
            sender = threading.Thread(target=_send, args=(sock, batch, chunk, pause))
            sender.start()
            for _ in range(len(requests) if pipelined else 1):
                answer = reader.response()
                if answer is None:
                    sender.join(TIMEOUT_SECONDS)
                    return answers
                answers.append(answer)
            sender.join(TIMEOUT_SECONDS)
        return answers


def _send(sock: socket.socket, data: bytes, chunk: int | None, pause: float) -> None:
    # The server may answer and close before it has read everything (a 413).
    with contextlib.suppress(OSError):
        if chunk is None:
            sock.sendall(data)
            return
        for start in range(0, len(data), chunk):
            sock.sendall(data[start : start + chunk])
            time.sleep(pause)


class _Reader:
    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._buffer = b""

    def _fill(self) -> bool:
        try:
            received = self._sock.recv(65536)
        except ConnectionResetError:
            received = b""
        self._buffer += received
        return bool(received)

    def response(self) -> RawResponse | None:
        while b"\r\n\r\n" not in self._buffer:
            if not self._fill():
                return None
        head, self._buffer = self._buffer.split(b"\r\n\r\n", 1)
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in header_lines:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(self._buffer) < length:
            if not self._fill():
                break
        body, self._buffer = self._buffer[:length], self._buffer[length:]
        return RawResponse(int(status_line.split()[1]), headers, body)

"""The HTTP protocol `helpdesk serve` runs: uvicorn's httptools protocol (llhttp, in C), with
a bound on what it reads of a request's head.

httptools keeps a header's bytes until the header ends, however many there are: a client
sending a 5 MB header would have it all in memory. Here a request's head (request line and
headers) is counted as the parser reads it, and past MAX_HEAD_BYTES the connection gets a
400 and is closed before the parser sees more. Only the head counts: once the parser has
read a request's headers, its body goes through whole (the app bounds and answers it,
middleware.RequestSizeLimit), and the count starts again with the next request on the
connection. Below the bound the app answers a head over MAX_HEADER_BYTES itself, with its
431 in the error format.

Measured against h11 (bench/results/2026-11-30-10k-ab-h11-vs-httptools.md): h11 serves
0.89x of httptools' rate for GET /api/tickets/{id}, 0.94x for a list."""

from collections.abc import Callable
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from helpdesk.config import MAX_HEADER_BYTES

# Past the app's own limit (so the app's 431 answers what lies between), and a bound on
# memory: at most this much, plus one read of the socket, per connection.
MAX_HEAD_BYTES = 4 * MAX_HEADER_BYTES
HEAD_TOO_LARGE = "Request headers too large."
# The key of the app's lifespan state under which it gives a function to call when the
# server begins to stop (main.py): uvicorn waits for every open response before the app's
# lifespan ends, and a live stream never ends by itself.
ON_SERVER_STOPPING = "helpdesk.on_server_stopping"


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_head = True  # reading a request line and headers
        self._head_bytes = 0  # of the head being read, fed to the parser so far
        self._heads_read = 0
        self._refused = False

    def data_received(self, data: bytes) -> None:
        """A read of the socket holds any mix of head and body (a client writes a request in
        one go, or pipelines several). While in a head, the parser gets only what the bound
        still allows, so that the bytes after the head's end (a body) are never counted, and
        a head that reaches the bound is refused before the parser reads past it."""
        while data and not self._refused:
            if not self._in_head:
                super().data_received(data)
                return
            room = MAX_HEAD_BYTES - self._head_bytes
            if room <= 0:
                self._refused = True
                self.send_400_response(HEAD_TOO_LARGE)
                return
            piece, data = data[:room], data[room:]
            heads_read = self._heads_read
            super().data_received(piece)
            if self.transport.is_closing() or self.transport.get_protocol() is not self:
                return  # refused, or upgraded (a WebSocket's protocol reads on)
            # A head that ended in this piece was counted anew by on_headers_complete: the
            # rest of the piece was its body (and perhaps the start of the next head).
            if self._in_head and heads_read == self._heads_read:
                self._head_bytes += len(piece)

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._head_bytes = 0
        self._heads_read += 1
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head = True

    def shutdown(self) -> None:
        """Called on each open connection when the server stops (SIGTERM), in every worker
        process: the app ends its long responses, then uvicorn closes the connection."""
        stopping: Callable[[], None] | None = self.app_state.get(ON_SERVER_STOPPING)
        if stopping is not None:
            stopping()
        super().shutdown()

"""The HTTP protocol `helpdesk serve` runs: uvicorn's httptools protocol (llhttp, in C), with
a bound on what it reads of a request's head.

httptools keeps a header's bytes until the header ends, however many there are: a client
sending a 5 MB header would have it all in memory. Here a request's head (request line and
headers) is counted as it arrives, and past MAX_HEAD_BYTES the connection gets a 400 and is
closed before the parser sees more. Below that bound the app answers a head over
MAX_HEADER_BYTES itself, with its 431 in the error format (middleware.RequestSizeLimit).

Measured against h11 (bench/results/2026-11-30-10k-ab-h11-vs-httptools.md): h11 serves
0.89x of httptools' rate for GET /api/tickets/{id}, 0.94x for a list."""

from collections.abc import Callable
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from helpdesk.config import MAX_HEADER_BYTES

# Past the app's own limit (so the app's 431 answers what lies between), and a bound on
# memory: at most this much, plus one read of the socket, per connection.
MAX_HEAD_BYTES = 4 * MAX_HEADER_BYTES
# The key of the app's lifespan state under which it gives a function to call when the
# server begins to stop (main.py): uvicorn waits for every open response before the app's
# lifespan ends, and a live stream never ends by itself.
ON_SERVER_STOPPING = "helpdesk.on_server_stopping"


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_head = True  # reading a request line and headers
        self._head_bytes = 0
        self._refused = False

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if self._in_head:
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES:
                self._refused = True
                self.send_400_response("Request headers too large.")
                return
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._head_bytes = 0
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

"""ASGI middleware: the size limits (headers; the body enforced while it streams in, so a
large or chunked upload is refused without being read into memory), the bound on requests
in flight (load shed at once, not queued) and the request context (request id, security
headers, access log)."""

import logging
import re
import time
import uuid

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from helpdesk import metrics
from helpdesk.errors import AppError, HeadersTooLarge, PayloadTooLarge, ServiceUnavailable, render
from helpdesk.logs import request_id_var
from helpdesk.ratelimit import rate_limit_headers


class _TooLarge(StarletteHTTPException):
    """An HTTPException, so FastAPI's body parsing lets it through to the error handler
    (which renders 413) instead of turning it into a 400 parse error."""

    def __init__(self) -> None:
        super().__init__(status_code=413)


class RequestSizeLimit:
    """431 past `max_header_bytes` of headers, 413 past `max_body_bytes` of body. (The HTTP
    server bounds what it buffers of the headers; this gives every server the same answer.)"""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_header_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_body_bytes
        self.max_header_bytes = max_header_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header_bytes = sum(len(name) + len(value) + 4 for name, value in scope["headers"])
        if header_bytes > self.max_header_bytes:
            error: AppError = HeadersTooLarge(
                f"Request headers must be at most {self.max_header_bytes} bytes"
            )
            await self._refuse(error, scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(self._body_error(), scope, receive, send)
            return

        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not response_started:
                await self._refuse(self._body_error(), scope, receive, send)

    def _body_error(self) -> AppError:
        return PayloadTooLarge(f"Request body must be at most {self.max_bytes} bytes")

    async def _refuse(self, error: AppError, scope: Scope, receive: Receive, send: Send) -> None:
        response = render(error)
        response.headers["Connection"] = "close"
        await response(scope, receive, send)


# Not counted: a live stream is open for hours (events/router.py bounds nothing of it but
# its own queue), and a health check must answer under load.
_UNBOUNDED_PATHS = frozenset({"/api/events/stream", "/api/health"})
RETRY_AFTER_SECONDS = 1


class InFlightLimit:
    """At most `limit` API requests at once in this process; one more is answered 503
    SERVICE_UNAVAILABLE with Retry-After at once, without reading its body or asking the
    database anything, so that a burst costs the requests already accepted nothing: they
    keep their latency instead of queueing behind it for a pooled connection. Per process
    by nature: it bounds this process's own queue."""

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or not scope["path"].startswith("/api/")
            or scope["path"] in _UNBOUNDED_PATHS
        ):
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.limit:
            metrics.SHED.inc()
            refusal = ServiceUnavailable(
                "The service is busy; retry shortly",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
            response = render(refusal)
            # The connection goes too: a client that sends again at once (a load
            # generator, a retry loop) must connect again first.
            response.headers["Connection"] = "close"
            await response(scope, receive, send)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1


# Kept from the client when it looks like an id; anything else is replaced.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]
access_log = logging.getLogger("helpdesk.access")
error_log = logging.getLogger("helpdesk.errors")


class RequestContext:
    """Gives every request an X-Request-ID (the client's, or a new one), echoes it, the
    security headers and the rate-limit headers on the response, and writes one access-log
    line per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() != b"x-request-id"
                ]
                headers += [(b"x-request-id", request_id.encode()), *SECURITY_HEADERS]
                headers += rate_limit_headers(state)
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            error_log.exception("unhandled error on %s %s", scope["method"], scope["path"])
            if response_started:
                raise  # too late for a clean answer: let the server drop the connection
            await render(AppError(), request_id=request_id)(scope, receive, send_with_headers)
        finally:
            elapsed = time.perf_counter() - started
            metrics.observe(scope["method"], metrics.route_template(scope), status, elapsed)
            access_log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "user_id": state.get("user_id"),
                    "duration_ms": round(elapsed * 1000, 2),
                },
            )
            request_id_var.reset(token)

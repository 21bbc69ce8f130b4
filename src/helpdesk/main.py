"""The application factory: settings, database, middleware, error handlers, routers."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi

from helpdesk.api import api_router, operations_router
from helpdesk.auth.tokens import bearer_user_id
from helpdesk.config import MAX_HEADER_BYTES, Settings, get_settings
from helpdesk.db.errors import install_database_error_handlers
from helpdesk.db.pool import Database
from helpdesk.db.replicas import RecordWrites, Replica, ReplicaConnection
from helpdesk.errors import install_error_handlers
from helpdesk.events.hub import Hub
from helpdesk.http_protocol import ON_SERVER_STOPPING
from helpdesk.idempotency.dependencies import Replayed, send_replayed
from helpdesk.middleware import InFlightLimit, RequestContext, RequestSizeLimit
from helpdesk.ratelimit import RateLimiter
from helpdesk.web import mount_web

API_HEADERS = ["Authorization", "Content-Type", "If-Match", "Idempotency-Key", "X-Request-ID"]
EXPOSED_HEADERS = [
    "ETag",
    "Idempotent-Replayed",
    "X-Request-ID",
    "Retry-After",
    "RateLimit",
    "RateLimit-Policy",
]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    statement_cache_size = settings.database_statement_cache_size

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        # The server calls it on SIGTERM, before it waits for the open responses.
        yield {ON_SERVER_STOPPING: app.state.hub.stop}
        await app.state.hub.close()
        await app.state.database.close()
        if app.state.replica is not None:
            await app.state.replica.close()

    app = FastAPI(
        title="Helpdesk API",
        version="0.1.0",
        description="Tickets, comments, timeline and SLAs for a support desk. "
        'Every error is `{"error": {"code", "message", "field"?}}`.',
        lifespan=lifespan,
    )
    app.state.settings = settings
    # The process's one pool: every route, the caller, the live stream's reads.
    app.state.database = Database(
        settings.sqlalchemy_url,
        size=settings.db_pool_size,
        statement_cache_size=statement_cache_size,
    )
    app.state.replica = _replica(settings, app.state.database)
    app.state.hub = Hub(settings.listen_url, app.state.database)
    app.state.rate_limiter = RateLimiter(settings)

    install_error_handlers(app)
    app.add_exception_handler(Replayed, send_replayed)
    install_database_error_handlers(app)
    # add_middleware wraps what is there: the last added is the outermost.
    if app.state.replica is not None:
        app.add_middleware(RecordWrites, replica=app.state.replica)
    app.add_middleware(
        RequestSizeLimit,
        max_body_bytes=settings.max_body_bytes,
        max_header_bytes=MAX_HEADER_BYTES,
    )
    if settings.max_requests_in_flight > 0:
        app.add_middleware(InFlightLimit, limit=settings.max_requests_in_flight)
    # Even a refused body or a shed request gets its request id, security headers and log
    # line...
    app.add_middleware(RequestContext)
    # ...and CORS headers, so a browser can read every answer, errors included.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PATCH", "OPTIONS"],
        allow_headers=API_HEADERS,
        expose_headers=EXPOSED_HEADERS,
        max_age=600,
    )
    app.include_router(api_router)
    app.include_router(operations_router)
    mount_web(app)  # the web app at /, after every API route
    app.openapi = lambda: _openapi_without_framework_422(app)  # type: ignore[method-assign]
    return app


def _replica(settings: Settings, primary: Database) -> Replica | None:
    if settings.read_url is None or settings.redis_url is None:
        return None
    replica = Database(
        settings.read_url,
        size=settings.db_pool_size,
        statement_cache_size=settings.database_statement_cache_size,
        connection_class=ReplicaConnection,
    )
    return Replica(
        primary,
        replica,
        redis_url=settings.redis_url,
        caller_of=partial(bearer_user_id, settings=settings),
    )


def _openapi_without_framework_422(app: FastAPI) -> dict[str, Any]:
    """FastAPI documents a 422 "Validation Error" on every route; this API answers
    validation errors with 400 in its own format (documented per route), so drop those."""
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        for methods in schema["paths"].values():
            for operation in methods.values():
                response = operation.get("responses", {}).get("422", {})
                ref = str(response.get("content", {}).get("application/json", {}).get("schema"))
                if "HTTPValidationError" in ref:
                    del operation["responses"]["422"]
        for name in ("HTTPValidationError", "ValidationError"):
            schema.get("components", {}).get("schemas", {}).pop(name, None)
        app.openapi_schema = schema
    return app.openapi_schema

"""The application factory: settings, database, middleware, error handlers, routers."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from helpdesk.api import api_router
from helpdesk.config import Settings, get_settings
from helpdesk.db import create_engine, create_sessionmaker, install_database_error_handlers
from helpdesk.errors import install_error_handlers
from helpdesk.middleware import BodySizeLimit, RequestContext

API_HEADERS = ["Authorization", "Content-Type", "If-Match", "Idempotency-Key", "X-Request-ID"]
EXPOSED_HEADERS = ["ETag", "Idempotent-Replayed", "X-Request-ID"]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = create_engine(settings.sqlalchemy_url, pool_size=settings.db_pool_size)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await engine.dispose()

    app = FastAPI(
        title="Helpdesk API",
        version="0.1.0",
        description="Tickets, comments, timeline and SLAs for a support desk. "
        'Every error is `{"error": {"code", "message", "field"?}}`.',
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = create_sessionmaker(engine)

    install_error_handlers(app)
    install_database_error_handlers(app)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PATCH", "OPTIONS"],
        allow_headers=API_HEADERS,
        expose_headers=EXPOSED_HEADERS,
        max_age=600,
    )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    # Outermost: even a refused body or a CORS preflight gets its id and its log line.
    app.add_middleware(RequestContext)
    app.include_router(api_router)
    return app

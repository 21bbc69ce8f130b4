"""The web app: web/ built by Vite into web/dist, served at / by the same process as the
API. Any path that is not a file of the build and not the API's gets index.html, so the
browser's router shows the screen (a reload on /tickets/7 works). Also GET /api/ui-config:
what the sign-in page may show, the demo accounts only in the demo configuration."""

import logging
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from helpdesk.auth.models import Role
from helpdesk.config import SettingsDep
from helpdesk.db.dependencies import ConnectionDep
from helpdesk.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from helpdesk.errors import MethodNotAllowed, NotFound, documented_methods
from helpdesk.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from helpdesk.schemas import MAX_TITLE_LENGTH
from helpdesk.tickets.comments.schemas import MAX_COMMENT_LENGTH
from helpdesk.tickets.models import MAX_SLA_MINUTES, Priority
from helpdesk.tickets.schemas import MAX_DESCRIPTION_LENGTH
from helpdesk.tickets.search import MAX_QUERY_LENGTH
from helpdesk.tickets.sla import service as sla

# src/helpdesk/web.py -> the repository's web/dist (the package is installed editable).
WEB_DIST = Path(__file__).resolve().parents[2] / "web" / "dist"
# Paths the app never answers with index.html: an unknown API path stays a JSON 404.
RESERVED_PREFIXES = ("/api/", "/docs", "/redoc", "/openapi.json")
# Vite puts content-hashed files under assets/: a name never changes content.
ASSETS = "assets"
# The app's pages load only what the build wrote: no inline script, nothing from elsewhere,
# never inside a frame. (Not on the API's own /docs, whose page inlines its script.)
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
_CSP = {"Content-Security-Policy": CONTENT_SECURITY_POLICY}
IMMUTABLE = {"Cache-Control": "public, max-age=31536000, immutable", **_CSP}
REVALIDATE = {"Cache-Control": "no-cache", **_CSP}

log = logging.getLogger("helpdesk.web")
router = APIRouter(tags=["ui"])


class DemoAccount(BaseModel):
    name: str
    email: str
    role: Role


class Limits(BaseModel):
    """The service's own rules a form needs before it sends anything, served so that the
    web app never keeps a copy of them."""

    title_max_length: int
    description_max_length: int
    comment_max_length: int
    query_max_length: int
    page_size: int
    max_page_size: int
    sla_minutes_max: int
    default_sla_minutes: dict[Priority, int] = Field(
        description="Each priority's resolution target now (the SLA policies)"
    )


# All but the SLA defaults, which admins change (read per request from the policies).
FIXED_LIMITS = dict(
    title_max_length=MAX_TITLE_LENGTH,
    description_max_length=MAX_DESCRIPTION_LENGTH,
    comment_max_length=MAX_COMMENT_LENGTH,
    query_max_length=MAX_QUERY_LENGTH,
    page_size=DEFAULT_PAGE_SIZE,
    max_page_size=MAX_PAGE_SIZE,
    sla_minutes_max=MAX_SLA_MINUTES,
)


class UiConfig(BaseModel):
    demo_accounts: list[DemoAccount]
    demo_password: str | None
    limits: Limits


@router.get("/ui-config", response_model=UiConfig)
async def ui_config(settings: SettingsDep, connection: ConnectionDep) -> UiConfig:
    """The demo accounts and their password, listed only in development (HELPDESK_ENV);
    in production and test both are empty."""
    policies = await sla.list_policies(connection)
    defaults = {policy.priority: policy.resolution_minutes for policy in policies}
    limits = Limits(**FIXED_LIMITS, default_sla_minutes=defaults)
    if not settings.has_demo_accounts:
        return UiConfig(demo_accounts=[], demo_password=None, limits=limits)
    return UiConfig(
        demo_accounts=[
            DemoAccount(name=name, email=email, role=role) for name, email, role in DEMO_ACCOUNTS
        ],
        demo_password=DEMO_PASSWORD,
        limits=limits,
    )


def mount_web(app: FastAPI, dist: Path | None = None) -> None:
    """Serve the built app at /, after every other route; without a build, only say so."""
    root = (dist or WEB_DIST).resolve()
    index = root / "index.html"
    if not index.is_file():
        log.info("UI skipped: web/dist not built")
        return

    @app.get("/{path:path}", include_in_schema=False)
    async def web_app(path: str, request: Request) -> FileResponse:
        if f"/{path}".startswith(RESERVED_PREFIXES) or f"/{path}" == "/api":
            # GET /api/login: the API's 405, as without the web app, not this route's 404.
            allow = documented_methods(request)
            if allow is not None:
                raise MethodNotAllowed(headers={"Allow": allow})
            raise NotFound()
        file = (root / path).resolve()
        if path and file.is_file() and file.is_relative_to(root):
            cache = IMMUTABLE if file.parent == root / ASSETS else REVALIDATE
            return FileResponse(file, headers=cache)
        if path.startswith(f"{ASSETS}/"):
            raise NotFound()  # an old build's script: a 404, not a page of HTML
        return FileResponse(index, headers=REVALIDATE)

"""Every router, mounted under /api (and /metrics beside it): the service's whole URL
map in one file."""

from fastapi import APIRouter

from helpdesk import health, metrics, web
from helpdesk.auth import router as auth
from helpdesk.events import router as events
from helpdesk.tickets import router as tickets
from helpdesk.tickets.comments import router as comments
from helpdesk.tickets.sla import router as sla
from helpdesk.users import router as users
from helpdesk.webhooks import router as webhooks

api_router = APIRouter(prefix="/api")
api_router.include_router(health.router)  # GET  /api/health
# POST /api/register, POST /api/login, GET|PATCH /api/me, POST /api/me/password
api_router.include_router(auth.router)
api_router.include_router(users.router)  # GET  /api/users, PATCH /api/users/{id}
# /api/tickets: POST, GET, GET /breached, GET /{id}, PATCH /{id}
api_router.include_router(tickets.router)
api_router.include_router(comments.router)  # POST /api/tickets/{id}/comments
# GET /api/sla-policies, PUT /api/sla-policies/{priority}, GET|PUT /api/business-hours
api_router.include_router(sla.router)
# /api/webhooks: POST, GET, GET|PATCH|DELETE /{id}, POST /{id}/rotate-secret,
# GET /{id}/deliveries, POST /{id}/deliveries/{delivery_id}/retry
api_router.include_router(webhooks.router)
# POST /api/events/stream-token, GET /api/events/stream (Server-Sent Events)
api_router.include_router(events.router)
api_router.include_router(web.router)  # GET  /api/ui-config

# GET /metrics, for Prometheus: beside /api, where scrapers look for it
operations_router = APIRouter()
operations_router.include_router(metrics.router)

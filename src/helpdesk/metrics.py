"""`GET /metrics` in Prometheus's text format (prometheus-client), for the addresses in
METRICS_ALLOW_IPS only (default: this host). What it counts:

- requests, by method, route template (`/api/tickets/{ticket_id}`, never the id itself:
  one series per route, not per ticket) and status; their latency as a histogram;
- the request path's pool (db/pool.py): connections in use, and requests waiting for one;
- database errors (unavailable: a 503; other: a 500), rate-limit refusals by limit, and
  requests shed past MAX_REQUESTS_IN_FLIGHT.

With several worker processes (`helpdesk serve --workers N`) each writes its figures to
PROMETHEUS_MULTIPROC_DIR (set by `serve`), and whichever answers the scrape reports the
sum of all: a counter never goes back when the scrape lands on another process."""

import ipaddress
import os
import re
from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from helpdesk.config import Settings, SettingsDep
from helpdesk.errors import NotFound

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED = "unmatched"  # a path no route answers: one series for all of them

REQUESTS = Counter(
    "helpdesk_http_requests_total", "HTTP requests answered", ["method", "route", "status"]
)
LATENCY = Histogram(
    "helpdesk_http_request_duration_seconds",
    "Time from a request's arrival to its answer",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
POOL_IN_USE = Gauge(
    "helpdesk_db_pool_connections_in_use",
    "Connections of the request path's pool held by a request",
    multiprocess_mode="livesum",
)
POOL_WAITING = Gauge(
    "helpdesk_db_pool_requests_waiting",
    "Requests waiting for a connection of the request path's pool",
    multiprocess_mode="livesum",
)
DATABASE_ERRORS = Counter(
    "helpdesk_database_errors_total",
    "Requests failed by the database: unavailable (503) or another error (500)",
    ["kind"],
)
RATE_LIMITED = Counter(
    "helpdesk_rate_limit_refusals_total", "Requests refused 429, by limit", ["limit"]
)
SHED = Counter("helpdesk_requests_shed_total", "Requests refused 503 past MAX_REQUESTS_IN_FLIGHT")


# Each route's template, found at its first request: a route belongs to one router, so its
# prefix is the same on every request.
_TEMPLATES: dict[int, str] = {}
_PARAM = re.compile(r"{([^}:]+)(?::[^}]*)?}")


def route_template(scope: Mapping[str, Any]) -> str | None:
    """The matched route's path as written (`/api/tickets/{ticket_id}`), or None when no
    route matched. The route knows its path below its router's prefix; the prefix is what
    the request's path holds before the route's part of it."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if not isinstance(path, str):
        return None
    template = _TEMPLATES.get(id(route))
    if template is None:
        params = scope.get("path_params", {})
        try:
            matched = _PARAM.sub(lambda m: str(params[m.group(1)]), path)
        except KeyError:
            return path
        request_path: str = scope["path"]
        if not request_path.endswith(matched):
            return path
        template = _TEMPLATES[id(route)] = request_path[: len(request_path) - len(matched)] + path
    return template


def observe(method: str, route: str | None, status: int, seconds: float) -> None:
    template = route or UNMATCHED
    REQUESTS.labels(method, template, str(status)).inc()
    LATENCY.labels(method, template).observe(seconds)


def allowed(settings: Settings, address: str | None) -> bool:
    """Whether `address` is one METRICS_ALLOW_IPS names (an address or a network)."""
    if address is None:
        return False
    try:
        client = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(client in network for network in settings.metrics_networks)


async def _allowed_only(request: Request, settings: SettingsDep) -> None:
    """404 to anyone else, as if there were nothing here."""
    if not allowed(settings, request.client.host if request.client else None):
        raise NotFound()


router = APIRouter(tags=["operations"])


# Not in the API's OpenAPI document: it is for the operator's Prometheus, not for clients.
@router.get(
    "/metrics",
    response_class=Response,
    dependencies=[Depends(_allowed_only)],
    include_in_schema=False,
)
async def metrics() -> Response:
    """Prometheus's text format, to the addresses METRICS_ALLOW_IPS names."""
    registry: CollectorRegistry = REGISTRY
    if os.environ.get(MULTIPROCESS_DIR):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

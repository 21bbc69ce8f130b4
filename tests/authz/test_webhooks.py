"""The matrix (see matrix.py) for the webhook endpoints: admins only; everyone else is
refused, and a refusal changes nothing."""

from typing import Any

import asyncpg
import httpx
import pytest

from tests.authz.matrix import World, check_refusal, covers

CALLERS = [
    pytest.param("anonymous", 401, id="anonymous"),
    pytest.param("user", 403, id="user"),
    pytest.param("demoted", 403, id="demoted"),
    pytest.param("agent", 403, id="agent"),
    pytest.param("admin", None, id="admin"),
]
HOOK = {"url": "https://hooks.example.com/in", "events": ["*"]}


async def _a_hook(db: asyncpg.Connection) -> tuple[int, int]:
    """A webhook and one delivery of it (of an event of a ticket that need not exist)."""
    hook_id = await db.fetchval(
        "INSERT INTO webhooks (url, events, secret) VALUES ($1, '{*}', 'whsec_AAAA') RETURNING id",
        HOOK["url"],
    )
    event_id = await db.fetchval(
        "INSERT INTO events (type, ticket_id, requester_id, data) "
        "VALUES ('ticket.created', 1, 1, '{}') RETURNING id"
    )
    delivery_id = await db.fetchval(
        "INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, ticket_id, state) "
        "VALUES ($1, $2, 'ticket.created', 1, 'failed') RETURNING id",
        hook_id,
        event_id,
    )
    return hook_id, delivery_id


ROUTES: list[tuple[str, str, str, Any, int]] = [
    ("POST /api/webhooks", "POST", "/api/webhooks", HOOK, 201),
    ("GET /api/webhooks", "GET", "/api/webhooks", None, 200),
    ("GET /api/webhooks/{webhook_id}", "GET", "/api/webhooks/{hook}", None, 200),
    (
        "PATCH /api/webhooks/{webhook_id}",
        "PATCH",
        "/api/webhooks/{hook}",
        {"active": False},
        200,
    ),
    ("DELETE /api/webhooks/{webhook_id}", "DELETE", "/api/webhooks/{hook}", None, 204),
    (
        "POST /api/webhooks/{webhook_id}/rotate-secret",
        "POST",
        "/api/webhooks/{hook}/rotate-secret",
        None,
        200,
    ),
    (
        "GET /api/webhooks/{webhook_id}/deliveries",
        "GET",
        "/api/webhooks/{hook}/deliveries",
        None,
        200,
    ),
    (
        "POST /api/webhooks/{webhook_id}/deliveries/{delivery_id}/retry",
        "POST",
        "/api/webhooks/{hook}/deliveries/{delivery}/retry",
        None,
        202,
    ),
]


@covers(*(route for route, *_ in ROUTES))
@pytest.mark.parametrize(("caller", "refused"), CALLERS)
@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [pytest.param(*route[1:], id=route[0]) for route in ROUTES],
)
async def test_webhook_routes(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    world: World,
    caller: str,
    refused: int | None,
    method: str,
    path: str,
    body: Any,
    status: int,
) -> None:
    hook_id, delivery_id = await _a_hook(db)
    before = await db.fetch("SELECT * FROM webhooks ORDER BY id")
    url = path.format(hook=hook_id, delivery=delivery_id)
    response = await client.request(method, url, json=body, headers=world.headers(caller))
    if refused is None:
        assert response.status_code == status, response.text
        return
    check_refusal(response, refused, None)
    assert await db.fetch("SELECT * FROM webhooks ORDER BY id") == before
    assert await db.fetchval("SELECT state FROM webhook_deliveries") == "failed"

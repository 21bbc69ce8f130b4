"""The webhook endpoints' administration: what they answer and refuse, and that a refusal
changes nothing. Who may: tests/authz/test_webhooks.py. Deliveries: test_delivery.py."""

import base64
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest

from helpdesk.config import Settings
from helpdesk.main import create_app
from tests.support.accounts import Account
from tests.support.apps import asgi_client
from tests.support.responses import assert_error

WEBHOOKS = "/api/webhooks"
GOOD = {"url": "https://hooks.example.com/helpdesk", "events": ["ticket.created"]}
FIELDS = {
    "id",
    "url",
    "events",
    "description",
    "active",
    "failing_since",
    "deactivated_reason",
    "created_at",
}


async def create(client: httpx.AsyncClient, admin: Account, **body: Any) -> dict[str, Any]:
    response = await client.post(WEBHOOKS, json={**GOOD, **body}, headers=admin.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def test_a_webhook_is_created_with_its_secret_shown_once(
    client: httpx.AsyncClient, admin: Account
) -> None:
    created = await create(client, admin, description="CRM", events=["*"])
    assert set(created) == FIELDS | {"secret"}
    assert created["secret"].startswith("whsec_")
    assert len(base64.b64decode(created["secret"][6:], validate=True)) == 32
    assert (created["events"], created["description"], created["active"]) == (["*"], "CRM", True)
    shown = await client.get(f"{WEBHOOKS}/{created['id']}", headers=admin.headers)
    assert set(shown.json()) == FIELDS  # no secret after creation
    listed = await client.get(WEBHOOKS, headers=admin.headers)
    assert [hook["id"] for hook in listed.json()] == [created["id"]]
    assert "secret" not in listed.json()[0]


async def test_a_webhook_may_ask_for_the_clocks_pause_and_resumption(
    client: httpx.AsyncClient, admin: Account, db: asyncpg.Connection
) -> None:
    events = ["ticket.sla_paused", "ticket.sla_resumed"]
    created = await create(client, admin, events=events)
    assert created["events"] == events
    assert await db.fetchval("SELECT events FROM webhooks WHERE id = $1", created["id"]) == events


async def test_rotation_gives_a_new_secret(
    client: httpx.AsyncClient, admin: Account, db: asyncpg.Connection
) -> None:
    created = await create(client, admin)
    rotated = await client.post(f"{WEBHOOKS}/{created['id']}/rotate-secret", headers=admin.headers)
    assert rotated.status_code == 200, rotated.text
    assert rotated.json()["secret"] != created["secret"]
    stored = await db.fetchval("SELECT secret FROM webhooks WHERE id = $1", created["id"])
    assert stored == rotated.json()["secret"]


async def test_a_webhook_is_changed_and_deleted(
    client: httpx.AsyncClient, admin: Account, db: asyncpg.Connection
) -> None:
    created = await create(client, admin)
    changed = await client.patch(
        f"{WEBHOOKS}/{created['id']}",
        json={"events": ["comment.created", "ticket.updated"], "active": False},
        headers=admin.headers,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["events"] == ["comment.created", "ticket.updated"]
    assert changed.json()["active"] is False
    deleted = await client.delete(f"{WEBHOOKS}/{created['id']}", headers=admin.headers)
    assert deleted.status_code == 204
    assert await db.fetchval("SELECT count(*) FROM webhooks") == 0
    gone = await client.get(f"{WEBHOOKS}/{created['id']}", headers=admin.headers)
    assert_error(gone, 404, "NOT_FOUND")


BAD = [
    pytest.param({**GOOD, "url": "ftp://hooks.example.com/x"}, "url", id="ftp"),
    pytest.param({**GOOD, "url": "hooks.example.com/x"}, "url", id="no-scheme"),
    pytest.param({**GOOD, "url": "https:///x"}, "url", id="no-host"),
    pytest.param({**GOOD, "url": "https://h.example.com:99999/"}, "url", id="bad-port"),
    pytest.param({**GOOD, "url": 3}, "url", id="url-not-text"),
    pytest.param({**GOOD, "events": []}, "events", id="no-events"),
    pytest.param({**GOOD, "events": ["ticket.deleted"]}, "events", id="unknown-event"),
    pytest.param({**GOOD, "events": "*"}, "events", id="events-not-list"),
    pytest.param({**GOOD, "secret": "whsec_mine"}, "secret", id="own-secret"),
]


@pytest.mark.parametrize(("body", "field"), BAD)
async def test_bad_webhooks_are_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, admin: Account, db: asyncpg.Connection, body: Any, field: str
) -> None:
    response = await client.post(WEBHOOKS, json=body, headers=admin.headers)
    assert_error(response, 400, "FIELD_INVALID", field)
    assert await db.fetchval("SELECT count(*) FROM webhooks") == 0


@pytest.fixture
async def strict_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An app as production runs it: webhooks to private addresses refused."""
    app = create_app(settings.model_copy(update={"webhook_allow_private_targets": False}))
    async with asgi_client(app) as client:
        yield client
    await app.state.database.close()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://172.16.5.5/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[fe80::1]/hook",
        "http://224.0.0.1/hook",
        "http://0.0.0.0/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://[2002:7f00:1::]/hook",
        "http://192.0.0.9/hook",
        "http://[64:ff9b::7f00:1]/hook",
        "http://[::127.0.0.1]/hook",
        "http://100.64.0.1/hook",
    ],
)
async def test_private_targets_are_refused(
    strict_client: httpx.AsyncClient, admin: Account, db: asyncpg.Connection, url: str
) -> None:
    response = await strict_client.post(WEBHOOKS, json={**GOOD, "url": url}, headers=admin.headers)
    assert_error(response, 400, "FIELD_INVALID", "url")
    assert await db.fetchval("SELECT count(*) FROM webhooks") == 0


async def test_a_change_to_a_private_target_is_refused(
    strict_client: httpx.AsyncClient, admin: Account, db: asyncpg.Connection
) -> None:
    response = await strict_client.post(
        WEBHOOKS, json={**GOOD, "url": "https://93.184.215.14/hook"}, headers=admin.headers
    )
    assert response.status_code == 201, response.text
    hook_id = response.json()["id"]
    refused = await strict_client.patch(
        f"{WEBHOOKS}/{hook_id}", json={"url": "http://127.0.0.1/x"}, headers=admin.headers
    )
    assert_error(refused, 400, "FIELD_INVALID", "url")
    assert await db.fetchval("SELECT url FROM webhooks") == "https://93.184.215.14/hook"


async def test_an_unknown_webhook_is_not_found_whatever_its_new_target(
    strict_client: httpx.AsyncClient, admin: Account
) -> None:
    response = await strict_client.patch(
        f"{WEBHOOKS}/987654", json={"url": "http://127.0.0.1/x"}, headers=admin.headers
    )
    assert_error(response, 404, "NOT_FOUND")


async def test_a_failed_delivery_is_retried_by_hand(
    client: httpx.AsyncClient, admin: Account, requester: Account, db: asyncpg.Connection
) -> None:
    hook = await create(client, admin, url="http://127.0.0.1:9/nothing-listens")
    ticket = await client.post("/api/tickets", json={"title": "Printer"}, headers=requester.headers)
    assert ticket.status_code == 201
    event_id = await db.fetchval("SELECT id FROM events")
    delivery_id = await db.fetchval(
        "INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, ticket_id, state, "
        "attempts, next_attempt_at, retry_until) VALUES ($1, $2, 'ticket.created', $3, "
        "'failed', 9, NULL, now() - interval '1 hour') RETURNING id",
        hook["id"],
        event_id,
        ticket.json()["id"],
    )
    response = await client.post(
        f"{WEBHOOKS}/{hook['id']}/deliveries/{delivery_id}/retry", headers=admin.headers
    )
    assert response.status_code == 202, response.text
    assert response.json()["state"] == "pending"
    assert response.json()["event_id"] == f"evt_{event_id}"
    row = await db.fetchrow(
        "SELECT state, next_attempt_at <= now() AS due, retry_until > now() AS retried "
        "FROM webhook_deliveries WHERE id = $1",
        delivery_id,
    )
    assert tuple(row) == ("pending", True, True)
    other = await client.post(
        f"{WEBHOOKS}/{hook['id']}/deliveries/{delivery_id + 1000}/retry", headers=admin.headers
    )
    assert_error(other, 404, "NOT_FOUND")


BAD_CHANGES = [
    pytest.param({}, "FIELD_REQUIRED", None, id="nothing"),
    pytest.param({"url": None}, "FIELD_INVALID", "url", id="null-url"),
    pytest.param({"events": None}, "FIELD_INVALID", "events", id="null-events"),
    pytest.param({"active": None}, "FIELD_INVALID", "active", id="null-active"),
    pytest.param({"active": "false"}, "FIELD_INVALID", "active", id="active-as-text"),
    pytest.param({"events": ["ticket.gone"]}, "FIELD_INVALID", "events", id="unknown-event"),
    pytest.param({"url": "gopher://h.example/"}, "FIELD_INVALID", "url", id="bad-scheme"),
    pytest.param({"secret": "whsec_x"}, "FIELD_INVALID", "secret", id="secret-by-hand"),
]


@pytest.mark.parametrize(("body", "code", "field"), BAD_CHANGES)
async def test_bad_changes_are_refused_and_change_nothing(
    client: httpx.AsyncClient,
    admin: Account,
    db: asyncpg.Connection,
    body: Any,
    code: str,
    field: str | None,
) -> None:
    created = await create(client, admin)
    before = await db.fetchrow("SELECT * FROM webhooks")
    response = await client.patch(f"{WEBHOOKS}/{created['id']}", json=body, headers=admin.headers)
    assert_error(response, 400, code, field)
    assert await db.fetchrow("SELECT * FROM webhooks") == before


async def test_a_null_description_is_an_empty_one(
    client: httpx.AsyncClient, admin: Account
) -> None:
    created = await create(client, admin, description="CRM")
    changed = await client.patch(
        f"{WEBHOOKS}/{created['id']}", json={"description": None}, headers=admin.headers
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["description"] == ""


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/987654"),
        ("PATCH", "/987654"),
        ("DELETE", "/987654"),
        ("POST", "/987654/rotate-secret"),
        ("GET", "/987654/deliveries"),
        ("POST", "/987654/deliveries/1/retry"),
        ("GET", "/not-a-number"),
        ("DELETE", "/0"),
    ],
)
async def test_an_unknown_webhook_is_not_found(
    client: httpx.AsyncClient, admin: Account, method: str, path: str
) -> None:
    body = {"active": False} if method == "PATCH" else None
    response = await client.request(method, f"{WEBHOOKS}{path}", json=body, headers=admin.headers)
    assert_error(response, 404, "NOT_FOUND")

"""What every endpoint shares: the error format for the framework's own errors, the body
limit, the 500 that leaks nothing, health, CORS and the OpenAPI document."""

import json
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from helpdesk.config import MAX_HEADER_BYTES, Settings
from helpdesk.logs import JsonFormatter
from helpdesk.main import create_app
from tests.support.accounts import Account
from tests.support.apps import asgi_client
from tests.support.db import count_rows
from tests.support.responses import assert_error


async def test_unknown_route_is_not_found_in_the_error_format(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/api/nothing-here"), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", "/api/tickets", "GET, POST"),
        ("PUT", "/api/tickets/1", "GET, PATCH"),
        ("DELETE", "/api/login", "POST"),
    ],
)
async def test_a_405_allows_every_method_of_the_resource(
    client: httpx.AsyncClient, method: str, path: str, allow: str
) -> None:
    """Allow names every documented method of the path, not only the first route's."""
    response = await client.request(method, path)
    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["Allow"] == allow


async def test_malformed_json_is_bad_request(client: httpx.AsyncClient, agent: Account) -> None:
    response = await client.post(
        "/api/tickets",
        content=b'{"title": ',
        headers={**agent.headers, "Content-Type": "application/json"},
    )
    assert_error(response, 400, "BAD_REQUEST")


@pytest.mark.parametrize("body", [b"[]", b'"title"', b"42", b"null"])
async def test_a_body_that_is_not_an_object_is_bad_request(
    client: httpx.AsyncClient, agent: Account, body: bytes
) -> None:
    response = await client.post(
        "/api/tickets", content=body, headers={**agent.headers, "Content-Type": "application/json"}
    )
    assert_error(response, 400, "BAD_REQUEST")


async def test_a_body_over_one_mebibyte_is_refused(
    client: httpx.AsyncClient, agent: Account
) -> None:
    big = {"title": "big", "description": "x" * (1024 * 1024)}
    response = await client.post("/api/tickets", json=big, headers=agent.headers)
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")


async def test_a_chunked_body_over_the_limit_is_refused(
    client: httpx.AsyncClient, agent: Account
) -> None:
    async def chunks() -> Any:
        yield b'{"title": "big", "description": "'
        for _ in range(20):
            yield b"x" * 65536
        yield b'"}'

    response = await client.post(
        "/api/tickets",
        content=chunks(),
        headers={**agent.headers, "Content-Type": "application/json"},
    )
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")


async def test_an_unexpected_error_is_a_500_without_internals(settings: Settings) -> None:
    app: FastAPI = create_app(settings)

    async def boom() -> None:
        raise RuntimeError("secret internals: password=hunter2")

    # First in line, ahead of the web app's catch-all route.
    app.router.routes.insert(0, APIRoute("/api/boom", boom))

    async with asgi_client(app) as client:
        response = await client.get("/api/boom")
    await app.state.database.close()
    assert response.status_code == 500
    error = response.json()["error"]
    assert error["code"] == "INTERNAL_SERVER_ERROR"
    assert error["request_id"] == response.headers["X-Request-ID"]
    assert "secret" not in response.text
    assert "Traceback" not in response.text
    assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_a_protected_endpoint_without_a_token_is_unauthorized(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/api/tickets")
    assert_error(response, 401, "UNAUTHORIZED")
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_health_answers_when_the_database_does(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_cors_preflight_allows_the_vite_dev_server_and_the_api_headers(
    client: httpx.AsyncClient,
) -> None:
    response = await client.options(
        "/api/tickets/1",
        headers={
            "Origin": "http://localhost:5173",
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "authorization, if-match, idempotency-key",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "http://localhost:5173"
    allowed = response.headers["access-control-allow-headers"].lower()
    for header in ("authorization", "if-match", "idempotency-key"):
        assert header in allowed


async def test_cors_exposes_etag_to_the_front_end(
    client: httpx.AsyncClient, agent: Account
) -> None:
    response = await client.post(
        "/api/tickets",
        json={"title": "from the browser"},
        headers={**agent.headers, "Origin": "http://127.0.0.1:5173"},
    )
    assert response.status_code == 201
    assert response.headers["access-control-allow-origin"] == "http://127.0.0.1:5173"
    assert "etag" in response.headers["access-control-expose-headers"].lower()


async def test_cors_refuses_other_origins(client: httpx.AsyncClient) -> None:
    response = await client.options(
        "/api/tickets",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


async def test_openapi_documents_every_endpoint_and_its_errors(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    operations = {
        (path, method): operation
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    }
    expected = {
        ("/api/register", "post"): {"400", "403", "409"},
        ("/api/login", "post"): {"400", "401"},
        ("/api/me", "get"): {"401"},
        ("/api/users", "get"): {"401", "403"},
        ("/api/health", "get"): {"503"},
        ("/api/tickets", "post"): {"400", "401", "403", "422"},
        ("/api/tickets", "get"): {"400", "401"},
        ("/api/tickets/breached", "get"): {"400", "401"},
        ("/api/tickets/{ticket_id}", "get"): {"401", "404"},
        ("/api/tickets/{ticket_id}", "patch"): {"400", "401", "403", "404", "409", "428"},
        ("/api/tickets/{ticket_id}/comments", "post"): {"400", "401", "404", "422"},
    }
    assert set(expected) <= set(operations)
    for key, statuses in expected.items():
        assert statuses <= set(operations[key]["responses"]), key
    assert (await client.get("/docs")).status_code == 200


async def test_every_response_carries_a_request_id_and_security_headers(
    client: httpx.AsyncClient, agent: Account
) -> None:
    """200, 201, 400, 401, 404, 405 and 413 alike (the 500 has its own test below)."""
    responses = [
        await client.get("/api/health"),
        await client.post("/api/tickets", json={"title": "t"}, headers=agent.headers),
        await client.post("/api/tickets", json={"title": ""}, headers=agent.headers),
        await client.get("/api/tickets"),
        await client.get("/api/nothing-here"),
        await client.delete("/api/tickets"),
        await client.post("/api/tickets", content=b"x" * (2 << 20), headers=agent.headers),
    ]
    assert [r.status_code for r in responses] == [200, 201, 400, 401, 404, 405, 413]
    for response in responses:
        assert len(response.headers["X-Request-ID"]) == 32
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "server" not in response.headers


async def test_the_clients_request_id_is_kept_and_a_bad_one_replaced(
    client: httpx.AsyncClient,
) -> None:
    kept = await client.get("/api/health", headers={"X-Request-ID": "abc-123"})
    assert kept.headers["X-Request-ID"] == "abc-123"
    replaced = await client.get("/api/health", headers={"X-Request-ID": "bad id\twith spaces"})
    assert replaced.headers["X-Request-ID"] != "bad id\twith spaces"
    assert len(replaced.headers["X-Request-ID"]) == 32


async def test_the_access_log_has_one_line_per_request_without_secrets(
    client: httpx.AsyncClient, agent: Account, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="helpdesk.access")
    await client.get("/api/me", headers={**agent.headers, "X-Request-ID": "trace-1"})
    [record] = [r for r in caplog.records if r.name == "helpdesk.access"]
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["request_id"] == "trace-1"
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/api/me", 200)
    assert entry["user_id"] == agent.id
    assert entry["duration_ms"] >= 0
    assert agent.token not in line


async def test_openapi_does_not_promise_the_frameworks_422(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).text
    assert "HTTPValidationError" not in spec


async def test_openapi_says_what_text_and_filters_the_api_refuses(
    client: httpx.AsyncClient, agent: Account
) -> None:
    """A request valid by the document is one the API accepts: the document says that
    required text may not be empty and what the `assignee` and `breached` filters accept."""
    spec = (await client.get("/openapi.json")).json()
    schemas = spec["components"]["schemas"]
    assert schemas["TicketCreate"]["properties"]["title"]["minLength"] == 1
    assert schemas["CommentCreate"]["properties"]["body"]["minLength"] == 1
    assert schemas["RegisterIn"]["properties"]["name"]["minLength"] == 1
    parameters = {
        p["name"]: p["schema"] for p in spec["paths"]["/api/tickets"]["get"]["parameters"]
    }
    assert parameters["breached"]["enum"] == ["true", "false"]
    assert parameters["assignee"]["pattern"] == "^(me|none|[0-9]+)$"

    response = await client.post("/api/tickets", json={"title": ""}, headers=agent.headers)
    assert_error(response, 400, "FIELD_REQUIRED", "title")
    response = await client.get("/api/tickets?assignee=", headers=agent.headers)
    assert_error(response, 400, "FIELD_INVALID", "assignee")
    response = await client.get("/api/tickets?breached=", headers=agent.headers)
    assert_error(response, 400, "FIELD_INVALID", "breached")


async def test_a_refused_body_still_carries_cors_headers(
    client: httpx.AsyncClient, agent: Account
) -> None:
    response = await client.post(
        "/api/tickets",
        json={"title": "big", "description": "x" * (1024 * 1024)},
        headers={**agent.headers, "Origin": "http://localhost:5173"},
    )
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")
    assert response.headers["access-control-allow-origin"] == "http://localhost:5173"


async def test_headers_over_the_limit_are_refused_in_the_error_format(
    client: httpx.AsyncClient, agent: Account, db: asyncpg.Connection
) -> None:
    response = await client.post(
        "/api/tickets",
        json={"title": "t"},
        headers={**agent.headers, "X-Padding": "a" * (MAX_HEADER_BYTES + 1)},
    )
    assert_error(response, 431, "HEADERS_TOO_LARGE")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert await count_rows(db, "tickets") == 0
    # Just under the limit is fine.
    ok = await client.get(
        "/api/me", headers={**agent.headers, "X-Padding": "a" * (MAX_HEADER_BYTES - 2000)}
    )
    assert ok.status_code == 200

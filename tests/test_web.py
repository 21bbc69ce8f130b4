"""The web app served by the API process (helpdesk/web.py): the build at /, index.html for
the browser's routes, never in place of the API; and GET /api/ui-config."""

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from helpdesk import web
from helpdesk.config import Settings
from helpdesk.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from helpdesk.main import create_app
from tests.support.accounts import Account
from tests.support.apps import asgi_client
from tests.support.responses import assert_error
from tests.support.server import TEST_JWT_SECRET

INDEX = "<!doctype html><title>Helpdesk</title><div id=root></div>"
SCRIPT = "console.log('desk')"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    build = tmp_path / "dist"
    (build / "assets").mkdir(parents=True)
    (build / "index.html").write_text(INDEX)
    (build / "assets" / "index-abc123.js").write_text(SCRIPT)
    (build / "favicon.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("outside the build")
    return build


async def _client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    try:
        async with asgi_client(app) as client:
            yield client
    finally:
        await app.state.database.close()


@pytest.fixture
async def web_client(
    settings: Settings, dist: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[httpx.AsyncClient]:
    monkeypatch.setattr(web, "WEB_DIST", dist)
    async for client in _client(create_app(settings)):
        yield client


async def test_the_app_is_served_at_the_root(web_client: httpx.AsyncClient) -> None:
    response = await web_client.get("/")
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"


async def test_the_app_is_served_under_a_content_security_policy(
    web_client: httpx.AsyncClient,
) -> None:
    """Only the build's own files run (no inline script, nothing from elsewhere), and no
    other site may frame the desk. The browser tests run the real build under it."""
    for path in ("/", "/tickets/7", "/assets/index-abc123.js"):
        policy = (await web_client.get(path)).headers["content-security-policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        assert "unsafe-inline" not in policy
    # The API's own documentation page inlines its script: not under this policy.
    docs = await web_client.get("/docs")
    assert "content-security-policy" not in docs.headers


@pytest.mark.parametrize("path", ["/tickets", "/tickets/42", "/queue?status=open", "/login"])
async def test_a_route_of_the_app_gets_index_html(web_client: httpx.AsyncClient, path: str) -> None:
    response = await web_client.get(path)
    assert response.status_code == 200
    assert response.text == INDEX


async def test_built_files_are_served_and_hashed_assets_cached_for_good(
    web_client: httpx.AsyncClient,
) -> None:
    script = await web_client.get("/assets/index-abc123.js")
    assert script.status_code == 200
    assert script.text == SCRIPT
    assert script.headers["cache-control"] == "public, max-age=31536000, immutable"
    icon = await web_client.get("/favicon.svg")
    assert icon.text == "<svg/>"
    assert icon.headers["cache-control"] == "no-cache"


async def test_a_missing_asset_is_a_404_not_a_page(web_client: httpx.AsyncClient) -> None:
    assert_error(await web_client.get("/assets/index-old.js"), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("path", "answer"),
    [
        # Percent-encoded, so the client sends the dots as they are and the server decodes them.
        ("/%2e%2e/secret.txt", "index"),
        ("/..%2fsecret.txt", "index"),
        ("/assets/%2e%2e/%2e%2e/secret.txt", "404"),
    ],
)
async def test_no_file_outside_the_build_is_served(
    web_client: httpx.AsyncClient, path: str, answer: str
) -> None:
    response = await web_client.get(path)
    assert "outside the build" not in response.text
    if answer == "index":
        assert response.status_code == 200 and response.text == INDEX
    else:
        assert_error(response, 404, "NOT_FOUND")


@pytest.mark.parametrize("path", ["/api/nope", "/api", "/api/tickets/1/nope", "/docs/nope"])
async def test_the_app_never_answers_for_the_api(web_client: httpx.AsyncClient, path: str) -> None:
    assert_error(await web_client.get(path), 404, "NOT_FOUND")


async def test_api_and_docs_routes_still_answer(web_client: httpx.AsyncClient) -> None:
    assert (await web_client.get("/api/health")).json() == {"status": "ok", "database": "ok"}
    assert_error(await web_client.get("/api/me"), 401, "UNAUTHORIZED")
    assert "paths" in (await web_client.get("/openapi.json")).json()
    assert "swagger" in (await web_client.get("/docs")).text.lower()
    # The catch-all route is not part of the API's description.
    assert "/{path}" not in (await web_client.get("/openapi.json")).json()["paths"]


async def test_only_get_is_served(web_client: httpx.AsyncClient) -> None:
    assert_error(await web_client.post("/tickets", json={}), 405, "METHOD_NOT_ALLOWED")


async def test_without_a_build_the_api_runs_and_says_the_ui_was_skipped(
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(web, "WEB_DIST", tmp_path / "not-built")
    with caplog.at_level(logging.INFO, logger="helpdesk.web"):
        app = create_app(settings)
    assert [r.getMessage() for r in caplog.records if r.name == "helpdesk.web"] == [
        "UI skipped: web/dist not built"
    ]
    async for client in _client(app):
        assert_error(await client.get("/"), 404, "NOT_FOUND")
        assert (await client.get("/api/health")).status_code == 200


# The service's rules a form needs, served so the web app keeps no copy of them.
LIMITS = {
    "title_max_length": 200,
    "description_max_length": 10_000,
    "comment_max_length": 10_000,
    "query_max_length": 500,
    "page_size": 20,
    "max_page_size": 100,
    "sla_minutes_max": 525_600,
    "default_sla_minutes": {"urgent": 60, "high": 240, "medium": 1440, "low": 4320},
}


async def test_ui_config_lists_the_demo_accounts_in_the_demo_configuration(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/api/ui-config")
    assert response.status_code == 200
    accounts = [{"name": name, "email": email, "role": role} for name, email, role in DEMO_ACCOUNTS]
    body = response.json()
    assert body.pop("limits") == LIMITS
    assert body == {"demo_accounts": accounts, "demo_password": DEMO_PASSWORD}


async def test_ui_configs_sla_defaults_are_the_policies_as_they_stand(
    client: httpx.AsyncClient, admin: Account
) -> None:
    """One source for each priority's target: an admin's change shows at once."""
    changed = await client.put(
        "/api/sla-policies/high",
        json={"first_response_minutes": 30, "resolution_minutes": 90, "business_hours": False},
        headers=admin.headers,
    )
    assert changed.status_code == 200, changed.text
    limits = (await client.get("/api/ui-config")).json()["limits"]
    assert limits["default_sla_minutes"] == {**LIMITS["default_sla_minutes"], "high": 90}


async def test_ui_config_lists_no_account_in_production(database_url: str) -> None:
    production = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        jwt_secret=TEST_JWT_SECRET,
        rate_limit_api_per_minute=0,
        rate_limit_auth_per_minute=0,
        redis_url=None,
    )
    assert production.is_production
    async for client in _client(create_app(production)):
        response = await client.get("/api/ui-config")
        assert response.status_code == 200
        body = response.json()
        assert body.pop("limits") == LIMITS
        assert body == {"demo_accounts": [], "demo_password": None}


async def test_a_wrong_method_on_an_api_path_is_still_a_405_with_the_web_app(
    web_client: httpx.AsyncClient,
) -> None:
    """The web app's catch-all GET must not answer an API path's other method."""
    response = await web_client.get("/api/login")
    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["Allow"] == "POST"
    assert_error(await web_client.get("/api/no-such-thing"), 404, "NOT_FOUND")

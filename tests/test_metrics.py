"""GET /metrics: Prometheus's text format, to the addresses METRICS_ALLOW_IPS names only;
requests counted per route template (never per ticket), rate-limit refusals by limit, the
request path's pool; and with several worker processes, one sum whichever answers."""

import re
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families

from helpdesk.config import Settings
from helpdesk.main import create_app
from tests.support.accounts import Account
from tests.support.apps import asgi_client
from tests.support.responses import assert_error
from tests.support.server import Server
from tests.support.tickets import create_ticket


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample, by name and labels."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def requests_of(figures: dict, route: str, status: str = "200", method: str = "GET") -> float:
    key = (
        "helpdesk_http_requests_total",
        (("method", method), ("route", route), ("status", status)),
    )
    return figures.get(key, 0.0)


async def scrape(client: httpx.AsyncClient) -> dict:
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return samples(response.text)


async def test_requests_are_counted_by_route_template_and_status(
    client: httpx.AsyncClient, requester: Account
) -> None:
    ticket = await create_ticket(client, requester)
    before = await scrape(client)
    for _ in range(3):
        read = await client.get(f"/api/tickets/{ticket['id']}", headers=requester.headers)
        assert read.status_code == 200
    missing = await client.get("/api/nowhere/at/all")
    assert missing.status_code == 404
    after = await scrape(client)

    route = "/api/tickets/{ticket_id}"
    assert requests_of(after, route) - requests_of(before, route) == 3

    # An unknown path is counted, in the series of whatever answered it (the web app's
    # catch-all), never under its own path.
    def not_found(figures: dict) -> float:
        return sum(
            value
            for (name, labels), value in figures.items()
            if name == "helpdesk_http_requests_total" and ("status", "404") in labels
        )

    assert not_found(after) - not_found(before) == 1
    # One series per route: the ticket's id is in no label.
    text = (await client.get("/metrics")).text
    assert not re.search(rf'route="/api/tickets/{ticket["id"]}"', text)
    assert "nowhere" not in text
    latency = (
        "helpdesk_http_request_duration_seconds_count",
        (("method", "GET"), ("route", route)),
    )
    assert after[latency] - before.get(latency, 0.0) == 3
    # Every connection of the request path's pool was given back.
    assert after[("helpdesk_db_pool_connections_in_use", ())] == 0
    assert after[("helpdesk_db_pool_requests_waiting", ())] == 0


@pytest.mark.parametrize("address", ["10.1.2.3", "192.168.0.7", "2001:db8::1"])
async def test_anyone_else_gets_a_404(app: FastAPI, address: str) -> None:
    async with asgi_client(app, address=address) as outsider:
        response = await outsider.get("/metrics")
    assert_error(response, 404, "NOT_FOUND")


async def test_a_network_may_be_allowed(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"metrics_allow_ips": "10.0.0.0/8"}))
    try:
        async with asgi_client(app, address="10.1.2.3") as inside:
            assert (await inside.get("/metrics")).status_code == 200
        async with asgi_client(app, address="127.0.0.1") as local:
            assert_error(await local.get("/metrics"), 404, "NOT_FOUND")
    finally:
        await app.state.database.close()


async def test_rate_limit_refusals_are_counted_by_limit(
    settings: Settings, requester: Account
) -> None:
    app = create_app(settings.model_copy(update={"rate_limit_api_per_minute": 1}))
    try:
        async with asgi_client(app) as limited:
            before = await scrape(limited)
            first = await limited.get("/api/me", headers=requester.headers)
            second = await limited.get("/api/me", headers=requester.headers)
            assert first.status_code == 200
            assert_error(second, 429, "RATE_LIMIT")
            after = await scrape(limited)
    finally:
        await app.state.database.close()
    key = ("helpdesk_rate_limit_refusals_total", (("limit", "api"),))
    assert after[key] - before.get(key, 0.0) == 1


def test_several_workers_report_one_sum(
    database_url: str, tmp_path: Path, requester: Account
) -> None:
    with Server(database_url, tmp_path / "server.log", workers=2) as server:
        for _ in range(20):
            # A new connection each: the two workers share them.
            with httpx.Client(base_url=server.base_url) as fresh:
                assert fresh.get("/api/me", headers=requester.headers).status_code == 200
        seen = []
        for _ in range(6):
            with httpx.Client(base_url=server.base_url) as fresh:
                figures = samples(fresh.get("/metrics").text)
            seen.append((requests_of(figures, "/api/me"), requests_of(figures, "/metrics")))
    # Whichever worker answered: all 20 reads, and each earlier scrape, counted once.
    assert seen == [(20.0, float(n)) for n in range(6)], seen

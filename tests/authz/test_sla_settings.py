"""The matrix (see matrix.py) for the desk's SLA settings: staff read the policies and the
business hours, only an admin changes them, and a refused change changes nothing."""

import asyncpg
import httpx
import pytest

from tests.authz.matrix import World, check_refusal, covers

READERS = [
    pytest.param("anonymous", 401, id="anonymous"),
    pytest.param("user", 403, id="user"),
    pytest.param("demoted", 403, id="demoted"),
    pytest.param("agent", 200, id="agent"),
    pytest.param("admin", 200, id="admin"),
]
WRITERS = [
    pytest.param("anonymous", 401, id="anonymous"),
    pytest.param("user", 403, id="user"),
    pytest.param("demoted", 403, id="demoted"),
    pytest.param("agent", 403, id="agent"),
    pytest.param("admin", 200, id="admin"),
]
POLICY = {"first_response_minutes": 30, "resolution_minutes": 90, "business_hours": True}
HOURS = {
    "timezone": "Europe/Berlin",
    "week": {"mon": [["08:00", "12:00"], ["13:00", "17:00"]]},
    "holidays": ["2026-12-25"],
}


@covers("GET /api/sla-policies")
@pytest.mark.parametrize(("caller", "status"), READERS)
async def test_list_sla_policies(
    client: httpx.AsyncClient, world: World, caller: str, status: int
) -> None:
    response = await client.get("/api/sla-policies", headers=world.headers(caller))
    if status == 200:
        assert response.status_code == 200, response.text
        assert [p["priority"] for p in response.json()] == ["urgent", "high", "medium", "low"]
    else:
        check_refusal(response, status, None)


@covers("GET /api/business-hours")
@pytest.mark.parametrize(("caller", "status"), READERS)
async def test_get_business_hours(
    client: httpx.AsyncClient, world: World, caller: str, status: int
) -> None:
    response = await client.get("/api/business-hours", headers=world.headers(caller))
    if status == 200:
        assert response.status_code == 200, response.text
        assert response.json()["timezone"] == "UTC"
    else:
        check_refusal(response, status, None)


@covers("PUT /api/sla-policies/{priority}")
@pytest.mark.parametrize(("caller", "status"), WRITERS)
async def test_set_sla_policy(
    client: httpx.AsyncClient, world: World, db: asyncpg.Connection, caller: str, status: int
) -> None:
    response = await client.put(
        "/api/sla-policies/high", json=POLICY, headers=world.headers(caller)
    )
    stored = await db.fetchrow(
        "SELECT first_response_minutes, resolution_minutes, business_hours "
        "FROM sla_policies WHERE priority = 'high'"
    )
    if status == 200:
        assert response.status_code == 200, response.text
        assert response.json() == {"priority": "high", **POLICY}
        assert dict(stored) == POLICY
    else:
        check_refusal(response, status, None)
        assert tuple(stored) == (60, 240, False)


@covers("PUT /api/business-hours")
@pytest.mark.parametrize(("caller", "status"), WRITERS)
async def test_set_business_hours(
    client: httpx.AsyncClient, world: World, db: asyncpg.Connection, caller: str, status: int
) -> None:
    response = await client.put("/api/business-hours", json=HOURS, headers=world.headers(caller))
    zone = await db.fetchval("SELECT timezone FROM business_hours")
    if status == 200:
        assert response.status_code == 200, response.text
        assert response.json()["week"]["mon"] == [["08:00", "12:00"], ["13:00", "17:00"]]
        assert response.json()["week"]["tue"] == []
        assert zone == "Europe/Berlin"
    else:
        check_refusal(response, status, None)
        assert zone == "UTC"

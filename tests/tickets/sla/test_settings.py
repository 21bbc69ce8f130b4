"""The SLA policies and the business hours as admins change them: what they answer, what
they refuse (400 FIELD_INVALID naming the field, nothing changed), and that a policy applies
to tickets created or re-prioritised afterwards. Who may: tests/authz/test_sla_settings.py."""

from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.accounts import Account
from tests.support.responses import assert_error
from tests.support.tickets import change_ticket, create_ticket

POLICIES = "/api/sla-policies"
HOURS = "/api/business-hours"
DEFAULT_HOURS = {
    "timezone": "UTC",
    "week": {
        **{day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
        "sat": [],
        "sun": [],
    },
    "holidays": [],
}
BERLIN = {
    "timezone": "Europe/Berlin",
    "week": {
        "mon": [["13:00", "17:00"], ["08:00", "12:00"]],
        "tue": [["08:00", "24:00"]],
        "sat": [],
    },
    "holidays": ["2026-12-26", "2026-12-25", "2026-12-25"],
}


async def test_the_default_policies_and_hours(client: httpx.AsyncClient, agent: Account) -> None:
    policies = await client.get(POLICIES, headers=agent.headers)
    assert policies.json() == [
        {
            "priority": p,
            "first_response_minutes": f,
            "resolution_minutes": r,
            "business_hours": False,
        }
        for p, f, r in (
            ("urgent", 15, 60),
            ("high", 60, 240),
            ("medium", 240, 1440),
            ("low", 480, 4320),
        )
    ]
    hours = await client.get(HOURS, headers=agent.headers)
    assert hours.json() == DEFAULT_HOURS
    assert list(hours.json()["week"]) == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


async def test_business_hours_are_stored_in_one_form(
    client: httpx.AsyncClient, admin: Account, agent: Account
) -> None:
    response = await client.put(HOURS, json=BERLIN, headers=admin.headers)
    assert response.status_code == 200, response.text
    expected = {
        "timezone": "Europe/Berlin",
        "week": {
            "mon": [["08:00", "12:00"], ["13:00", "17:00"]],  # in order
            "tue": [["08:00", "24:00"]],
            **{day: [] for day in ("wed", "thu", "fri", "sat", "sun")},  # left out: none
        },
        "holidays": ["2026-12-25", "2026-12-26"],  # in order, once
    }
    assert response.json() == expected
    assert (await client.get(HOURS, headers=agent.headers)).json() == expected


def _hours(**changes: Any) -> dict[str, Any]:
    return {**DEFAULT_HOURS, **changes}


BAD_HOURS = [
    pytest.param(_hours(timezone="Mars/Olympus"), "timezone", id="unknown-zone"),
    pytest.param(_hours(timezone="../../etc/passwd"), "timezone", id="path-as-zone"),
    pytest.param(_hours(timezone=""), "timezone", id="empty-zone"),
    pytest.param(_hours(timezone=3), "timezone", id="zone-not-text"),
    pytest.param(_hours(week={"mon": [["17:00", "09:00"]]}), "week", id="end-before-start"),
    pytest.param(_hours(week={"mon": [["09:00", "09:00"]]}), "week", id="empty-interval"),
    pytest.param(
        _hours(week={"mon": [["09:00", "13:00"], ["12:00", "17:00"]]}), "week", id="overlap"
    ),
    pytest.param(_hours(week={"mon": [["9:00", "17:00"]]}), "week", id="time-not-hh-mm"),
    pytest.param(_hours(week={"mon": [["09:00", "24:01"]]}), "week", id="past-midnight"),
    pytest.param(_hours(week={"mon": [["09:00"]]}), "week", id="half-interval"),
    pytest.param(_hours(week={"monday": [["09:00", "17:00"]]}), "week", id="unknown-day"),
    pytest.param(_hours(week=[]), "week", id="week-not-object"),
    pytest.param(_hours(holidays=["2026-02-30"]), "holidays", id="no-such-date"),
    pytest.param(_hours(holidays=["25.12.2026"]), "holidays", id="malformed-date"),
    pytest.param(_hours(holidays="2026-12-25"), "holidays", id="holidays-not-list"),
    pytest.param({"week": DEFAULT_HOURS["week"]}, "timezone", id="zone-missing"),
]


@pytest.mark.parametrize(("body", "field"), BAD_HOURS)
async def test_bad_business_hours_are_refused_and_change_nothing(
    client: httpx.AsyncClient, admin: Account, db: asyncpg.Connection, body: Any, field: str
) -> None:
    before = await db.fetchrow("SELECT * FROM business_hours")
    response = await client.put(HOURS, json=body, headers=admin.headers)
    code = "FIELD_REQUIRED" if field not in body else "FIELD_INVALID"
    assert_error(response, 400, code, field)
    assert await db.fetchrow("SELECT * FROM business_hours") == before


async def test_a_week_without_hours_is_refused_while_a_policy_uses_them(
    client: httpx.AsyncClient, admin: Account, db: asyncpg.Connection
) -> None:
    empty = _hours(week={})
    # No policy counts in business hours: an empty week is allowed.
    assert (await client.put(HOURS, json=empty, headers=admin.headers)).status_code == 200
    # ...but no policy may then use business hours.
    response = await client.put(
        f"{POLICIES}/high",
        json={"first_response_minutes": 60, "resolution_minutes": 240, "business_hours": True},
        headers=admin.headers,
    )
    assert_error(response, 400, "FIELD_INVALID", "business_hours")
    assert (
        await db.fetchval("SELECT business_hours FROM sla_policies WHERE priority = 'high'")
        is False
    )

    assert (await client.put(HOURS, json=DEFAULT_HOURS, headers=admin.headers)).status_code == 200
    response = await client.put(
        f"{POLICIES}/high",
        json={"first_response_minutes": 60, "resolution_minutes": 240, "business_hours": True},
        headers=admin.headers,
    )
    assert response.status_code == 200, response.text
    refused = await client.put(HOURS, json=empty, headers=admin.headers)
    assert_error(refused, 400, "FIELD_INVALID", "week")
    assert await db.fetchval("SELECT week->'mon' FROM business_hours") == '[["09:00", "17:00"]]'


GOOD_POLICY = {"first_response_minutes": 5, "resolution_minutes": 30, "business_hours": False}
BAD_POLICIES = [
    pytest.param(
        {**GOOD_POLICY, "first_response_minutes": -3}, "first_response_minutes", id="negative"
    ),
    pytest.param(
        {**GOOD_POLICY, "resolution_minutes": 525_601}, "resolution_minutes", id="over-a-year"
    ),
    pytest.param({**GOOD_POLICY, "resolution_minutes": "30"}, "resolution_minutes", id="text"),
    pytest.param({**GOOD_POLICY, "business_hours": "yes"}, "business_hours", id="not-bool"),
    pytest.param({**GOOD_POLICY, "extra": 1}, "extra", id="unknown-field"),
]


@pytest.mark.parametrize(("body", "field"), BAD_POLICIES)
async def test_bad_policies_are_refused_and_change_nothing(
    client: httpx.AsyncClient, admin: Account, db: asyncpg.Connection, body: Any, field: str
) -> None:
    before = await db.fetch("SELECT * FROM sla_policies ORDER BY priority")
    response = await client.put(f"{POLICIES}/urgent", json=body, headers=admin.headers)
    assert_error(response, 400, "FIELD_INVALID", field)
    assert await db.fetch("SELECT * FROM sla_policies ORDER BY priority") == before


async def test_a_missing_policy_field_is_required(
    client: httpx.AsyncClient, admin: Account
) -> None:
    response = await client.put(
        f"{POLICIES}/urgent", json={"first_response_minutes": 5}, headers=admin.headers
    )
    assert_error(response, 400, "FIELD_REQUIRED", "resolution_minutes")


async def test_an_unknown_priority_is_not_found(client: httpx.AsyncClient, admin: Account) -> None:
    response = await client.put(f"{POLICIES}/critical", json=GOOD_POLICY, headers=admin.headers)
    assert_error(response, 404, "NOT_FOUND")


async def test_a_policy_applies_to_tickets_created_or_reprioritised_afterwards(
    client: httpx.AsyncClient, requester: Account, admin: Account
) -> None:
    before = await create_ticket(client, requester, priority="urgent")
    to_move = await create_ticket(client, requester, priority="low")
    response = await client.put(f"{POLICIES}/urgent", json=GOOD_POLICY, headers=admin.headers)
    assert response.status_code == 200, response.text
    assert response.json() == {"priority": "urgent", **GOOD_POLICY}

    after = await create_ticket(client, requester, priority="urgent")
    assert after["sla_minutes"] == 30
    unchanged = (await client.get(f"/api/tickets/{before['id']}", headers=admin.headers)).json()
    assert (unchanged["sla_minutes"], unchanged["due_at"]) == (60, before["due_at"])
    moved = await change_ticket(client, admin, to_move["id"], {"priority": "urgent"})
    assert moved["sla_minutes"] == 30


@pytest.mark.parametrize(
    ("first_response", "resolution", "business_hours"),
    [
        pytest.param(120, 60, False, id="wall-clock"),
        pytest.param(61, 60, True, id="business-hours"),
        pytest.param(1, 0, False, id="resolution-at-once"),
    ],
)
async def test_a_first_response_due_after_the_resolution_is_refused(
    client: httpx.AsyncClient,
    admin: Account,
    db: asyncpg.Connection,
    first_response: int,
    resolution: int,
    business_hours: bool,
) -> None:
    before = await db.fetch("SELECT * FROM sla_policies ORDER BY priority")
    response = await client.put(
        f"{POLICIES}/urgent",
        json={
            "first_response_minutes": first_response,
            "resolution_minutes": resolution,
            "business_hours": business_hours,
        },
        headers=admin.headers,
    )
    assert_error(response, 400, "FIELD_INVALID", "first_response_minutes")
    assert await db.fetch("SELECT * FROM sla_policies ORDER BY priority") == before


async def test_a_first_response_due_with_the_resolution_is_accepted(
    client: httpx.AsyncClient, admin: Account
) -> None:
    same = {"first_response_minutes": 60, "resolution_minutes": 60, "business_hours": False}
    response = await client.put(f"{POLICIES}/urgent", json=same, headers=admin.headers)
    assert response.status_code == 200, response.text
    assert response.json() == {"priority": "urgent", **same}

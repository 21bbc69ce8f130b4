"""A target must fall due within the horizon (ten years) in the hours it counts in: settings
that would put one past it are refused at save (400 FIELD_INVALID naming the field, nothing
changed), and a ticket whose clock reaches past it anyway is due at the horizon, never a
failed write. That the arithmetic is total: tests/unit/test_sla_horizon.py."""

import json
from datetime import date, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from helpdesk.tickets.models import MAX_SLA_MINUTES
from helpdesk.tickets.sla.calendar import HORIZON
from tests.support.accounts import Account
from tests.support.responses import assert_error
from tests.support.tickets import change_ticket, create_ticket, post_ticket

POLICIES = "/api/sla-policies"
HOURS = "/api/business-hours"
NO_DAYS: dict[str, list[list[str]]] = {
    day: [] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
}
A_MINUTE_A_WEEK = {"timezone": "UTC", "week": {**NO_DAYS, "mon": [["09:00", "09:01"]]}}
A_YEAR_IN_BUSINESS_HOURS = {
    "first_response_minutes": 480,
    "resolution_minutes": MAX_SLA_MINUTES,
    "business_hours": True,
}


async def settings_now(client: httpx.AsyncClient, admin: Account) -> tuple[Any, Any]:
    policies = await client.get(POLICIES, headers=admin.headers)
    hours = await client.get(HOURS, headers=admin.headers)
    return policies.json(), hours.json()


async def test_a_policy_due_past_the_horizon_is_refused_and_tickets_still_open(
    client: httpx.AsyncClient, admin: Account, requester: Account
) -> None:
    """A minute a week, then a year of business minutes for `low`: the policy is refused,
    and tickets of that priority are created and moved to it as before."""
    response = await client.put(HOURS, json=A_MINUTE_A_WEEK, headers=admin.headers)
    assert response.status_code == 200, response.text
    before = await settings_now(client, admin)

    response = await client.put(
        f"{POLICIES}/low", json=A_YEAR_IN_BUSINESS_HOURS, headers=admin.headers
    )

    assert_error(response, 400, "FIELD_INVALID", "resolution_minutes")
    assert await settings_now(client, admin) == before
    created = await post_ticket(client, requester, {"title": "Slow printer", "priority": "low"})
    assert created.status_code == 201, created.text
    assert created.json()["sla_minutes"] == 4320  # the policy as it was
    medium = await create_ticket(client, requester, priority="medium")
    assert (await change_ticket(client, admin, medium["id"], {"priority": "low"}))[
        "sla_minutes"
    ] == 4320


async def test_hours_too_few_for_a_policys_target_are_refused_on_week(
    client: httpx.AsyncClient, admin: Account
) -> None:
    """A year of minutes takes about four years of the default 40-hour week: accepted; a
    minute a week would put it millennia away: refused, naming the week."""
    response = await client.put(
        f"{POLICIES}/low", json=A_YEAR_IN_BUSINESS_HOURS, headers=admin.headers
    )
    assert response.status_code == 200, response.text
    before = await settings_now(client, admin)

    response = await client.put(HOURS, json=A_MINUTE_A_WEEK, headers=admin.headers)

    assert_error(response, 400, "FIELD_INVALID", "week")
    assert await settings_now(client, admin) == before


async def test_holidays_that_push_a_target_past_the_horizon_are_refused_on_holidays(
    client: httpx.AsyncClient, admin: Account
) -> None:
    """Mondays 09:00-17:00 hold about 250,000 minutes in ten years: a 200,000-minute
    target fits, but not once 200 of those Mondays are holidays."""
    mondays = {"timezone": "UTC", "week": {**NO_DAYS, "mon": [["09:00", "17:00"]]}}
    response = await client.put(HOURS, json=mondays, headers=admin.headers)
    assert response.status_code == 200, response.text
    policy = {"first_response_minutes": 60, "resolution_minutes": 200_000, "business_hours": True}
    response = await client.put(f"{POLICIES}/medium", json=policy, headers=admin.headers)
    assert response.status_code == 200, response.text
    before = await settings_now(client, admin)
    today = date.today()
    next_monday = today + timedelta(days=7 - today.weekday())
    holidays = [(next_monday + timedelta(weeks=n)).isoformat() for n in range(200)]

    with_holidays = {**mondays, "holidays": holidays}
    response = await client.put(HOURS, json=with_holidays, headers=admin.headers)

    assert_error(response, 400, "FIELD_INVALID", "holidays")
    assert await settings_now(client, admin) == before


async def test_a_clock_reaching_past_the_horizon_is_due_at_the_horizon(
    client: httpx.AsyncClient, admin: Account, requester: Account, db: asyncpg.Connection
) -> None:
    """Settings the API would refuse, as stored before the check (or as holidays set ahead
    make them): a write is not refused for them, and the ticket is due at the horizon."""
    await db.execute(
        "UPDATE business_hours SET week = $1::text::jsonb", json.dumps(A_MINUTE_A_WEEK["week"])
    )
    await db.execute(
        "UPDATE sla_policies SET resolution_minutes = $1, business_hours = true "
        "WHERE priority = 'low'",
        MAX_SLA_MINUTES,
    )

    created = await post_ticket(client, requester, {"title": "Slow printer", "priority": "low"})

    assert created.status_code == 201, created.text
    ticket = created.json()
    due_at = datetime.fromisoformat(ticket["due_at"])
    assert due_at - datetime.fromisoformat(ticket["created_at"]) == HORIZON
    medium = await create_ticket(client, requester, priority="medium")
    moved = await change_ticket(client, admin, medium["id"], {"priority": "low"})
    assert moved["sla_minutes"] == MAX_SLA_MINUTES
    due_at = datetime.fromisoformat(moved["due_at"])
    assert due_at - datetime.fromisoformat(moved["updated_at"]) == HORIZON

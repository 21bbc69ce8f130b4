"""Tickets under a policy that counts in business hours, over HTTP. The calendar is made
so that the answer does not depend on when the test runs: every day is a working day,
except today and the next two days (holidays), so every clock starts at the third day's
midnight, in the calendar's time zone. The arithmetic itself (weeks, daylight saving) is
tested against a minute-by-minute reference in tests/unit/test_business_calendar.py."""

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import pytest

from tests.support.accounts import Account
from tests.support.tickets import change_ticket, create_ticket, let_time_pass

ALL_DAY = [["00:00", "24:00"]]


async def business_policy(client: httpx.AsyncClient, admin: Account, zone: str) -> datetime:
    """High priority in business hours (60 / 240 minutes); the instant business time
    starts again."""
    today = datetime.now(ZoneInfo(zone)).date()
    holidays = [today + timedelta(days=n) for n in range(3)]
    hours = {
        "timezone": zone,
        "week": {day: ALL_DAY for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
        "holidays": [d.isoformat() for d in holidays],
    }
    response = await client.put("/api/business-hours", json=hours, headers=admin.headers)
    assert response.status_code == 200, response.text
    response = await client.put(
        "/api/sla-policies/high",
        json={"first_response_minutes": 60, "resolution_minutes": 240, "business_hours": True},
        headers=admin.headers,
    )
    assert response.status_code == 200, response.text
    return datetime.combine(today + timedelta(days=3), time(), ZoneInfo(zone)).astimezone(UTC)


def at(text: Any) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata", "America/St_Johns"])
async def test_business_hours_clocks_start_when_business_time_does(
    client: httpx.AsyncClient, requester: Account, admin: Account, zone: str
) -> None:
    opens = await business_policy(client, admin, zone)

    ticket = await create_ticket(client, requester, priority="high")

    assert at(ticket["first_response_due_at"]) == opens + timedelta(minutes=60)
    assert at(ticket["due_at"]) == opens + timedelta(minutes=240)
    # Other priorities still count wall-clock time.
    medium = await create_ticket(client, requester, priority="medium")
    assert at(medium["due_at"]) - at(medium["created_at"]) == timedelta(minutes=1440)


async def test_a_pause_and_resume_on_a_holiday_move_no_due_date(
    client: httpx.AsyncClient, requester: Account, admin: Account
) -> None:
    """No business time passes on a holiday: paused and resumed then, both targets are
    still due the same time after business time starts."""
    opens = await business_policy(client, admin, "Europe/Berlin")
    ticket = await create_ticket(client, requester, priority="high")

    paused = await change_ticket(client, admin, ticket["id"], {"status": "pending"})
    assert paused["sla_remaining_minutes"] == 240
    resumed = await change_ticket(client, admin, ticket["id"], {"status": "open"})
    assert at(resumed["due_at"]) == opens + timedelta(minutes=240)
    assert at(resumed["first_response_due_at"]) == opens + timedelta(minutes=60)


async def test_a_priority_change_into_business_hours_keeps_the_time_spent(
    client: httpx.AsyncClient, requester: Account, admin: Account, db: asyncpg.Connection
) -> None:
    opens = await business_policy(client, admin, "UTC")
    ticket = await create_ticket(client, requester, priority="urgent")  # wall clock: 60
    await let_time_pass(db, ticket["id"], 20)

    high = await change_ticket(client, admin, ticket["id"], {"priority": "high"})

    # 20 minutes spent of the old target (a few seconds more: the requests' own time);
    # 240 - 20 left, counted in business time.
    left = at(high["due_at"]) - opens
    assert timedelta(minutes=219) <= left <= timedelta(minutes=220)
    assert high["sla_minutes"] == 240


async def test_a_week_change_applies_from_the_tickets_next_change(
    client: httpx.AsyncClient, requester: Account, admin: Account
) -> None:
    opens = await business_policy(client, admin, "UTC")
    ticket = await create_ticket(client, requester, priority="high")
    hours = await client.get("/api/business-hours", headers=admin.headers)
    later_holidays = [*hours.json()["holidays"], (opens.date()).isoformat()]
    response = await client.put(
        "/api/business-hours",
        json={**hours.json(), "holidays": later_holidays},
        headers=admin.headers,
    )
    assert response.status_code == 200, response.text
    unchanged = (await client.get(f"/api/tickets/{ticket['id']}", headers=admin.headers)).json()
    assert unchanged["due_at"] == ticket["due_at"]

    await change_ticket(client, admin, ticket["id"], {"status": "on_hold"})
    resumed = await change_ticket(client, admin, ticket["id"], {"status": "open"})
    assert at(resumed["due_at"]) == opens + timedelta(days=1, minutes=240)

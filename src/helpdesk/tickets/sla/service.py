"""The SLA policies and the business hours, as admins change them, and what a ticket's
write needs of them: the database's clock, the new priority's policy and the calendar, read
in one statement."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

import asyncpg

from helpdesk.errors import FieldInvalid
from helpdesk.tickets.models import Priority
from helpdesk.tickets.sla import repository
from helpdesk.tickets.sla.calendar import (
    HORIZON,
    HORIZON_YEARS,
    WALL_CLOCK,
    BusinessCalendar,
    Clock,
)
from helpdesk.tickets.sla.schemas import (
    WEEKDAYS,
    BusinessHoursIn,
    BusinessHoursOut,
    SlaPolicyIn,
    SlaPolicyOut,
    minute_of_day,
)

# Most urgent first, as a desk reads them.
PRIORITY_ORDER = (Priority.urgent, Priority.high, Priority.medium, Priority.low)


@dataclass(frozen=True, slots=True)
class Policy:
    first_response_minutes: int
    resolution_minutes: int
    business_hours: bool


@lru_cache(maxsize=32)
def _calendar(
    timezone: str, week: tuple[tuple[tuple[int, int], ...], ...], holidays: frozenset[date]
) -> BusinessCalendar | None:
    try:
        return BusinessCalendar(timezone=timezone, week=week, holidays=holidays)
    except ValueError:
        return None  # a week with no hours: nothing can count in it


def calendar_of(
    timezone: str, week: dict[str, Any], holidays: list[date]
) -> BusinessCalendar | None:
    """The stored business hours as a calendar; None when the week has no hours."""
    days = tuple(
        tuple((minute_of_day(start), minute_of_day(end)) for start, end in week.get(day, []))
        for day in WEEKDAYS
    )
    return _calendar(timezone, days, frozenset(holidays))


@dataclass(frozen=True, slots=True)
class SlaContext:
    """What retiming a ticket needs, read at the start of its write."""

    now: datetime  # the transaction's time: PostgreSQL's now(), as `breached` compares with
    policy: Policy | None  # the asked priority's, if one was asked for
    calendar: BusinessCalendar | None

    def clock(self, business_hours: bool) -> Clock:
        """The clock a ticket's targets count in. Business hours with no hours in the week
        (possible only for a ticket whose policy has changed since) count wall-clock time."""
        if business_hours and self.calendar is not None:
            return self.calendar
        return WALL_CLOCK


async def context(connection: asyncpg.Connection, *, priority: Priority | str | None) -> SlaContext:
    found = await repository.context(
        connection, priority=None if priority is None else str(priority)
    )
    policy = None
    if found.policy is not None:
        policy = Policy(
            found.policy.first_response_minutes,
            found.policy.resolution_minutes,
            found.policy.business_hours,
        )
    hours = found.hours
    return SlaContext(
        now=found.now,
        policy=policy,
        calendar=calendar_of(hours.timezone, hours.week, hours.holidays),
    )


def _policy_out(row: repository.PolicyRow) -> SlaPolicyOut:
    return SlaPolicyOut(
        priority=Priority(row.priority),
        first_response_minutes=row.first_response_minutes,
        resolution_minutes=row.resolution_minutes,
        business_hours=row.business_hours,
    )


async def list_policies(connection: asyncpg.Connection) -> list[SlaPolicyOut]:
    rows = {row.priority: row for row in await repository.policies(connection)}
    return [_policy_out(rows[priority]) for priority in PRIORITY_ORDER if priority in rows]


def _has_hours(week: dict[str, Any]) -> bool:
    return any(week.get(day) for day in WEEKDAYS)


async def _within_horizon(connection: asyncpg.Connection, calendar: BusinessCalendar) -> int:
    """The most minutes a target may count in `calendar` from now and be due within the
    horizon. Checked from now: a holiday set far ahead may still push a later ticket's
    target past it, and that ticket is then due at the horizon (calendar.py)."""
    now = await repository.now(connection)
    return calendar.between(now, now + HORIZON) // timedelta(minutes=1)


def _too_far(minutes: int, reach: int) -> str:
    return (
        f"{minutes} minutes of business hours would fall due more than {HORIZON_YEARS} "
        f"years ahead: these hours hold at most {reach} minutes in that time"
    )


async def set_policy(
    connection: asyncpg.Connection, *, priority: Priority, data: SlaPolicyIn
) -> SlaPolicyOut:
    """Applies to tickets created or re-prioritised afterwards. Business hours need a week
    with hours (checked under the calendar's lock, against a concurrent change of it)."""
    # A ticket is answered on the way to being resolved: a first reply due after the
    # resolution would be a target that can only be met late.
    if data.first_response_minutes > data.resolution_minutes:
        raise FieldInvalid(
            "The first response must be due no later than the resolution: at most "
            f"{data.resolution_minutes} minutes",
            field="first_response_minutes",
        )
    if data.business_hours:
        hours = await repository.business_hours(connection, lock=True)
        calendar = calendar_of(hours.timezone, hours.week, hours.holidays)
        if calendar is None:
            raise FieldInvalid(
                "The business hours have no hours in the week: set them first",
                field="business_hours",
            )
        # The resolution is the longer target (checked above), so it is the one to reach.
        reach = await _within_horizon(connection, calendar)
        if data.resolution_minutes > reach:
            raise FieldInvalid(_too_far(data.resolution_minutes, reach), field="resolution_minutes")
    row = await repository.set_policy(connection, priority=priority.value, **data.model_dump())
    return _policy_out(row)


def _hours_out(hours: repository.HoursRow) -> BusinessHoursOut:
    # Monday first, as a week reads (JSONB keeps its keys in an order of its own).
    week = {day: hours.week.get(day, []) for day in WEEKDAYS}
    return BusinessHoursOut.model_validate(
        {"timezone": hours.timezone, "week": week, "holidays": hours.holidays}
    )


async def get_business_hours(connection: asyncpg.Connection) -> BusinessHoursOut:
    return _hours_out(await repository.business_hours(connection))


async def _check_reach(
    connection: asyncpg.Connection,
    *,
    longest: int,
    priority: str,
    timezone: str,
    week: dict[str, Any],
    holidays: list[date],
) -> None:
    """The new hours must hold the longest target that counts in them within the horizon;
    if they don't, the fault is the holidays' when the week alone would hold it."""
    calendar = calendar_of(timezone, week, holidays)
    assert calendar is not None  # the week has hours: checked before
    reach = await _within_horizon(connection, calendar)
    if longest <= reach:
        return
    message = f"the {priority} policy's target: {_too_far(longest, reach)}"
    without_holidays = calendar_of(timezone, week, [])
    assert without_holidays is not None
    if holidays and longest <= await _within_horizon(connection, without_holidays):
        raise FieldInvalid(f"holidays: {message}", field="holidays")
    raise FieldInvalid(f"week: {message}", field="week")


async def set_business_hours(
    connection: asyncpg.Connection, *, data: BusinessHoursIn
) -> BusinessHoursOut:
    """A week with no hours is refused while a policy counts in business hours, and so are
    hours too few for such a policy's target to fall due within the horizon."""
    await repository.business_hours(connection, lock=True)
    week: dict[str, Any] = {day: hours for day, hours in data.week.items()}
    # Under the calendar's lock: a policy changed meanwhile is checked against these hours.
    longest = await repository.longest_business_policy(connection)
    if longest is not None:
        if not _has_hours(week):
            raise FieldInvalid(
                "week: a policy counts in business hours, so the week needs some hours",
                field="week",
            )
        await _check_reach(
            connection,
            longest=longest.resolution_minutes,
            priority=longest.priority,
            timezone=data.timezone,
            week=week,
            holidays=data.holidays,
        )
    hours = await repository.set_business_hours(
        connection, timezone=data.timezone, week=week, holidays=data.holidays
    )
    return _hours_out(hours)

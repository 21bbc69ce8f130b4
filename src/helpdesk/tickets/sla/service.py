"""The SLA policies and the business hours, as admins change them, and what a ticket's
write needs of them: the database's clock, the new priority's policy and the calendar, read
in one statement."""

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import asyncpg
from sqlalchemy import Row, bindparam, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk.db.compiled import Compiled
from helpdesk.errors import FieldInvalid
from helpdesk.tickets.models import Priority
from helpdesk.tickets.sla.calendar import WALL_CLOCK, BusinessCalendar, Clock
from helpdesk.tickets.sla.models import BusinessHours, SlaPolicy
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


_policy = SlaPolicy.__table__
_hours = BusinessHours.__table__
# Composed and compiled once: every write that moves a clock runs it.
_CONTEXT = Compiled(
    select(
        func.now(),
        _hours.c.timezone,
        _hours.c.week,
        _hours.c.holidays,
        _policy.c.first_response_minutes,
        _policy.c.resolution_minutes,
        _policy.c.business_hours,
    ).select_from(_hours.outerjoin(_policy, _policy.c.priority == bindparam("priority")))
)


async def context(connection: asyncpg.Connection, *, priority: Priority | str | None) -> SlaContext:
    row = await connection.fetchrow(
        _CONTEXT.sql(), *_CONTEXT.args(priority=None if priority is None else str(priority))
    )
    assert row is not None  # the migration writes the business hours' one row
    now, timezone, week, holidays, first_response, resolution, business_hours = row
    policy = None if first_response is None else Policy(first_response, resolution, business_hours)
    return SlaContext(now=now, policy=policy, calendar=calendar_of(timezone, week, holidays))


def _policy_out(row: SlaPolicy | Row[Any]) -> SlaPolicyOut:
    return SlaPolicyOut(
        priority=Priority(row.priority),
        first_response_minutes=row.first_response_minutes,
        resolution_minutes=row.resolution_minutes,
        business_hours=row.business_hours,
    )


async def list_policies(session: AsyncSession) -> list[SlaPolicyOut]:
    rows = {row.priority: row for row in await session.scalars(select(SlaPolicy))}
    return [_policy_out(rows[priority]) for priority in PRIORITY_ORDER if priority in rows]


def _has_hours(week: dict[str, Any]) -> bool:
    return any(week.get(day) for day in WEEKDAYS)


async def _business_hours(session: AsyncSession, *, lock: bool = False) -> BusinessHours:
    statement = select(BusinessHours).where(BusinessHours.id == 1)
    if lock:
        statement = statement.with_for_update()
    hours = await session.scalar(statement)
    assert hours is not None  # the migration writes the one row
    return hours


async def set_policy(
    session: AsyncSession, *, priority: Priority, data: SlaPolicyIn
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
    if data.business_hours and not _has_hours((await _business_hours(session, lock=True)).week):
        raise FieldInvalid(
            "The business hours have no hours in the week: set them first", field="business_hours"
        )
    row = (
        await session.execute(
            update(SlaPolicy)
            .where(SlaPolicy.priority == priority.value)
            .values(**data.model_dump())
            .returning(SlaPolicy)
        )
    ).scalar_one()
    return _policy_out(row)


def _hours_out(hours: BusinessHours) -> BusinessHoursOut:
    # Monday first, as a week reads (JSONB keeps its keys in an order of its own).
    week = {day: hours.week.get(day, []) for day in WEEKDAYS}
    return BusinessHoursOut.model_validate(
        {"timezone": hours.timezone, "week": week, "holidays": hours.holidays}
    )


async def get_business_hours(session: AsyncSession) -> BusinessHoursOut:
    return _hours_out(await _business_hours(session))


async def set_business_hours(session: AsyncSession, *, data: BusinessHoursIn) -> BusinessHoursOut:
    """A week with no hours is refused while a policy counts in business hours."""
    hours = await _business_hours(session, lock=True)
    week: dict[str, Any] = {day: hours for day, hours in data.week.items()}
    if not _has_hours(week):
        used = await session.scalar(select(exists().where(SlaPolicy.business_hours.is_(True))))
        if used:
            raise FieldInvalid(
                "week: a policy counts in business hours, so the week needs some hours",
                field="week",
            )
    hours.timezone = data.timezone
    hours.week = week
    hours.holidays = data.holidays
    await session.flush()
    return _hours_out(hours)

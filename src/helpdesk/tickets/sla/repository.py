"""The SLA settings' SQL: the policies and the desk's one calendar, as Core statements
compiled once and run on the request's connection."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

import asyncpg
from sqlalchemy import Table, bindparam, func, select, update

from helpdesk.db.compiled import Compiled
from helpdesk.tickets.sla.models import BusinessHours, SlaPolicy

_policies = cast(Table, SlaPolicy.__table__)
_hours = cast(Table, BusinessHours.__table__)


@dataclass(frozen=True, slots=True)
class PolicyRow:
    priority: str
    first_response_minutes: int
    resolution_minutes: int
    business_hours: bool


@dataclass(frozen=True, slots=True)
class HoursRow:
    timezone: str
    week: dict[str, Any]
    holidays: list[date]


_POLICY_COLUMNS = [_policies.c[name] for name in PolicyRow.__slots__]
_HOURS_COLUMNS = [_hours.c[name] for name in HoursRow.__slots__]

_POLICIES = Compiled(select(*_POLICY_COLUMNS))
_SET_POLICY = Compiled(
    update(_policies)
    .where(_policies.c.priority == bindparam("key"))
    .values(
        first_response_minutes=bindparam("first_response_minutes"),
        resolution_minutes=bindparam("resolution_minutes"),
        business_hours=bindparam("business_hours"),
    )
    .returning(*_POLICY_COLUMNS)
)
# The policy that reaches furthest in business hours: the one new hours must hold.
_LONGEST_BUSINESS_POLICY = Compiled(
    select(*_POLICY_COLUMNS)
    .where(_policies.c.business_hours.is_(True))
    .order_by(_policies.c.resolution_minutes.desc())
    .limit(1)
)
_HOURS = Compiled(select(*_HOURS_COLUMNS).where(_hours.c.id == 1))
# Locked: a policy and the calendar it counts in are checked against each other under it.
_HOURS_LOCKED = Compiled(select(*_HOURS_COLUMNS).where(_hours.c.id == 1).with_for_update())
_SET_HOURS = Compiled(
    update(_hours)
    .where(_hours.c.id == 1)
    .values(
        timezone=bindparam("timezone"),
        week=bindparam("week", type_=_hours.c.week.type),
        holidays=bindparam("holidays", type_=_hours.c.holidays.type),
    )
    .returning(*_HOURS_COLUMNS)
)
_NOW = Compiled(select(func.now()))
# What a ticket's write needs to retime its clocks, in one round trip: the transaction's
# time, the calendar and the asked priority's policy (none when no priority is given).
_CONTEXT = Compiled(
    select(func.now().label("now"), *_HOURS_COLUMNS, *_POLICY_COLUMNS)
    .select_from(_hours.outerjoin(_policies, _policies.c.priority == bindparam("key")))
    .where(_hours.c.id == 1)
)


@dataclass(frozen=True, slots=True)
class ContextRow:
    now: datetime
    hours: HoursRow
    policy: PolicyRow | None


async def policies(connection: asyncpg.Connection) -> list[PolicyRow]:
    return [PolicyRow(**row) for row in await connection.fetch(_POLICIES.sql(), *_POLICIES.args())]


async def set_policy(
    connection: asyncpg.Connection,
    *,
    priority: str,
    first_response_minutes: int,
    resolution_minutes: int,
    business_hours: bool,
) -> PolicyRow:
    row = await connection.fetchrow(
        _SET_POLICY.sql(),
        *_SET_POLICY.args(
            key=priority,
            first_response_minutes=first_response_minutes,
            resolution_minutes=resolution_minutes,
            business_hours=business_hours,
        ),
    )
    assert row is not None  # the migration writes every priority's row
    return PolicyRow(**row)


async def longest_business_policy(connection: asyncpg.Connection) -> PolicyRow | None:
    row = await connection.fetchrow(
        _LONGEST_BUSINESS_POLICY.sql(), *_LONGEST_BUSINESS_POLICY.args()
    )
    return None if row is None else PolicyRow(**row)


async def business_hours(connection: asyncpg.Connection, *, lock: bool = False) -> HoursRow:
    statement = _HOURS_LOCKED if lock else _HOURS
    row = await connection.fetchrow(statement.sql(), *statement.args())
    assert row is not None  # the migration writes the one row
    return HoursRow(**row)


async def set_business_hours(
    connection: asyncpg.Connection, *, timezone: str, week: dict[str, Any], holidays: list[date]
) -> HoursRow:
    row = await connection.fetchrow(
        _SET_HOURS.sql(), *_SET_HOURS.args(timezone=timezone, week=week, holidays=holidays)
    )
    assert row is not None
    return HoursRow(**row)


async def now(connection: asyncpg.Connection) -> datetime:
    """The transaction's time, as the tickets' clocks read it."""
    found: datetime = await connection.fetchval(_NOW.sql(), *_NOW.args())
    return found


async def context(connection: asyncpg.Connection, *, priority: str | None) -> ContextRow:
    row = await connection.fetchrow(_CONTEXT.sql(), *_CONTEXT.args(key=priority))
    assert row is not None  # the migration writes the business hours' one row
    hours = HoursRow(**{name: row[name] for name in HoursRow.__slots__})
    policy = None
    if row["priority"] is not None:
        policy = PolicyRow(**{name: row[name] for name in PolicyRow.__slots__})
    return ContextRow(now=row["now"], hours=hours, policy=policy)

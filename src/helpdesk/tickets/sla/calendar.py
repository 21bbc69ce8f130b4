"""Clocks that count time: wall-clock time, or business hours in a time zone.

The definition, the only one: an instant t is business time iff its local wall-clock time
in the calendar's `timezone`, local date d and local time of day h, has d not in `holidays`
and h inside some [start, end) of `week[d.weekday()]` (minutes from local midnight). It is
exactly what a walk over UTC minutes, converting each to local time, would count. So on a
spring-forward day the local interval 02:30-05:00 in Europe/Berlin holds 2 h (local
02:00-03:00 never happens), and on a fall-back day 01:00-02:30 holds 2 h (01:00-02:30 CEST,
then 02:00-02:30 CET again): the instants of one local interval can be two UTC pieces.

- between(start, end): the business time in [start, end), to the microsecond; if end <
  start, minus between(end, start).
- add(start, delta): for delta > 0 the earliest t >= start with between(start, t) == delta
  (landing on an interval's end gives that end, not the next start); for delta < 0 the
  latest t <= start with between(t, start) == -delta; for 0, start. So between(start,
  add(start, d)) == d, as long as the result is within HORIZON of start: past it, add
  gives start + HORIZON (start - HORIZON going back), or the end of datetime's range if
  that comes first. So add is total and monotone in both start and delta.
Inputs are aware datetimes, in any tzinfo; results are aware datetimes in UTC.

How: instants are integers (microseconds since 0001-01-01, a Monday), in UTC or local. The
UTC line is cut where the zone's offset changes, found by sampling utcoffset every two days
and bisecting (tzdata's offset changes are days apart). Within a piece of constant offset,
local time is UTC plus a constant, and the business time before a local instant has a closed
form: whole weeks times the week's total, plus the part of the week, minus the holidays
before it. So a year of business hours costs one step per offset change, not per week.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import pairwise
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["HORIZON", "HORIZON_YEARS", "WALL_CLOCK", "BusinessCalendar", "Clock", "WallClock"]

# How far from its start a clock's result may lie. The longest target, a year of minutes
# (MAX_SLA_MINUTES), takes about 4 years of a 40-hour week and 10 years of a 17-hour one; a
# due date further off is not one a desk works to, only the sign of hours too few for the
# target (a year of minutes at one minute a week would be due in the year 12,000, past
# datetime's range). Settings that need more are refused (sla/service.py); a ticket whose
# clock still reaches past it (a holiday added ahead) is due at the horizon.
HORIZON_YEARS = 10
HORIZON = timedelta(days=366 * HORIZON_YEARS)

_US = timedelta(microseconds=1)
_SECOND = 1_000_000  # microseconds
_MINUTE = 60 * _SECOND
_DAY = 1440 * _MINUTE
_WEEK = 7 * _DAY
_EPOCH = datetime(1, 1, 1, tzinfo=UTC)  # a Monday: day n since it has weekday n % 7
_END = (datetime.max.replace(tzinfo=UTC) - _EPOCH) // _US + 1  # one past the last instant
_UNIX = (datetime(1970, 1, 1, tzinfo=UTC) - _EPOCH) // timedelta(seconds=1)
_HORIZON = HORIZON // _US

# Offsets are sampled every _STEP seconds and cached per block of _BLOCK seconds. Two
# changes inside one step that cancel out would be missed; tzdata's closest are ~7 days apart.
_STEP = 2 * 86_400
_BLOCK = 182 * _STEP  # 364 days
_BLOCK_US = _BLOCK * _SECOND
# Sampled seconds two days inside datetime's range have local times in range, for any offset.
_SAFE_FIRST, _SAFE_LAST = 2 * 86_400, _END // _SECOND - 2 * 86_400


class Clock(Protocol):
    def add(self, start: datetime, delta: timedelta) -> datetime: ...

    def between(self, start: datetime, end: datetime) -> timedelta: ...


class WallClock:
    """Elapsed time: every instant counts. Counted in UTC, so that a day across a
    daylight-saving change is 23 or 25 hours, as it is elapsed."""

    def add(self, start: datetime, delta: timedelta) -> datetime:
        at, amount = _to_us(start), delta // _US
        return _to_datetime(min(max(at + amount, _earliest(at)), _latest(at)))

    def between(self, start: datetime, end: datetime) -> timedelta:
        return end.astimezone(UTC) - start.astimezone(UTC)


WALL_CLOCK = WallClock()


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """Business hours in a time zone: `week` holds 7 days, Monday first, each a sorted tuple
    of non-overlapping (start_minute, end_minute) from local midnight, 0 <= start < end <=
    1440; `holidays` are local dates with no business time. See the module for the rule."""

    timezone: str
    week: tuple[tuple[tuple[int, int], ...], ...]
    holidays: frozenset[date] = frozenset()
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _hours: "_Hours" = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            zone = ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone: {self.timezone!r}") from error
        week = _checked_week(self.week)
        holidays = frozenset(self.holidays)
        if any(isinstance(day, datetime) or not isinstance(day, date) for day in holidays):
            raise ValueError("holidays must be dates")
        # Lists are accepted and stored as tuples, so that the calendar stays hashable.
        object.__setattr__(self, "week", week)
        object.__setattr__(self, "holidays", holidays)
        object.__setattr__(self, "_zone", zone)
        object.__setattr__(self, "_hours", _Hours(week, holidays))

    def between(self, start: datetime, end: datetime) -> timedelta:
        return timedelta(microseconds=self._between(_to_us(start), _to_us(end)))

    def add(self, start: datetime, delta: timedelta) -> datetime:
        at, amount = _to_us(start), delta // _US
        if amount > 0:
            return _to_datetime(self._forward(at, amount, limit=_latest(at)))
        if amount < 0:
            return _to_datetime(self._backward(at, -amount, limit=_earliest(at)))
        return start.astimezone(UTC)

    def _between(self, start: int, end: int) -> int:
        if end < start:
            return -self._between(end, start)
        total = 0
        for first, last, offset in _pieces_from(self._zone, start):
            if first >= end:
                break
            low, high = max(first, start), min(last, end)
            if low < high:
                total += self._hours.before(high + offset) - self._hours.before(low + offset)
        return total

    def _forward(self, start: int, amount: int, *, limit: int) -> int:
        """The earliest instant with `amount` of business time since `start`, or `limit`
        if there is not that much before it."""
        for first, last, offset in _pieces_from(self._zone, start):
            if last <= start:
                continue
            if first >= limit:
                return limit
            last = min(last, limit)
            here = self._hours.before(max(first, start) + offset)
            available = self._hours.before(last + offset) - here
            if available >= amount:
                return self._hours.first_reaching(here + amount) - offset
            amount -= available
        raise AssertionError("unreachable: a piece reaches past the limit")

    def _backward(self, end: int, amount: int, *, limit: int) -> int:
        """The latest instant with `amount` of business time until `end`, or `limit` if
        there is not that much after it."""
        for first, last, offset in _pieces_until(self._zone, end):
            if first >= end:
                continue
            if last <= limit:
                return limit
            first = max(first, limit)
            here = self._hours.before(min(last, end) + offset)
            available = here - self._hours.before(first + offset)
            if available >= amount:
                return self._hours.last_reaching(here - amount) - offset
            amount -= available
        raise AssertionError("unreachable: a piece reaches past the limit")


def _checked_week(week: object) -> tuple[tuple[tuple[int, int], ...], ...]:
    if not isinstance(week, tuple | list) or len(week) != 7:
        raise ValueError("week must hold 7 days, Monday first")
    days: list[tuple[tuple[int, int], ...]] = []
    for number, day in enumerate(week):
        if not isinstance(day, tuple | list):
            raise ValueError(f"day {number}: a day is a sequence of intervals")
        intervals = tuple(_checked_interval(number, interval) for interval in day)
        for (_, end), (start, _) in pairwise(intervals):
            if start < end:
                raise ValueError(f"day {number}: intervals must be sorted and not overlap")
        days.append(intervals)
    if not any(days):
        raise ValueError("the week has no business time")
    return tuple(days)


def _checked_interval(number: int, interval: object) -> tuple[int, int]:
    if not isinstance(interval, tuple | list) or len(interval) != 2:
        raise ValueError(f"day {number}: an interval is a (start_minute, end_minute) pair")
    start, end = interval
    if not (isinstance(start, int) and isinstance(end, int)) or bool in (type(start), type(end)):
        raise ValueError(f"day {number}: minutes must be integers")
    if not 0 <= start < end <= 1440:
        raise ValueError(f"day {number}: need 0 <= start < end <= 1440, got {start}-{end}")
    return start, end


class _Hours:
    """Business time on the local line, where local instants are microseconds since local
    0001-01-01 00:00 and no offset changes: before(local) is the business time from that
    origin to `local`, and first_reaching/last_reaching are its inverses."""

    __slots__ = ("_days", "_ends", "_levels", "_skipped", "_starts", "_total", "_upto")

    def __init__(
        self, week: tuple[tuple[tuple[int, int], ...], ...], holidays: frozenset[date]
    ) -> None:
        intervals = [
            (day * _DAY + start * _MINUTE, day * _DAY + end * _MINUTE)
            for day, hours in enumerate(week)
            for start, end in hours
        ]
        self._starts = [start for start, _ in intervals]
        # _upto[j]: the week's business time until the end of its interval j.
        self._upto: list[int] = []
        for start, end in intervals:
            self._upto.append((self._upto[-1] if self._upto else 0) + end - start)
        self._ends = [end for _, end in intervals]
        self._total = self._upto[-1]
        # The holidays, as day numbers, with the business time they take away: _skipped[i]
        # is that of the holidays before the i-th; _levels[i] is before() all through it.
        self._days = sorted(day.toordinal() - 1 for day in holidays)
        self._skipped = [0]
        self._levels: list[int] = []
        for day in self._days:
            self._levels.append(self._weekly(day * _DAY) - self._skipped[-1])
            lost = self._weekly((day + 1) * _DAY) - self._weekly(day * _DAY)
            self._skipped.append(self._skipped[-1] + lost)

    def before(self, local: int) -> int:
        day = local // _DAY
        i = bisect_right(self._days, day)
        if i and self._days[i - 1] == day:
            return self._levels[i - 1]
        return self._weekly(local) - self._skipped[i]

    def first_reaching(self, amount: int) -> int:
        """The earliest local instant with before() == amount."""
        # Holidays whose level is below `amount` are passed in full, the next is not reached.
        return self._weekly_first(amount + self._skipped[bisect_left(self._levels, amount)])

    def last_reaching(self, amount: int) -> int:
        """The latest local instant with before() == amount."""
        return self._weekly_last(amount + self._skipped[bisect_right(self._levels, amount)])

    def _weekly(self, local: int) -> int:
        """As before(), without holidays."""
        weeks, into = divmod(local, _WEEK)
        j = bisect_right(self._starts, into) - 1
        if j < 0:
            return weeks * self._total
        done = self._upto[j] - self._ends[j] + min(into, self._ends[j])
        return weeks * self._total + done

    def _weekly_first(self, amount: int) -> int:
        weeks, into = divmod(amount, self._total)
        if into == 0:  # a whole number of weeks is first reached at the end of the last one
            weeks, into = weeks - 1, self._total
        j = bisect_left(self._upto, into)
        return weeks * _WEEK + self._ends[j] - (self._upto[j] - into)

    def _weekly_last(self, amount: int) -> int:
        weeks, into = divmod(amount, self._total)
        j = bisect_right(self._upto, into)  # the interval it is still to be reached in
        return weeks * _WEEK + self._ends[j] - (self._upto[j] - into)


def _pieces_from(zone: ZoneInfo, start: int) -> Iterator[tuple[int, int, int]]:
    """(first, last, offset): the UTC line cut where the offset changes, in order, from the
    piece holding `start`, through the first piece past datetime's range (callers stop at
    a limit inside it); raises OverflowError beyond."""
    block = start // _BLOCK_US
    while True:
        if block * _BLOCK_US > _END + _BLOCK_US:
            raise OverflowError("the result would be past year 9999")
        yield from _block_pieces(zone, block)
        block += 1


def _pieces_until(zone: ZoneInfo, end: int) -> Iterator[tuple[int, int, int]]:
    """As _pieces_from, backwards from the piece holding the instant just before `end`."""
    block = (end - 1) // _BLOCK_US
    while True:
        if (block + 1) * _BLOCK_US < -_BLOCK_US:
            raise OverflowError("the result would be before year 1")
        yield from reversed(_block_pieces(zone, block))
        block -= 1


def _block_pieces(zone: ZoneInfo, block: int) -> list[tuple[int, int, int]]:
    """The pieces of constant offset that a block is cut into, in order."""
    offset, changes = _offsets(zone, block)
    first = block * _BLOCK_US
    pieces: list[tuple[int, int, int]] = []
    for at, new in changes:
        pieces.append((first, at, offset))
        first, offset = at, new
    pieces.append((first, (block + 1) * _BLOCK_US, offset))
    return pieces


@lru_cache(maxsize=1 << 16)
def _offsets(zone: ZoneInfo, block: int) -> tuple[int, tuple[tuple[int, int], ...]]:
    """The zone's offset at the start of a block, and its changes inside the block as
    (instant, new offset), all in microseconds. Cached: zones don't change while we run."""
    first = block * _BLOCK
    low, offset = first, _offset(zone, first)
    start_offset = offset
    changes: list[tuple[int, int]] = []
    for high in range(first + _STEP, first + _BLOCK + 1, _STEP):
        high_offset = _offset(zone, high)
        while offset != high_offset:  # a change in (low, high]; maybe more than one
            low = _first_change(zone, low, high, offset)
            offset = _offset(zone, low)
            if low < first + _BLOCK:  # one at the block's end is the next block's start
                changes.append((low * _SECOND, offset // _US))
        low = high
    return start_offset // _US, tuple(changes)


def _first_change(zone: ZoneInfo, low: int, high: int, offset: timedelta) -> int:
    """The first second in (low, high] whose offset isn't `offset` (that of low; high's
    differs). Offsets change on whole seconds in tzdata."""
    while high - low > 1:
        middle = (low + high) // 2
        if _offset(zone, middle) == offset:
            low = middle
        else:
            high = middle
    return high


def _offset(zone: ZoneInfo, second: int) -> timedelta:
    """The zone's UTC offset at a UTC second since 0001-01-01 (the hot spot: kept lean)."""
    if not _SAFE_FIRST <= second <= _SAFE_LAST:
        second = min(max(second, _SAFE_FIRST), _SAFE_LAST)
    offset = zone.utcoffset(datetime.fromtimestamp(second - _UNIX, zone))
    assert offset is not None  # a ZoneInfo always has one
    return offset


def _latest(at: int) -> int:
    """The latest result a clock gives from the instant `at`."""
    return min(at + _HORIZON, _END - 1)


def _earliest(at: int) -> int:
    """The earliest result a clock gives from the instant `at`."""
    return max(at - _HORIZON, 0)


def _to_us(moment: datetime) -> int:
    if moment.utcoffset() is None:
        raise ValueError(f"a business calendar needs aware datetimes, got {moment!r}")
    return (moment - _EPOCH) // _US


def _to_datetime(instant: int) -> datetime:
    if not 0 <= instant < _END:
        raise OverflowError("the result is outside datetime's range (years 1 to 9999)")
    return _EPOCH + timedelta(microseconds=instant)

"""calendar.py: business time is the instants whose local wall-clock time, in the calendar's
zone, falls in the week's hours on a day that is no holiday; between counts it in [start,
end), add finds the earliest (or, going back, the latest) instant that counts a given amount.
"""

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk.tickets.sla.calendar import HORIZON, WALL_CLOCK, BusinessCalendar, Clock

BERLIN = ZoneInfo("Europe/Berlin")
NINE_TO_FIVE = ((540, 1020),)
OFFICE = BusinessCalendar("Europe/Berlin", (NINE_TO_FIVE,) * 5 + ((), ()))
ALWAYS = BusinessCalendar("Europe/Berlin", (((0, 1440),),) * 7)
HOUR = timedelta(hours=1)


def berlin(
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
    microsecond: int = 0,
) -> datetime:
    """A local time in Berlin (a ZoneInfo: arithmetic on it steps the wall clock)."""
    return datetime(year, month, day, hour, minute, second, microsecond, tzinfo=BERLIN)


def sundays(*hours: tuple[int, int]) -> BusinessCalendar:
    """Business hours on Sundays only, in Berlin."""
    return BusinessCalendar("Europe/Berlin", ((),) * 6 + (hours,))


@pytest.mark.parametrize(
    ("start", "delta", "expected"),
    [
        (berlin(2026, 3, 20, 16), 2 * HOUR, berlin(2026, 3, 23, 10)),  # Friday to Monday
        (berlin(2026, 3, 27, 16), 2 * HOUR, berlin(2026, 3, 30, 10)),  # over spring-forward
        (berlin(2026, 3, 21, 12), HOUR, berlin(2026, 3, 23, 10)),  # from a Saturday
        (berlin(2026, 3, 23, 10), -2 * HOUR, berlin(2026, 3, 20, 16)),  # back to Friday
        (berlin(2026, 3, 23, 8), 5 * 8 * HOUR, berlin(2026, 3, 27, 17)),  # a whole week
        (berlin(2026, 10, 23, 12), 8 * HOUR, berlin(2026, 10, 26, 12)),  # over fall-back
    ],
)
def test_weekends_have_no_business_time(
    start: datetime, delta: timedelta, expected: datetime
) -> None:
    assert OFFICE.add(start, delta) == expected
    assert OFFICE.between(start, expected) == delta


def test_a_holiday_has_no_business_time() -> None:
    """1 May 2026 is a Friday: Thursday 16:00 plus two hours is Monday 10:00."""
    calendar = BusinessCalendar(
        "Europe/Berlin", OFFICE.week, holidays=frozenset({date(2026, 5, 1)})
    )

    assert calendar.add(berlin(2026, 4, 30, 16), 2 * HOUR) == berlin(2026, 5, 4, 10)
    assert calendar.between(berlin(2026, 4, 27), berlin(2026, 5, 4)) == 4 * 8 * HOUR
    assert calendar.between(berlin(2026, 5, 1, 9), berlin(2026, 5, 1, 17)) == timedelta(0)


def test_landing_next_to_a_holiday_stops_at_the_business_days_edge() -> None:
    """Adding stops at Thursday's end, before the holiday; going back, at Monday's start."""
    calendar = BusinessCalendar(
        "Europe/Berlin", OFFICE.week, holidays=frozenset({date(2026, 5, 1)})
    )

    assert calendar.add(berlin(2026, 4, 30, 16), HOUR) == berlin(2026, 4, 30, 17)
    assert calendar.add(berlin(2026, 5, 4, 10), -HOUR) == berlin(2026, 5, 4, 9)


def test_days_of_daylight_saving_changes_are_23_and_25_hours_long() -> None:
    assert ALWAYS.between(berlin(2026, 3, 29), berlin(2026, 3, 30)) == 23 * HOUR
    assert ALWAYS.between(berlin(2026, 10, 25), berlin(2026, 10, 26)) == 25 * HOUR


def test_on_spring_forward_day_the_local_hour_that_never_happens_counts_nothing() -> None:
    """02:30-05:00 on 29 March 2026 is 03:00-05:00 CEST: two hours, from 03:00."""
    calendar = sundays((150, 300))
    sunday = berlin(2026, 3, 29)

    assert calendar.between(sunday, berlin(2026, 3, 30)) == 2 * HOUR
    assert calendar.add(sunday, HOUR) == datetime(2026, 3, 29, 2, tzinfo=UTC)  # 04:00 CEST
    assert calendar.add(sunday, 2 * HOUR) == datetime(2026, 3, 29, 3, tzinfo=UTC)  # 05:00


def test_on_fall_back_day_the_repeated_local_hour_counts_twice() -> None:
    """01:00-02:30 on 25 October 2026 is 01:00-02:30 CEST and 02:00-02:30 CET: two hours."""
    calendar = sundays((60, 150))
    sunday = berlin(2026, 10, 25)

    assert calendar.between(sunday, berlin(2026, 10, 26)) == 2 * HOUR
    # 02:30 CEST ends the first piece; 02:00 CET starts the second one, an hour later.
    assert calendar.add(sunday, 90 * timedelta(minutes=1)) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )
    assert calendar.add(sunday, 100 * timedelta(minutes=1)) == datetime(
        2026, 10, 25, 1, 10, tzinfo=UTC
    )
    assert calendar.add(sunday, 2 * HOUR) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


def test_landing_on_an_intervals_end_gives_that_end_not_the_next_start() -> None:
    assert OFFICE.add(berlin(2026, 3, 23, 9), 8 * HOUR) == berlin(2026, 3, 23, 17)
    assert OFFICE.add(berlin(2026, 3, 20, 16), HOUR) == berlin(2026, 3, 20, 17)


def test_going_back_to_an_intervals_start_gives_that_start_not_the_previous_end() -> None:
    assert OFFICE.add(berlin(2026, 3, 24, 10), -HOUR) == berlin(2026, 3, 24, 9)
    assert OFFICE.add(berlin(2026, 3, 24, 17), -8 * HOUR) == berlin(2026, 3, 24, 9)


def test_between_backwards_is_negative() -> None:
    assert OFFICE.between(berlin(2026, 3, 23, 10), berlin(2026, 3, 20, 16)) == -2 * HOUR


def test_adding_nothing_gives_the_start_in_utc() -> None:
    start = berlin(2026, 3, 21, 12)  # a Saturday: no business time, still the start

    result = OFFICE.add(start, timedelta(0))

    assert result == start
    assert result.tzinfo is UTC


def test_results_are_in_utc_whatever_the_inputs_zone() -> None:
    start = datetime(2026, 3, 23, 8, tzinfo=timezone(timedelta(hours=-5)))  # 14:00 Berlin

    result = OFFICE.add(start, 2 * HOUR)

    assert result.tzinfo is UTC
    assert result == berlin(2026, 3, 23, 16)


def test_time_is_counted_to_the_microsecond() -> None:
    start = berlin(2026, 3, 23, 16, 59, 59, 250_000)

    assert OFFICE.add(start, timedelta(seconds=1)) == berlin(2026, 3, 24, 9, 0, 0, 250_000)
    assert OFFICE.between(start, berlin(2026, 3, 24, 9, 0, 0, 1)) == timedelta(microseconds=750_001)


def test_wall_clock_counts_every_instant_even_across_daylight_saving_changes() -> None:
    saturday_noon = berlin(2026, 3, 28, 12)

    sunday = WALL_CLOCK.add(saturday_noon, 24 * HOUR)

    assert sunday == berlin(2026, 3, 29, 13)  # the night was an hour short
    assert WALL_CLOCK.between(saturday_noon, berlin(2026, 3, 29, 12)) == 23 * HOUR
    assert WALL_CLOCK.between(sunday, saturday_noon) == -24 * HOUR


def test_both_clocks_are_clocks() -> None:
    clocks: list[Clock] = [WALL_CLOCK, OFFICE]

    assert [clock.add(berlin(2026, 3, 23, 9), HOUR) for clock in clocks] == [
        berlin(2026, 3, 23, 10)
    ] * 2


@pytest.mark.parametrize(
    ("week", "message"),
    [
        ((NINE_TO_FIVE,) * 6, "7 days"),
        ((((600, 700), (540, 600)),) + ((),) * 6, "sorted"),
        ((((540, 700), (600, 800)),) + ((),) * 6, "overlap"),
        ((((-1, 60),),) + ((),) * 6, "0 <= start < end <= 1440"),
        ((((60, 1441),),) + ((),) * 6, "0 <= start < end <= 1440"),
        ((((60, 60),),) + ((),) * 6, "0 <= start < end <= 1440"),
        (((),) * 7, "no business time"),
    ],
)
def test_a_week_out_of_shape_or_without_business_time_is_refused(
    week: tuple[tuple[tuple[int, int], ...], ...], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessCalendar("Europe/Berlin", week)


def test_an_unknown_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        BusinessCalendar("Europe/Atlantis", OFFICE.week)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        OFFICE.add(datetime(2026, 3, 23, 9), HOUR)


@pytest.mark.parametrize("clock", [OFFICE, WALL_CLOCK], ids=["business", "wall"])
def test_a_result_past_datetimes_range_is_its_end(clock: Clock) -> None:
    last = datetime.max.replace(tzinfo=UTC)
    first = datetime.min.replace(tzinfo=UTC)
    assert clock.add(datetime(9999, 12, 30, tzinfo=UTC), 1000 * 40 * HOUR) == last
    assert clock.add(datetime(1, 1, 2, tzinfo=UTC), -1000 * 40 * HOUR) == first


def test_a_year_of_minutes_in_a_40_hour_week_comes_out_exact() -> None:
    """The largest target, 525,600 minutes, in about four years of office hours."""
    start = berlin(2026, 5, 4, 12)
    year = timedelta(minutes=525_600)

    due = OFFICE.add(start, year)

    assert timedelta(days=4 * 365) < due - start < HORIZON
    assert OFFICE.between(start, due) == year
    assert OFFICE.add(due, -year) == start


def test_a_result_past_the_horizon_is_the_horizon() -> None:
    """A year of minutes at an hour a week would be 168 years away: it is due at the
    horizon, and going back it reaches no further either."""
    calendar = BusinessCalendar("Europe/Berlin", ((), ((600, 660),)) + ((),) * 5)
    start = berlin(2026, 5, 4, 12)
    year = timedelta(minutes=525_600)

    assert calendar.add(start, year) == start + HORIZON
    assert calendar.add(start, -year) == start - HORIZON
    assert WALL_CLOCK.add(start, 20 * year) == start + HORIZON
    assert WALL_CLOCK.add(start, -20 * year) == start - HORIZON


# --- Against a minute-by-minute walk ------------------------------------------------------

ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "America/Santiago",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "UTC",
]
# Local dates of the zones' offset changes in 2026, and two days without one.
CHANGE_DAYS = [
    date(2026, 3, 8),
    date(2026, 3, 29),
    date(2026, 4, 4),
    date(2026, 4, 5),
    date(2026, 9, 6),
    date(2026, 9, 27),
    date(2026, 10, 4),
    date(2026, 10, 25),
    date(2026, 11, 1),
    date(2026, 1, 1),
    date(2026, 6, 15),
]
MINUTE = timedelta(minutes=1)
WALK_LIMIT = 4 * 1440  # minutes the reference walks for add before giving up


def is_business(calendar: BusinessCalendar, minute: datetime) -> bool:
    """The definition, read literally: the UTC minute's local date and time of day."""
    local = minute.astimezone(ZoneInfo(calendar.timezone))
    of_day = local.hour * 60 + local.minute
    hours = calendar.week[local.weekday()]
    return local.date() not in calendar.holidays and any(a <= of_day < b for a, b in hours)


def walked_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> int:
    if end < start:
        return -walked_between(calendar, end, start)
    # In UTC: adding a minute to a datetime in a ZoneInfo would step its wall-clock time.
    count, minute = 0, start.astimezone(UTC)
    while minute < end:
        count += is_business(calendar, minute)
        minute += MINUTE
    return count


def walked_add(calendar: BusinessCalendar, start: datetime, minutes: int) -> datetime | None:
    """The instant `minutes` business minutes away, or None if not within WALK_LIMIT."""
    step = MINUTE if minutes >= 0 else -MINUTE
    count, at = 0, start.astimezone(UTC)
    for _ in range(WALK_LIMIT):
        if count == abs(minutes):
            return at
        # Forward the minute starting at `at` counts; backward, the one ending at it.
        count += is_business(calendar, at if minutes >= 0 else at - MINUTE)
        at += step
    return at if count == abs(minutes) else None


def day_hours(bounds: list[int]) -> tuple[tuple[int, int], ...]:
    """Sorted distinct minutes, paired up: (b0, b1), (b2, b3)... (an odd last one dropped)."""
    ordered = sorted(bounds)
    return tuple(zip(ordered[::2], ordered[1::2], strict=False))


minutes_of_day = st.one_of(st.integers(0, 48).map(lambda k: 30 * k), st.integers(0, 1440))
weeks = st.tuples(*[st.lists(minutes_of_day, max_size=6, unique=True).map(day_hours)] * 7).filter(
    any
)


@st.composite
def calendars_and_starts(draw: st.DrawFn) -> tuple[BusinessCalendar, datetime]:
    zone = draw(st.sampled_from(ZONES))
    day = draw(
        st.one_of(st.sampled_from(CHANGE_DAYS), st.dates(date(1990, 1, 1), date(2090, 1, 1)))
    )
    holidays = draw(st.sets(st.integers(-5, 5), max_size=4))
    calendar = BusinessCalendar(
        zone, draw(weeks), frozenset(day + timedelta(days=d) for d in holidays)
    )
    minute = draw(st.integers(-3 * 1440, 3 * 1440))
    start = datetime.combine(day, time(), UTC) + minute * MINUTE
    given_in = draw(st.sampled_from([UTC, ZoneInfo(zone), timezone(timedelta(hours=-3.5))]))
    return calendar, start.astimezone(given_in)


@settings(max_examples=250, deadline=None)
@given(
    case=calendars_and_starts(),
    span=st.integers(-3000, 3000),
    minutes=st.one_of(st.integers(-600, 600), st.integers(-3000, 3000)),
)
def test_business_time_is_what_a_minute_by_minute_walk_counts(
    case: tuple[BusinessCalendar, datetime], span: int, minutes: int
) -> None:
    calendar, start = case
    end = start.astimezone(UTC) + span * MINUTE
    delta = minutes * MINUTE

    assert calendar.between(start, end) == walked_between(calendar, start, end) * MINUTE

    due = calendar.add(start, delta)
    assert calendar.between(start, due) == delta
    walked = walked_add(calendar, start, minutes)
    if walked is not None:
        assert due == walked
    else:
        assert abs(due - start) >= WALK_LIMIT * MINUTE

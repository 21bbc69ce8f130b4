"""The clocks are total: over any calendar (down to a minute a week, holidays anywhere),
any start in datetime's range and any amount, add gives an instant within HORIZON of the
start, never an exception; the due dates it gives only move later with a later start or a
longer target; and a ticket's first response is never due after its resolution."""

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk.tickets.models import MAX_SLA_MINUTES, Status
from helpdesk.tickets.sla.calendar import HORIZON, WALL_CLOCK, BusinessCalendar, Clock
from helpdesk.tickets.sla.clock import Clocks, retime

MINUTE = timedelta(minutes=1)
LONGEST = MAX_SLA_MINUTES * MINUTE
ZONES = ["UTC", "Europe/Berlin", "America/Santiago", "Australia/Lord_Howe", "Pacific/Chatham"]
EXAMPLES = settings(max_examples=80, deadline=None)


def day_hours(bounds: list[int]) -> tuple[tuple[int, int], ...]:
    """Sorted distinct minutes, paired up: (b0, b1), (b2, b3)... (an odd last one dropped)."""
    ordered = sorted(bounds)
    return tuple(zip(ordered[::2], ordered[1::2], strict=False))


# Days of a minute or two as well as whole days, so that a year's target may need millennia.
minutes_of_day = st.one_of(st.integers(0, 1440), st.integers(600, 602))
weeks = st.tuples(*[st.lists(minutes_of_day, max_size=4, unique=True).map(day_hours)] * 7).filter(
    any
)
holidays = st.frozensets(st.dates(date(1990, 1, 1), date(2100, 1, 1)), max_size=30)


@st.composite
def clocks(draw: st.DrawFn) -> Clock:
    if draw(st.booleans()):
        return WALL_CLOCK
    return BusinessCalendar(draw(st.sampled_from(ZONES)), draw(weeks), draw(holidays))


# Mostly this century, sometimes at either end of datetime's range.
starts = st.one_of(
    st.datetimes(datetime(1990, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC)),
    st.datetimes(datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59), timezones=st.just(UTC)),
)
amounts = st.one_of(
    st.integers(-2 * MAX_SLA_MINUTES, 2 * MAX_SLA_MINUTES).map(lambda m: m * MINUTE),
    st.timedeltas(-2 * LONGEST, 2 * LONGEST),
)
RANGE_END = datetime.max.replace(tzinfo=UTC)
RANGE_START = datetime.min.replace(tzinfo=UTC)


@EXAMPLES
@given(clock=clocks(), start=starts, amount=amounts)
def test_add_never_raises_and_stays_within_the_horizon(
    clock: Clock, start: datetime, amount: timedelta
) -> None:
    due = clock.add(start, amount)

    latest, earliest = RANGE_END - start, start - RANGE_START
    assert -min(HORIZON, earliest) <= due - start <= min(HORIZON, latest)
    counted = clock.between(start, due)
    if abs(due - start) < min(HORIZON, latest if amount > timedelta(0) else earliest):
        assert counted == amount  # exact inside the horizon
    else:
        assert abs(counted) <= abs(amount)  # cut short at the horizon or the range's end
    assert (due >= start) if amount >= timedelta(0) else (due <= start)


@EXAMPLES
@given(clock=clocks(), start=starts, later=amounts, a=amounts, b=amounts)
def test_due_dates_move_later_with_the_start_and_the_target(
    clock: Clock, start: datetime, later: timedelta, a: timedelta, b: timedelta
) -> None:
    shorter, longer = sorted((a, b))
    assert clock.add(start, shorter) <= clock.add(start, longer)
    second = min(start + abs(later), RANGE_END)
    assert clock.add(start, a) <= clock.add(second, a)


STATUSES = list(Status)
# (minutes after the last change, the new status, the new targets as first response <=
# resolution, in minutes, and whether they count in the business hours).
changes = st.lists(
    st.tuples(
        st.integers(0, 3 * MAX_SLA_MINUTES),
        st.sampled_from(STATUSES),
        st.lists(st.integers(0, MAX_SLA_MINUTES), min_size=2, max_size=2).map(sorted),
        st.booleans(),
    ),
    max_size=6,
)


@EXAMPLES
@given(
    week=weeks,
    days_off=holidays,
    zone=st.sampled_from(ZONES),
    created=st.datetimes(datetime(1990, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC)),
    targets=st.lists(st.integers(0, MAX_SLA_MINUTES), min_size=2, max_size=2).map(sorted),
    steps=changes,
)
def test_a_tickets_clocks_never_raise_and_answer_first(
    week: tuple[tuple[tuple[int, int], ...], ...],
    days_off: frozenset[date],
    zone: str,
    created: datetime,
    targets: list[int],
    steps: list[tuple[int, Status, list[int], bool]],
) -> None:
    """Through any status changes and retargets (a new priority), in and out of business
    hours: no exception, and the first response is never due after the resolution."""
    calendar = BusinessCalendar(zone, week, days_off)
    first, resolution = targets
    clock: Clock = calendar
    ticket = Clocks.start(
        now=created, clock=clock, first_response=first * MINUTE, resolution=resolution * MINUTE
    )
    status, now = Status.open, created
    for minutes, new_status, (new_first, new_resolution), business in steps:
        now = min(now + minutes * MINUTE, datetime.combine(date(9990, 1, 1), time(), UTC))
        new_clock: Clock = calendar if business else WALL_CLOCK
        ticket = retime(
            ticket,
            old=status,
            new=new_status,
            now=now,
            old_clock=clock,
            new_clock=new_clock,
            first_response_change=(new_first - first) * MINUTE,
            resolution_change=(new_resolution - resolution) * MINUTE,
        )
        status, clock, first, resolution = new_status, new_clock, new_first, new_resolution
        if ticket.first_response_due_at is not None and ticket.due_at is not None:
            assert ticket.first_response_due_at <= ticket.due_at

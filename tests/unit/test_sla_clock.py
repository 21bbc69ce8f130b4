"""clock.py: a ticket's two SLA clocks, first response and resolution, run in open and
in_progress, pause in pending and on_hold, stop in resolved and closed. Time counts only
while running, in the ticket's clock; a pause or a stop keeps the time left; a priority
change keeps the time spent (new time left = new target - time spent); a first response,
once made, is settled.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk.tickets.models import Status
from helpdesk.tickets.sla.calendar import WALL_CLOCK, BusinessCalendar, Clock
from helpdesk.tickets.sla.clock import Clocks, Phase, phase_of, respond, retime

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
BERLIN = ZoneInfo("Europe/Berlin")

OFFICE = BusinessCalendar(
    "Europe/Berlin",
    (((540, 1020),),) * 5 + ((), ()),
    holidays=frozenset({date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 1), date(2026, 10, 26)}),
)
ALWAYS_UTC = BusinessCalendar("UTC", (((0, 1440),),) * 7)
# Weekends in New York, with Sunday's night hours over the daylight-saving change at 02:00.
WEEKENDS = BusinessCalendar(
    "America/New_York", ((),) * 5 + (((600, 1080),), ((0, 240), (600, 1080)))
)
# Nights in Berlin, 22:00-03:00: they hold the hour that never happens and the one that
# happens twice.
NIGHTS = BusinessCalendar("Europe/Berlin", (((0, 180), (1320, 1440)),) * 7)
CLOCKS: dict[str, Clock] = {
    "wall": WALL_CLOCK,
    "office": OFFICE,
    "always_utc": ALWAYS_UTC,
    "weekends": WEEKENDS,
    "nights": NIGHTS,
}


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def start(
    now: datetime, clock: Clock = WALL_CLOCK, *, first_response: int = 60, resolution: int = 480
) -> Clocks:
    return Clocks.start(
        now=now, clock=clock, first_response=first_response * MINUTE, resolution=resolution * MINUTE
    )


def status_change(
    clocks: Clocks, old: Status, new: Status, now: datetime, clock: Clock = WALL_CLOCK
) -> Clocks:
    return retime(clocks, old=old, new=new, now=now, old_clock=clock, new_clock=clock)


# --- The readable cases -------------------------------------------------------------------


def test_a_new_ticket_has_both_clocks_running_from_now() -> None:
    now = berlin(2026, 3, 23, 16)

    clocks = start(now, OFFICE, first_response=120, resolution=480)

    assert clocks.sla_started_at == now
    assert clocks.first_response_due_at == berlin(2026, 3, 24, 10)
    assert clocks.due_at == berlin(2026, 3, 24, 16)
    assert clocks.resolved_at is None
    assert clocks.first_responded_at is None


def test_a_pause_keeps_the_time_left_and_resuming_restarts_from_now() -> None:
    clocks = start(berlin(2026, 3, 23, 9))  # 60 and 480 minutes, wall clock

    paused = status_change(clocks, Status.open, Status.pending, berlin(2026, 3, 23, 9, 20))

    assert paused.due_at is None
    assert paused.first_response_due_at is None
    assert paused.sla_started_at is None
    assert paused.sla_remaining == 460 * MINUTE
    assert paused.first_response_remaining == 40 * MINUTE

    resumed = status_change(paused, Status.pending, Status.in_progress, berlin(2026, 3, 23, 12))

    assert resumed.sla_started_at == berlin(2026, 3, 23, 12)
    assert resumed.first_response_due_at == berlin(2026, 3, 23, 12, 40)
    assert resumed.due_at == berlin(2026, 3, 23, 19, 40)


def test_moving_between_two_running_or_two_paused_statuses_changes_nothing() -> None:
    clocks = start(berlin(2026, 3, 23, 9))
    paused = status_change(clocks, Status.open, Status.on_hold, berlin(2026, 3, 23, 10))

    assert status_change(clocks, Status.open, Status.in_progress, berlin(2026, 3, 23, 9, 30)) is (
        clocks
    )
    assert status_change(paused, Status.on_hold, Status.pending, berlin(2026, 3, 23, 11)) is paused


def test_resolving_stops_the_clock_and_reopening_restarts_it_with_what_was_left() -> None:
    clocks = start(berlin(2026, 3, 23, 9), first_response=60, resolution=480)

    resolved = status_change(clocks, Status.open, Status.resolved, berlin(2026, 3, 23, 10, 40))

    assert resolved.resolved_at == berlin(2026, 3, 23, 10, 40)
    assert resolved.sla_started_at is None
    assert resolved.sla_remaining == 380 * MINUTE
    assert resolved.due_at == berlin(2026, 3, 23, 17)  # resolved in time: due_at > resolved_at
    assert resolved.first_response_remaining == -40 * MINUTE
    assert resolved.first_response_due_at == berlin(2026, 3, 23, 10)

    reopened = status_change(resolved, Status.resolved, Status.open, berlin(2026, 3, 25, 8))

    assert reopened.resolved_at is None
    assert reopened.sla_started_at == berlin(2026, 3, 25, 8)
    assert reopened.due_at == berlin(2026, 3, 25, 14, 20)
    assert reopened.first_response_due_at == berlin(2026, 3, 25, 7, 20)  # still 40 min late


def test_closing_a_resolved_ticket_keeps_when_it_was_resolved() -> None:
    clocks = start(berlin(2026, 3, 23, 9))
    resolved = status_change(clocks, Status.in_progress, Status.resolved, berlin(2026, 3, 23, 10))

    closed = status_change(resolved, Status.resolved, Status.closed, berlin(2026, 3, 30, 10))

    assert closed.resolved_at == berlin(2026, 3, 23, 10)
    assert closed.due_at == resolved.due_at == berlin(2026, 3, 23, 17)
    assert closed.sla_remaining == 420 * MINUTE


def test_closing_a_resolved_ticket_with_a_new_priority_counts_from_its_resolution() -> None:
    """Business hours from the resolution, a Monday at 10:00 (60 minutes spent)."""
    clocks = start(berlin(2026, 3, 23, 9))
    resolved = status_change(clocks, Status.in_progress, Status.resolved, berlin(2026, 3, 23, 10))

    closed = retime(
        resolved,
        old=Status.resolved,
        new=Status.closed,
        now=berlin(2026, 3, 30, 10),
        old_clock=WALL_CLOCK,
        new_clock=OFFICE,
        resolution_change=60 * MINUTE,  # 540 minutes: 480 left
    )

    assert closed.resolved_at == berlin(2026, 3, 23, 10)
    assert closed.sla_remaining == 480 * MINUTE
    assert closed.due_at == berlin(2026, 3, 24, 10)


def test_a_priority_change_while_paused_keeps_the_time_spent() -> None:
    """300 of 480 minutes spent, wall clock; the new priority has 240 in business hours."""
    clocks = start(berlin(2026, 3, 27, 9), first_response=600, resolution=480)
    paused = status_change(clocks, Status.open, Status.pending, berlin(2026, 3, 27, 14))

    changed = retime(
        paused,
        old=Status.pending,
        new=Status.pending,
        now=berlin(2026, 3, 28, 11),
        old_clock=WALL_CLOCK,
        new_clock=OFFICE,
        first_response_change=-120 * MINUTE,
        resolution_change=-240 * MINUTE,
    )

    assert changed.due_at is None
    assert changed.first_response_due_at is None
    assert changed.sla_remaining == -60 * MINUTE
    assert changed.first_response_remaining == 180 * MINUTE

    # Resumed on Sunday (spring-forward day): 60 minutes late already, 3 hours to respond.
    resumed = status_change(changed, Status.pending, Status.open, berlin(2026, 3, 29, 12), OFFICE)

    assert resumed.due_at == berlin(2026, 3, 27, 16)  # the latest with an hour until now
    assert resumed.first_response_due_at == berlin(2026, 3, 30, 12)
    assert OFFICE.between(berlin(2026, 3, 29, 12), resumed.due_at) == -HOUR


def test_a_priority_change_while_running_counts_the_time_spent_in_the_old_clock() -> None:
    """Friday 15:00 to Saturday 09:00 is 18 wall-clock hours of 24; then 6 business hours
    are left, from a Saturday: Monday 15:00."""
    clocks = start(berlin(2026, 3, 20, 15), first_response=60, resolution=24 * 60)

    changed = retime(
        clocks,
        old=Status.open,
        new=Status.open,
        now=berlin(2026, 3, 21, 9),
        old_clock=WALL_CLOCK,
        new_clock=OFFICE,
    )

    assert changed.sla_started_at == berlin(2026, 3, 21, 9)
    assert changed.sla_remaining == 6 * HOUR
    assert changed.due_at == berlin(2026, 3, 23, 15)
    assert changed.first_response_remaining == -17 * HOUR


def test_a_first_response_while_running_keeps_its_due_date() -> None:
    clocks = start(berlin(2026, 3, 23, 9), first_response=60)

    responded = respond(
        clocks, status=Status.open, now=berlin(2026, 3, 23, 9, 45), clock=WALL_CLOCK
    )

    assert responded.first_responded_at == berlin(2026, 3, 23, 9, 45)
    assert responded.first_response_due_at == berlin(2026, 3, 23, 10)
    assert responded.first_response_remaining is None


def test_a_first_response_while_paused_is_due_at_now_plus_the_time_left() -> None:
    clocks = start(berlin(2026, 3, 23, 9), first_response=60)
    paused = status_change(clocks, Status.open, Status.pending, berlin(2026, 3, 23, 9, 20))

    responded = respond(paused, status=Status.pending, now=berlin(2026, 3, 24, 8), clock=WALL_CLOCK)

    assert responded.first_responded_at == berlin(2026, 3, 24, 8)
    assert responded.first_response_due_at == berlin(2026, 3, 24, 8, 40)  # in time
    assert responded.first_response_remaining is None
    assert responded.due_at is None
    assert responded.sla_remaining == paused.sla_remaining


def test_a_first_response_is_settled_for_good() -> None:
    clocks = start(berlin(2026, 3, 23, 9), first_response=60)
    responded = respond(
        clocks, status=Status.open, now=berlin(2026, 3, 23, 9, 45), clock=WALL_CLOCK
    )

    again = respond(responded, status=Status.open, now=berlin(2026, 3, 23, 11), clock=WALL_CLOCK)
    paused = status_change(responded, Status.open, Status.pending, berlin(2026, 3, 23, 12))
    changed = retime(
        paused,
        old=Status.pending,
        new=Status.open,
        now=berlin(2026, 3, 24, 12),
        old_clock=WALL_CLOCK,
        new_clock=OFFICE,
        first_response_change=-30 * MINUTE,
        resolution_change=60 * MINUTE,
    )

    assert again is responded
    for later in (paused, changed):
        assert later.first_responded_at == berlin(2026, 3, 23, 9, 45)
        assert later.first_response_due_at == berlin(2026, 3, 23, 10)
        assert later.first_response_remaining is None


# --- Against a minute-by-minute reference -------------------------------------------------


def is_business(calendar: BusinessCalendar, minute: datetime) -> bool:
    """The definition, read literally: the UTC minute's local date and time of day."""
    local = minute.astimezone(ZoneInfo(calendar.timezone))
    of_day = local.hour * 60 + local.minute
    hours = calendar.week[local.weekday()]
    return local.date() not in calendar.holidays and any(a <= of_day < b for a, b in hours)


@cache
def counted_minutes_of_hour(name: str, hour: datetime) -> tuple[int, ...]:
    """For each minute of a UTC hour, 1 if the clock counts it, else 0 (cached: the walks
    of many examples cross the same hours)."""
    clock = CLOCKS[name]
    if not isinstance(clock, BusinessCalendar):
        return (1,) * 60
    return tuple(int(is_business(clock, hour + k * MINUTE)) for k in range(60))


def walked_minutes(name: str, start: datetime, end: datetime) -> int:
    """The minutes in [start, end) (UTC, minute-aligned) that the clock counts."""
    count, at = 0, start
    while at < end:
        hour = at.replace(minute=0)
        upto = min(end, hour + HOUR)
        count += sum(
            counted_minutes_of_hour(name, hour)[at.minute : at.minute + (upto - at) // MINUTE]
        )
        at = upto
    return count


@dataclass
class Target:
    minutes: int
    spent: int = 0

    @property
    def left(self) -> timedelta:
        return (self.minutes - self.spent) * MINUTE

    def change(self, minutes: int | None) -> timedelta:
        return timedelta(0) if minutes is None else (minutes - self.minutes) * MINUTE

    def retarget(self, minutes: int | None) -> None:
        if minutes is not None:
            self.minutes = minutes


@dataclass
class Reference:
    """The ticket as the rules say, counting spent minutes one by one."""

    at: datetime
    clock: str
    first_response: Target
    resolution: Target
    status: Status = Status.open
    resolved_at: datetime | None = None
    responded_at: datetime | None = None
    first_response_due_at: datetime | None = None  # once responded

    def run_until(self, now: datetime) -> None:
        if phase_of(self.status) is Phase.running:
            spent = walked_minutes(self.clock, self.at, now)
            self.resolution.spent += spent
            self.first_response.spent += spent
        self.at = now

    def move_to(self, status: Status, now: datetime) -> None:
        if phase_of(status) is not Phase.stopped:
            self.resolved_at = None
        elif phase_of(self.status) is not Phase.stopped:
            self.resolved_at = now
        self.status = status


@dataclass(frozen=True)
class StatusChange:
    status: Status


@dataclass(frozen=True)
class PriorityChange:
    """New targets (None: the same) and a new clock, maybe along with a new status (one
    write)."""

    clock: str
    first_response: int | None
    resolution: int | None
    status: Status | None = None


@dataclass(frozen=True)
class FirstResponse:
    pass


Event = StatusChange | PriorityChange | FirstResponse

statuses = st.sampled_from(list(Status))
clock_names = st.sampled_from(list(CLOCKS))
targets = st.one_of(st.integers(0, 240), st.integers(0, 3000))
EVENTS: dict[type[Event], st.SearchStrategy[Event]] = {
    StatusChange: st.builds(StatusChange, statuses),
    PriorityChange: st.builds(
        PriorityChange, clock_names, st.none() | targets, st.none() | targets, st.none() | statuses
    ),
    FirstResponse: st.just(FirstResponse()),
}
events = st.tuples(
    st.one_of(st.integers(1, 60), st.integers(1, 2000)),  # minutes since the last event
    # Three status changes and two priority changes to one first response.
    st.sampled_from([StatusChange] * 3 + [PriorityChange] * 2 + [FirstResponse]).flatmap(
        lambda kind: EVENTS[kind]
    ),
)
# Near the daylight-saving changes of Berlin (29 March, 25 October 2026) and New York
# (8 March, 1 November 2026), around Easter (holidays), or anywhere in three years.
anchors = st.one_of(
    st.sampled_from(
        [
            datetime(2026, 3, 29, 1, tzinfo=UTC),
            datetime(2026, 10, 25, 1, tzinfo=UTC),
            datetime(2026, 3, 8, 7, tzinfo=UTC),
            datetime(2026, 11, 1, 6, tzinfo=UTC),
            datetime(2026, 4, 3, 12, tzinfo=UTC),
        ]
    ).flatmap(lambda anchor: st.integers(-3000, 600).map(lambda m: anchor + m * MINUTE)),
    st.integers(0, 3 * 525_600).map(lambda m: datetime(2025, 1, 1, tzinfo=UTC) + m * MINUTE),
)


def check(clocks: Clocks, ref: Reference, now: datetime) -> None:
    """The clocks say what the reference does, at `now`."""
    clock = CLOCKS[ref.clock]
    phase = phase_of(ref.status)
    assert (clocks.due_at is None) == (phase is Phase.paused)
    assert (clocks.sla_started_at is None) == (phase is not Phase.running)
    assert clocks.resolved_at == (ref.resolved_at if phase is Phase.stopped else None)
    check_target(
        clock, phase, now, clocks, clocks.due_at, clocks.sla_remaining, ref.resolution.left
    )
    assert clocks.first_responded_at == ref.responded_at
    if ref.responded_at is None:
        assert clocks.first_response_remaining is not None
        assert (clocks.first_response_due_at is None) == (phase is Phase.paused)
        check_target(
            clock,
            phase,
            now,
            clocks,
            clocks.first_response_due_at,
            clocks.first_response_remaining,
            ref.first_response.left,
        )
    else:
        assert clocks.first_response_remaining is None
        assert clocks.first_response_due_at == ref.first_response_due_at


def check_target(
    clock: Clock,
    phase: Phase,
    now: datetime,
    clocks: Clocks,
    due_at: datetime | None,
    remaining: timedelta,
    left: timedelta,
) -> None:
    if phase is Phase.paused:
        assert remaining == left
    elif phase is Phase.running:
        assert due_at is not None and clocks.sla_started_at is not None
        assert clock.between(now, due_at) == left
        # What's kept is the time left at the run's start.
        assert remaining - clock.between(clocks.sla_started_at, now) == left
        if left > timedelta(0):
            assert due_at == clock.add(now, left)
    else:
        assert due_at is not None and clocks.resolved_at is not None
        assert due_at == clock.add(clocks.resolved_at, left)
        assert clock.between(clocks.resolved_at, due_at) == left
        assert remaining == left


@settings(max_examples=400, deadline=None)
@given(
    started=anchors,
    clock=clock_names,
    first_response=targets,
    resolution=targets,
    steps=st.lists(events, max_size=10),
)
def test_clocks_count_what_a_minute_by_minute_walk_counts_while_running(
    started: datetime,
    clock: str,
    first_response: int,
    resolution: int,
    steps: list[tuple[int, Event]],
) -> None:
    """A ticket from its start through status changes, priority changes (new targets, a new
    clock) and a first response, at increasing minutes: at each, the time left is the target
    less the minutes spent running, each in the clock in force then; due dates and the
    resolution are where the rules put them; a first response, once made, stays."""
    ref = Reference(started, clock, Target(first_response), Target(resolution))
    clocks = Clocks.start(
        now=started,
        clock=CLOCKS[clock],
        first_response=first_response * MINUTE,
        resolution=resolution * MINUTE,
    )
    check(clocks, ref, started)
    now = started
    for gap, event in steps:
        now += gap * MINUTE
        ref.run_until(now)
        old_clock = CLOCKS[ref.clock]
        if isinstance(event, StatusChange):
            clocks = retime(
                clocks,
                old=ref.status,
                new=event.status,
                now=now,
                old_clock=old_clock,
                new_clock=old_clock,
            )
            ref.move_to(event.status, now)
        elif isinstance(event, PriorityChange):
            new_status = ref.status if event.status is None else event.status
            clocks = retime(
                clocks,
                old=ref.status,
                new=new_status,
                now=now,
                old_clock=old_clock,
                new_clock=CLOCKS[event.clock],
                first_response_change=ref.first_response.change(event.first_response),
                resolution_change=ref.resolution.change(event.resolution),
            )
            ref.move_to(new_status, now)
            ref.clock = event.clock
            ref.first_response.retarget(event.first_response)
            ref.resolution.retarget(event.resolution)
        else:
            before = clocks
            clocks = respond(clocks, status=ref.status, now=now, clock=old_clock)
            if ref.responded_at is None:
                # Running: due when it was; else as if it ran from now with what is left.
                if phase_of(ref.status) is Phase.running:
                    assert clocks.first_response_due_at == before.first_response_due_at
                else:
                    assert clocks.first_response_due_at == old_clock.add(
                        now, ref.first_response.left
                    )
                ref.responded_at = now
                ref.first_response_due_at = clocks.first_response_due_at
            else:
                assert clocks is before
        check(clocks, ref, now)

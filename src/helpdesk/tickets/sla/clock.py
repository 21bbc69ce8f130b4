"""A ticket's two SLA clocks, first response and resolution, through its status changes.

Each clock is in one of three phases, set by the ticket's status:
- running (open, in_progress): it started at `started_at` with some time left, and is
  due when that time has been counted from there;
- paused (pending, on_hold): no due date; the time left is kept (negative: past due);
- stopped (resolved, closed): the due date stays, `resolved_at` says when it stopped (so
  "resolved in time" is due_at > resolved_at, for ever) and the time left then is kept.
The time left is what every change carries across: counted while running, kept while
paused or stopped, plus any change of target. So a pause keeps what was left, a priority
change keeps the time already spent (paused time is never spent), and a reopened ticket
has what was left when it was resolved. Time is counted by a Clock: wall-clock time or
business hours (calendar.py); the time spent is counted from the start of the run, so a
holiday added since then is not counted as spent. A first response, once made, is settled.

Pure: the caller supplies `now` (the database's clock) and the Clocks to count in."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum

from helpdesk.tickets.models import Status
from helpdesk.tickets.sla.calendar import Clock


class Phase(Enum):
    running = "running"
    paused = "paused"
    stopped = "stopped"


PAUSED_STATUSES = frozenset({Status.pending, Status.on_hold})
STOPPED_STATUSES = frozenset({Status.resolved, Status.closed})


def phase_of(status: Status | str) -> Phase:
    status = Status(status)
    if status in PAUSED_STATUSES:
        return Phase.paused
    if status in STOPPED_STATUSES:
        return Phase.stopped
    return Phase.running


@dataclass(frozen=True, slots=True)
class Clocks:
    """A ticket's clocks as stored (the ticket's columns of the same names)."""

    sla_started_at: datetime | None  # the current run's start; None unless running
    due_at: datetime | None
    sla_remaining: timedelta  # at the run's start, the pause, or the stop
    first_response_due_at: datetime | None
    first_response_remaining: timedelta | None  # None once responded
    first_responded_at: datetime | None
    resolved_at: datetime | None

    @classmethod
    def start(
        cls, *, now: datetime, clock: Clock, first_response: timedelta, resolution: timedelta
    ) -> "Clocks":
        """A new ticket's clocks: both running from now."""
        return cls(
            sla_started_at=now,
            due_at=clock.add(now, resolution),
            sla_remaining=resolution,
            first_response_due_at=clock.add(now, first_response),
            first_response_remaining=first_response,
            first_responded_at=None,
            resolved_at=None,
        )


def _left(
    kept: timedelta, *, started_at: datetime | None, now: datetime, clock: Clock
) -> timedelta:
    """The time a target has left now: what was kept, less the time counted since the
    run started, if it is running."""
    if started_at is None:
        return kept
    return kept - clock.between(started_at, now)


def retime(
    clocks: Clocks,
    *,
    old: Status | str,
    new: Status | str,
    now: datetime,
    old_clock: Clock,
    new_clock: Clock,
    first_response_change: timedelta = timedelta(0),
    resolution_change: timedelta = timedelta(0),
) -> Clocks:
    """The clocks after the status goes from `old` to `new` at `now`, the targets change by
    the given amounts, and counting moves from `old_clock` to `new_clock` (a new priority's
    policy). Unchanged when nothing that moves a clock changed."""
    before, after = phase_of(old), phase_of(new)
    if (
        before is after
        and old_clock == new_clock
        and not first_response_change
        and not resolution_change
    ):
        return clocks
    left = _left(clocks.sla_remaining, started_at=clocks.sla_started_at, now=now, clock=old_clock)
    left += resolution_change
    first_left = None
    if clocks.first_responded_at is None:
        assert clocks.first_response_remaining is not None
        first_left = _left(
            clocks.first_response_remaining,
            started_at=clocks.sla_started_at,
            now=now,
            clock=old_clock,
        )
        first_left += first_response_change

    # From when the new phase counts: now, or when it stopped (resolved, then closed).
    since = clocks.resolved_at if before is after is Phase.stopped else now
    assert since is not None

    def due(time_left: timedelta) -> datetime | None:
        return None if after is Phase.paused else new_clock.add(since, time_left)

    retimed = replace(
        clocks,
        sla_started_at=now if after is Phase.running else None,
        due_at=due(left),
        sla_remaining=left,
        resolved_at=since if after is Phase.stopped else None,
    )
    if first_left is None:
        return retimed
    return replace(
        retimed, first_response_due_at=due(first_left), first_response_remaining=first_left
    )


def respond(clocks: Clocks, *, status: Status | str, now: datetime, clock: Clock) -> Clocks:
    """The clocks after the first public reply at `now`. A running clock keeps its due date;
    a paused or stopped one gets the due date it would have had if it ran from now, so that
    "responded late" (first_response_due_at < first_responded_at) reads the same for all."""
    if clocks.first_responded_at is not None:
        return clocks
    settled = replace(clocks, first_responded_at=now, first_response_remaining=None)
    if phase_of(status) is Phase.running:
        return settled
    assert clocks.first_response_remaining is not None
    return replace(settled, first_response_due_at=clock.add(now, clocks.first_response_remaining))


def minutes(left: timedelta | None) -> int | None:
    """Time left in whole minutes, to the nearest; but never 0 unless exactly on time, so
    that a few seconds late reads -1 (breached), not 0."""
    if left is None:
        return None
    seconds = left.total_seconds()
    nearest = int(abs(seconds) / 60 + 0.5) or (1 if seconds else 0)
    return nearest if seconds >= 0 else -nearest

"""How the worker retries what it sends out of an event (a webhook delivery, a mail):
about 5 s, 30 s, 2 min, 10 min, 30 min, then hourly, each with a fifth of jitter, for a day;
then it has failed."""

import random
from datetime import datetime, timedelta

RETRY_PERIOD = timedelta(hours=24)
BACKOFF = (
    timedelta(seconds=5),
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
)
HOURLY = timedelta(hours=1)


def backoff(attempts: int) -> timedelta:
    """The wait after the attempts-th failure, with a fifth of jitter either way."""
    base = BACKOFF[attempts - 1] if attempts <= len(BACKOFF) else HOURLY
    return base * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not a secret


def next_attempt(*, now: datetime, attempts: int, retry_until: datetime) -> datetime | None:
    """When to try again after the attempts-th failure at `now`; None: give up (failed)."""
    if now >= retry_until:
        return None
    return now + backoff(attempts)

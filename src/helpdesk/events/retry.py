"""How the worker retries what it sends out of an event (a webhook delivery, a mail):
about 5 s, 30 s, 2 min, 10 min, 30 min, then hourly, each with a fifth of jitter, for a day;
then it has failed."""

import random
from datetime import datetime, timedelta

import asyncpg

RETRY_PERIOD = timedelta(hours=24)
BACKOFF = (
    timedelta(seconds=5),
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
)
HOURLY = timedelta(hours=1)
# What an attempt's failure keeps of what it was told (`last_error`).
MAX_ERROR_LENGTH = 500


def lease(timeout_seconds: float) -> timedelta:
    """How long a claimed send stays this worker's: past its own deadline, with room to
    record the outcome, so that no other worker takes it while it may still go out."""
    return timedelta(seconds=3 * timeout_seconds)


def printable(text: str) -> str:
    """An error as `last_error` keeps it: one line, no control characters (PostgreSQL
    text holds no NUL, and a receiver's or a mail server's words are not to be trusted),
    at most MAX_ERROR_LENGTH characters."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())[:MAX_ERROR_LENGTH]


async def transaction_time(connection: asyncpg.Connection) -> datetime:
    """The database's clock, as the retry times are compared with it."""
    now: datetime = await connection.fetchval("SELECT now()")
    return now


def backoff(attempts: int) -> timedelta:
    """The wait after the attempts-th failure, with a fifth of jitter either way."""
    base = BACKOFF[attempts - 1] if attempts <= len(BACKOFF) else HOURLY
    return base * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not a secret


def next_attempt(*, now: datetime, attempts: int, retry_until: datetime) -> datetime | None:
    """When to try again after the attempts-th failure at `now`; None: give up (failed)."""
    if now >= retry_until:
        return None
    return now + backoff(attempts)

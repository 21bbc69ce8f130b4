"""bcrypt hashing, run in a worker thread: a hash costs ~200 ms of CPU at cost 12 and
must not stall the event loop that serves everyone else."""

from functools import lru_cache

import bcrypt
from starlette.concurrency import run_in_threadpool

# bcrypt reads at most 72 bytes; longer passwords are refused rather than truncated.
MIN_PASSWORD_BYTES = 8
MAX_PASSWORD_BYTES = 72


def _hash(password: str, rounds: int) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds)).decode()


def _verify(password: str, password_hash: str) -> bool:
    return bcrypt.checkpw(password.encode(), password_hash.encode())


@lru_cache
def _dummy_hash(rounds: int) -> str:
    return _hash("not-the-password-of-anyone", rounds)


async def hash_password(password: str, *, rounds: int) -> str:
    return await run_in_threadpool(_hash, password, rounds)


async def verify_password(password: str, password_hash: str) -> bool:
    return await run_in_threadpool(_verify, password, password_hash)


async def spend_verify_time(password: str, *, rounds: int) -> None:
    """For an unknown email: cost what a real check costs, so timing does not tell
    which emails have accounts."""
    await run_in_threadpool(_verify, password, _dummy_hash(rounds))

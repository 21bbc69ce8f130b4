"""bcrypt hashing, off the event loop and out of everyone else's way: a hash costs ~200 ms
of CPU at cost 12 and releases the GIL. In plain worker threads, 20 logins at once would
fill every core and leave the event loop (and PostgreSQL) a sliver of the CPU. Here the
hashes run in a pool of their own, one thread fewer than the process has cores, and those
threads run at the lowest CPU priority, so the kernel gives every other request the CPU
first and logins take what is left. bench/login_storm.py measures the effect."""

import asyncio
import contextlib
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache, partial
from typing import TypeVar

import bcrypt

# bcrypt reads at most 72 bytes; longer passwords are refused rather than truncated.
MIN_PASSWORD_BYTES = 8
MAX_PASSWORD_BYTES = 72
LOWEST_PRIORITY = 19  # nice value of the hashing threads

T = TypeVar("T")


def _usable_cpus() -> int:
    # The cores this process may run on (a container's cpuset), not the host's count.
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _lower_this_threads_priority() -> None:
    # Linux gives each thread its own nice value; elsewhere the threads keep the default.
    if sys.platform == "linux":
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LOWEST_PRIORITY)


# Per process: with `--workers N`, N processes each hash this many at a time.
BCRYPT_THREADS = max(1, _usable_cpus() - 1)
_executor = ThreadPoolExecutor(
    max_workers=BCRYPT_THREADS,
    thread_name_prefix="bcrypt",
    initializer=_lower_this_threads_priority,
)


async def _run(function: "partial[T]") -> T:
    return await asyncio.get_running_loop().run_in_executor(_executor, function)


def _hash(password: str, rounds: int) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds)).decode()


def _verify(password: str, password_hash: str) -> bool:
    return bcrypt.checkpw(password.encode(), password_hash.encode())


@lru_cache
def _dummy_hash(rounds: int) -> str:
    return _hash("not-the-password-of-anyone", rounds)


async def hash_password(password: str, *, rounds: int) -> str:
    return await _run(partial(_hash, password, rounds))


async def verify_password(password: str, password_hash: str) -> bool:
    return await _run(partial(_verify, password, password_hash))


async def spend_verify_time(password: str, *, rounds: int) -> None:
    """For an unknown email: cost what a real check costs, so timing does not tell
    which emails have accounts."""
    # The dummy hash is made on first use, in the worker thread: not on the event loop.
    await _run(partial(_spend_verify_time, password, rounds))


def _spend_verify_time(password: str, rounds: int) -> None:
    _verify(password, _dummy_hash(rounds))

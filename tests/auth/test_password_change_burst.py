"""A burst of wrong-password changes must not take the desk from everyone else, against a
running `helpdesk serve` with its real pool: bcrypt (twice per change, ~200 ms of CPU each
at the production cost) runs with no pooled connection held, at the lowest CPU priority."""

import asyncio
import statistics
import time

import asyncpg
import bcrypt
import httpx

from tests.support.accounts import Account, Accounts
from tests.support.tickets import create_ticket

PRODUCTION_COST = 12
ACCOUNTS = 4
CHANGES_PER_ACCOUNT = 5
READ_EVERY_SECONDS = 0.05
QUIET_SECONDS = 2.0
TYPICAL_FLOOR_SECONDS = 0.010
# The burst's 20 requests arrive at once and are each parsed on the event loop before any
# bcrypt runs: the read that lands behind them waits 100-160 ms on this 2-core machine
# (the same before and after the request path moved to asyncpg). What this test guards
# against is seconds (2.6 s) or a 503.
WORST_FLOOR_SECONDS = 0.250


async def _read_every_50_ms(
    http: httpx.AsyncClient, url: str, headers: dict[str, str], until: asyncio.Event
) -> list[tuple[int, float]]:
    """(status, seconds) of each read of `url`, one every 50 ms until `until` is set."""
    seen: list[tuple[int, float]] = []
    while not until.is_set():
        started = time.perf_counter()
        response = await http.get(url, headers=headers)
        seen.append((response.status_code, time.perf_counter() - started))
        await asyncio.sleep(max(0.0, READ_EVERY_SECONDS - (time.perf_counter() - started)))
    return seen


async def test_wrong_password_changes_leave_other_requests_their_speed_and_no_503(
    live_server: str, accounts: Accounts, admin: Account, db: asyncpg.Connection
) -> None:
    costly_hash = bcrypt.hashpw(b"the-real-password", bcrypt.gensalt(PRODUCTION_COST)).decode()
    users = [await accounts.create("user") for _ in range(ACCOUNTS)]
    await db.execute(
        "UPDATE users SET password_hash = $1 WHERE id = ANY($2::int[])",
        costly_hash,
        [user.id for user in users],
    )
    limits = httpx.Limits(max_connections=100)
    async with httpx.AsyncClient(base_url=live_server, timeout=60, limits=limits) as http:
        ticket = await create_ticket(http, admin)
        url = f"/api/tickets/{ticket['id']}"

        done = asyncio.Event()
        quiet_reads = asyncio.create_task(_read_every_50_ms(http, url, admin.headers, done))
        await asyncio.sleep(QUIET_SECONDS)
        done.set()
        quiet = await quiet_reads

        done = asyncio.Event()
        burst_reads = asyncio.create_task(_read_every_50_ms(http, url, admin.headers, done))
        body = {"current_password": "a-wrong-password", "new_password": "whatever-new-1"}
        changes = await asyncio.gather(
            *(
                http.post("/api/me/password", json=body, headers=user.headers)
                for user in users
                for _ in range(CHANGES_PER_ACCOUNT)
            )
        )
        done.set()
        during = await burst_reads

    assert [r.status_code for r in changes] == [400] * ACCOUNTS * CHANGES_PER_ACCOUNT, [
        r.text for r in changes if r.status_code != 400
    ]
    assert {r.json()["error"]["field"] for r in changes} == {"current_password"}
    assert [status for status, _ in quiet + during if status != 200] == []
    assert len(during) >= 10, "the burst was too short to measure reads during it"
    # The typical read and the worst one, each within 2x of what it was before the burst
    # (a few ms: under the floors, a ratio would measure the scheduler, not the service).
    # Held connections made the worst read wait seconds (2.6 s, or a 503 after the pool's 5 s).
    quiet_times = [seconds for _, seconds in quiet]
    during_times = [seconds for _, seconds in during]
    typical = max(statistics.median(quiet_times), TYPICAL_FLOOR_SECONDS)
    worst = max(max(quiet_times), WORST_FLOOR_SECONDS)
    assert statistics.median(during_times) <= 2 * typical, (quiet_times, during_times)
    assert max(during_times) <= 2 * worst, (quiet_times, during_times)
    # Nothing was changed by the refused requests.
    hashes = await db.fetch(
        "SELECT password_hash, token_version FROM users WHERE id = ANY($1::int[])",
        [user.id for user in users],
    )
    assert {(row["password_hash"], row["token_version"]) for row in hashes} == {(costly_hash, 0)}

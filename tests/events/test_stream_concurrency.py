"""Events committed out of id order, by concurrent writers on several API processes: a
live stream, and one resuming meanwhile with Last-Event-ID, get each event once."""

import asyncio
from collections import Counter

import asyncpg
import httpx

from tests.support.accounts import Account
from tests.support.sse import Stream
from tests.support.tickets import add_comment, create_ticket

TICKETS = 20
COMMENTS = 300
AT_ONCE = 60
DELIVERY_SECONDS = 30.0


async def _all_events(db: asyncpg.Connection, *, after: int = 0) -> list[int]:
    rows = await db.fetch("SELECT id FROM events WHERE id > $1 ORDER BY id", after)
    return [row["id"] for row in rows]


async def test_no_event_is_lost_or_sent_twice_under_concurrent_writes(
    db: asyncpg.Connection, stream_server: str, agent: Account, requester: Account
) -> None:
    async with (
        httpx.AsyncClient(base_url=stream_server, timeout=60) as api,
        Stream(stream_server, headers=agent.headers) as live,
    ):
        tickets = [await create_ticket(api, requester) for _ in range(TICKETS)]
        await live.wait_for(TICKETS)
        resume_after = live.events()[0].id
        assert resume_after is not None
        slots = asyncio.Semaphore(AT_ONCE)

        async def comment(number: int) -> None:
            async with slots:
                await add_comment(api, agent, tickets[number % TICKETS]["id"], f"reply {number}")

        writers = [asyncio.create_task(comment(n)) for n in range(COMMENTS)]
        await asyncio.sleep(0.5)  # some written, many in flight: resuming crosses them
        async with Stream(
            stream_server, headers={**agent.headers, "Last-Event-ID": resume_after}
        ) as resumed:
            await asyncio.gather(*writers)
            everything = await _all_events(db)
            assert len(everything) == TICKETS + COMMENTS
            await live.wait_for(len(everything), seconds=DELIVERY_SECONDS)
            await resumed.wait_for(len(everything) - 1, seconds=DELIVERY_SECONDS)
            await asyncio.sleep(0.5)  # a duplicate would be here now
            got_live, got_resumed = live.event_ids(), resumed.event_ids()
    first = int(resume_after.removeprefix("evt_"))
    assert sorted(got_live) == everything, Counter(got_live).most_common(3)
    assert sorted(got_resumed) == [i for i in everything if i > first]

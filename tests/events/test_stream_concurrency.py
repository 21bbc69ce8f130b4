"""Events committed out of id order, by concurrent writers on several API processes: a
live stream, and one resuming meanwhile with Last-Event-ID, get each event once."""

import asyncio
import contextlib
from collections import Counter

import asyncpg
import httpx

from tests.support.accounts import Account
from tests.support.server import Server
from tests.support.sse import Stream, event_ids, is_event, streams_on_every_process
from tests.support.tickets import add_comment, create_ticket

TICKETS = 20
COMMENTS = 300
AT_ONCE = 60
DELIVERY_SECONDS = 30.0


async def _all_events(db: asyncpg.Connection, *, after: int = 0) -> list[int]:
    rows = await db.fetch("SELECT id FROM events WHERE id > $1 ORDER BY id", after)
    return [row["id"] for row in rows]


async def test_no_event_is_lost_or_sent_twice_under_concurrent_writes(
    db: asyncpg.Connection, stream_server: Server, agent: Account, requester: Account
) -> None:
    async with (
        httpx.AsyncClient(base_url=stream_server.base_url, timeout=60) as api,
        contextlib.AsyncExitStack() as stack,
    ):
        lives = await streams_on_every_process(stream_server, stack, headers=agent.headers, count=1)
        tickets = [await create_ticket(api, requester) for _ in range(TICKETS)]
        for live in lives:
            await live.wait_for(TICKETS)
        resume_after = lives[0].events()[0].id
        assert resume_after is not None
        slots = asyncio.Semaphore(AT_ONCE)

        async def comment(number: int) -> None:
            async with slots:
                await add_comment(api, agent, tickets[number % TICKETS]["id"], f"reply {number}")

        writers = [asyncio.create_task(comment(n)) for n in range(COMMENTS)]
        await asyncio.sleep(0.5)  # some written, many in flight: resuming crosses them
        async with Stream(
            stream_server.base_url, headers={**agent.headers, "Last-Event-ID": resume_after}
        ) as resumed:
            await asyncio.gather(*writers)
            everything = await _all_events(db)
            assert len(everything) == TICKETS + COMMENTS
            for live in lives:
                await live.wait_for(len(everything), seconds=DELIVERY_SECONDS)
            await resumed.wait_for(len(everything) - 1, seconds=DELIVERY_SECONDS)
            # A duplicate of what was committed before this ticket comes before its event.
            marker = await create_ticket(api, requester)
            created = is_event("ticket.created", "ticket", marker)
            got_live = [event_ids(await live.events_before(created)) for live in lives]
            got_resumed = event_ids(await resumed.events_before(created))
    first = int(resume_after.removeprefix("evt_"))
    for ids in got_live:
        assert sorted(ids) == everything, Counter(ids).most_common(3)
    assert sorted(got_resumed) == [i for i in everything if i > first]

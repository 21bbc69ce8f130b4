"""What opening a live stream costs: a request against the caller's rate limit, a stream
token spent (it opens one stream), and one of the account's STREAM_MAX_PER_USER places,
counted over every API process."""

import asyncio
import contextlib
import time
from collections.abc import Iterator

import asyncpg
import httpx
import pytest

from helpdesk.events.streams import STREAM_STALE_SECONDS
from tests.events.conftest import STREAM_CAP
from tests.support.accounts import Account
from tests.support.responses import assert_error
from tests.support.server import Server
from tests.support.sse import RELEASE_SECONDS, Stream, streams_on_every_process

STREAM = "/api/events/stream"
API_PER_MINUTE = 5


@pytest.fixture(scope="module")
def limited_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One process, so that its in-memory rate-limit counters are all there is (with
    several, REDIS_URL shares them)."""
    with Server(
        database_url,
        tmp_path_factory.mktemp("limited-server") / "server.log",
        env={"RATE_LIMIT_API_PER_MINUTE": str(API_PER_MINUTE)},
    ) as server:
        yield server.base_url


async def _open_rows(db: asyncpg.Connection, user_id: int) -> int:
    count: int = await db.fetchval(
        "SELECT count(*) FROM event_streams WHERE user_id = $1 AND open", user_id
    )
    return count


async def _stream_token(client: httpx.AsyncClient, account: Account) -> str:
    response = await client.post("/api/events/stream-token", headers=account.headers)
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


async def test_opening_a_stream_counts_against_the_rate_limit(
    limited_server: str, agent: Account
) -> None:
    async with httpx.AsyncClient(base_url=limited_server) as api:
        for _ in range(API_PER_MINUTE):
            assert (await api.get("/api/me", headers=agent.headers)).status_code == 200
        for _ in range(3):
            refused = await api.get(STREAM, headers=agent.headers)
            assert_error(refused, 429, "RATE_LIMIT")
            assert int(refused.headers["Retry-After"]) >= 1


async def test_a_stream_token_opens_one_stream(
    client: httpx.AsyncClient, db: asyncpg.Connection, stream_server: Server, agent: Account
) -> None:
    token = await _stream_token(client, agent)
    async with Stream(stream_server.base_url, params={"token": token}) as first:
        assert first.status == 200
        async with Stream(stream_server.base_url, params={"token": token}) as again:
            assert again.status == 401
            assert '"UNAUTHORIZED"' in again.body
        assert await _open_rows(db, agent.id) == 1
    # Nor once the first stream has ended.
    async with httpx.AsyncClient(base_url=stream_server.base_url) as raw:
        reused = await raw.get(STREAM, params={"token": token})
    assert_error(reused, 401, "UNAUTHORIZED")
    # A new token opens a new stream.
    async with Stream(
        stream_server.base_url, params={"token": await _stream_token(client, agent)}
    ) as new:
        assert new.status == 200


async def test_an_account_holds_at_most_its_streams_over_every_process(
    db: asyncpg.Connection, stream_server: Server, agent: Account, other_agent: Account
) -> None:
    async with contextlib.AsyncExitStack() as stack:
        held = await streams_on_every_process(
            stream_server,
            stack,
            headers=agent.headers,
            count=STREAM_CAP,
        )
        assert len(held) == STREAM_CAP
        async with httpx.AsyncClient(base_url=stream_server.base_url) as raw:
            refused = await raw.get(STREAM, headers=agent.headers)
        assert_error(refused, 429, "RATE_LIMIT")
        assert await _open_rows(db, agent.id) == STREAM_CAP
        # Another account's streams are its own.
        async with Stream(stream_server.base_url, headers=other_agent.headers) as theirs:
            assert theirs.status == 200
        # A stream that ends gives its place back.
        await held[-1].__aexit__(None, None, None)
        deadline = time.monotonic() + RELEASE_SECONDS
        while await _open_rows(db, agent.id) >= STREAM_CAP:
            assert time.monotonic() < deadline, "the ended stream still holds its place"
            await asyncio.sleep(0.05)
        async with Stream(stream_server.base_url, headers=agent.headers) as again:
            assert again.status == 200


async def test_streams_of_a_process_that_died_stop_counting(
    db: asyncpg.Connection, stream_server: Server, agent: Account
) -> None:
    # As a process killed while serving them leaves them: open, no longer refreshed.
    await db.execute(
        "INSERT INTO event_streams (user_id, heartbeat_at) "
        "SELECT $1, now() - make_interval(secs => $2 + 1) FROM generate_series(1, $3)",
        agent.id,
        STREAM_STALE_SECONDS,
        STREAM_CAP,
    )
    async with Stream(stream_server.base_url, headers=agent.headers) as stream:
        assert stream.status == 200
        # Swept by the account's next open.
        assert await _open_rows(db, agent.id) == 1

"""Events out, measured: commit-to-delivery latency of a burst of webhook events, and what
200 open live streams cost one API worker (memory, and the speed of a read mix beside them).

    .venv/bin/python bench/events.py [--events 1000] [--streams 200] [--markdown FILE]

On a scratch database of its own (`helpdesk_bench_events` on BENCH_DATABASE_URL's server,
default the machine's PostgreSQL), with `helpdesk serve` and `helpdesk worker` started the
tests' way (tests/support/server.py) and a webhook receiver in this process."""

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
from common import TEMP, log, percentile
from mixes import Mix
from tests.support.receiver import receiver
from tests.support.server import HELPDESK, Server, WorkerProcess, plain_url
from wrk import WRK_DIR, run_wrk

from helpdesk import migrate
from helpdesk.config import to_asyncpg_url

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE = "helpdesk_bench_events"
PASSWORD = "bench-password-123"  # noqa: S105 - the bench's own admin, on a scratch database
CONCURRENCY = 32
PAIRS = 4  # slices without and with the streams, alternating which goes first
SLICE_SECONDS = 8
GET_TICKET = Mix("get_ticket", "read", "GET /api/tickets/{id}", "agent", "get_ticket.lua")


def _database_url() -> str:
    base = os.environ.get("BENCH_DATABASE_URL", DEFAULT_SERVER)
    return urlunsplit(urlsplit(base)._replace(path=f"/{DATABASE}"))


async def _fresh_database(url: str) -> None:
    admin = await asyncpg.connect(plain_url(urlunsplit(urlsplit(url)._replace(path="/postgres"))))
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        await admin.execute(f"CREATE DATABASE {DATABASE}")
    finally:
        await admin.close()
    await migrate.upgrade(to_asyncpg_url(url))


def _create_admin(url: str) -> None:

    subprocess.run(  # noqa: S603
        [
            *(HELPDESK, "create-user", "--email", "admin@bench.example", "--name", "Admin"),
            *("--role", "admin", "--password", PASSWORD),
        ],
        env={**os.environ, "DATABASE_URL": plain_url(url), "HELPDESK_ENV": "test"},
        check=True,
        capture_output=True,
    )


async def _token(client: httpx.AsyncClient) -> dict[str, str]:
    response = await client.post(
        "/api/login", json={"email": "admin@bench.example", "password": PASSWORD}
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def delivery_latency(base_url: str, events: int) -> dict[str, float]:
    """A webhook for ticket.created, then `events` tickets created by 32 clients at once:
    for each event, the time from its commit (created_at) to its arrival at the receiver."""
    with receiver() as hook:
        arrivals: dict[str, float] = {}
        original = hook.received

        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            headers = await _token(client)
            made = await client.post(
                "/api/webhooks",
                json={"url": hook.url, "events": ["ticket.created"]},
                headers=headers,
            )
            made.raise_for_status()
            queue: asyncio.Queue[int] = asyncio.Queue()
            for n in range(events):
                queue.put_nowait(n)

            async def creator() -> None:
                while not queue.empty():
                    n = queue.get_nowait()
                    response = await client.post(
                        "/api/tickets", json={"title": f"Burst {n}"}, headers=headers
                    )
                    response.raise_for_status()

            started = time.monotonic()
            await asyncio.gather(*(creator() for _ in range(CONCURRENCY)))
            written = time.monotonic() - started
            deadline = time.monotonic() + 120
            # Counters filled by other threads and tasks: polled.
            while len(original) < events and time.monotonic() < deadline:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
        latencies = []
        for message in list(original):
            event = json.loads(message.body)
            created = datetime.fromisoformat(event["created_at"]).timestamp()
            arrivals[event["id"]] = message.received_at
            latencies.append(message.received_at - created)
    return {
        "events": float(len(latencies)),
        "write_seconds": written,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "max": max(latencies) if latencies else float("nan"),
    }


def _rss_mb(server: Server) -> float:
    """The resident memory of the process that serves the requests."""
    return sum(p.memory_info().rss for p in server.worker_processes()) / 2**20


def _read_rate(base_url: str, token: str, tickets: int) -> float:
    """GET /api/tickets/{id} of a random ticket by wrk (32 connections) for a slice:
    requests per second."""
    env = {
        "BENCH_WRK_DIR": str(WRK_DIR),
        "BENCH_RUN": "events",
        "BENCH_TOKEN": token,
        "BENCH_TICKETS": str(tickets),
    }
    figures = run_wrk(
        GET_TICKET,
        base_url=base_url,
        env=env,
        threads=2,
        connections=CONCURRENCY,
        duration=SLICE_SECONDS,
    )
    if figures.errors:
        raise SystemExit(f"the read mix failed: {figures.error_detail}")
    return figures.rps


class Streams:
    """`count` live streams held open on one client, each counting the events it gets."""

    def __init__(self, base_url: str, headers: dict[str, str], count: int) -> None:
        self.count = count
        self.headers = headers
        self.opened = 0
        self.received = 0
        self.client = httpx.AsyncClient(
            base_url=base_url,
            timeout=None,  # noqa: S113 - streams are quiet between events
            limits=httpx.Limits(max_connections=count + 10),
        )
        self.tasks: list[asyncio.Task[None]] = []

    async def _hold(self) -> None:
        async with self.client.stream("GET", "/api/events/stream", headers=self.headers) as r:
            self.opened += 1
            async for chunk in r.aiter_text():
                self.received += chunk.count("event: ")

    async def __aenter__(self) -> "Streams":
        self.tasks = [asyncio.create_task(self._hold()) for _ in range(self.count)]
        deadline = time.monotonic() + 60
        while self.opened < self.count and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        await asyncio.sleep(1)
        return self

    async def __aexit__(self, *_: object) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.client.aclose()


async def streams_cost(base_url: str, server: Server, streams: int) -> dict[str, Any]:
    """Memory before and with `streams` open; the read mix's rate without and with them,
    in PAIRS pairs of slices (alternating which goes first), the median of the pairs'
    ratios; then whether every stream receives the next event."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        headers = await _token(client)
        ticket = await client.post("/api/tickets", json={"title": "Read me"}, headers=headers)
        ticket.raise_for_status()
        tickets = ticket.json()["id"]
    token = headers["Authorization"].removeprefix("Bearer ")
    # Warm the server up before the first measured slice.
    await asyncio.to_thread(_read_rate, base_url, token, tickets)
    before = _rss_mb(server)
    after = 0.0
    quiet: list[float] = []
    busy: list[float] = []
    for pair in range(PAIRS):
        for with_streams in (False, True) if pair % 2 == 0 else (True, False):
            if not with_streams:
                quiet.append(await asyncio.to_thread(_read_rate, base_url, token, tickets))
                continue
            async with Streams(base_url, headers, streams):
                after = max(after, _rss_mb(server))
                busy.append(await asyncio.to_thread(_read_rate, base_url, token, tickets))
    async with Streams(base_url, headers, streams) as held:
        # An event for every stream: each receives it.
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            await client.post("/api/tickets", json={"title": "To all"}, headers=headers)
        deadline = time.monotonic() + 10
        while held.received < streams and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        opened, received = held.opened, held.received
    return {
        "streams": float(opened),
        "rss_before_mb": before,
        "rss_after_mb": after,
        "quiet_reads_per_s": statistics.median(quiet),
        "reads_per_s_with_streams": statistics.median(busy),
        "ratio": statistics.median(b / q for q, b in zip(quiet, busy, strict=True)),
        "pairs": float(PAIRS),
        "pair_ratios": [b / q for q, b in zip(quiet, busy, strict=True)],
        "streams_that_got_the_event": float(min(received, streams)),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--streams", type=int, default=200)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    url = _database_url()
    log(f"fresh database {DATABASE}")
    await _fresh_database(url)
    _create_admin(url)
    logs = TEMP / "bench-events"
    logs.mkdir(exist_ok=True)
    # The bench's streams are one account's: let it hold them all.
    env = {"WEBHOOK_ALLOW_PRIVATE_TARGETS": "true", "STREAM_MAX_PER_USER": str(args.streams)}
    with Server(url, logs / "server.log", workers=1, env=env) as server:
        with WorkerProcess(url, logs / "worker.log"):
            log(f"burst of {args.events} events")
            latency = await delivery_latency(server.base_url, args.events)
        log(f"{args.streams} open streams")
        streams = await streams_cost(server.base_url, server, args.streams)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    report = [
        f"# Events out, measured ({when}, {os.cpu_count()} cores)",
        "",
        f"Commit-to-delivery of {int(latency['events'])} `ticket.created` webhooks, created by "
        f"{CONCURRENCY} clients at once in {latency['write_seconds']:.1f} s (one API worker, "
        "one `helpdesk worker`, receiver on 127.0.0.1):",
        "",
        "| p50 | p95 | p99 | max | target |",
        "| --- | --- | --- | --- | --- |",
        f"| {latency['p50']:.3f} s | {latency['p95']:.3f} s | {latency['p99']:.3f} s | "
        f"{latency['max']:.3f} s | p95 < 2 s |",
        "",
        f"{int(streams['streams'])} open live streams on one API worker:",
        "",
        "| | without streams | with streams | change | target |",
        "| --- | --- | --- | --- | --- |",
        f"| memory (RSS) | {streams['rss_before_mb']:.0f} MB | {streams['rss_after_mb']:.0f} MB "
        f"| +{streams['rss_after_mb'] - streams['rss_before_mb']:.0f} MB | < +50 MB |",
        f"| `GET /api/tickets/{{id}}` by wrk, 32 connections (medians of {int(streams['pairs'])}"
        f" pairs of {SLICE_SECONDS} s slices) | {streams['quiet_reads_per_s']:.0f} req/s | "
        f"{streams['reads_per_s_with_streams']:.0f} req/s | "
        f"{streams['ratio'] - 1:+.1%} (median of the pairs' ratios) | no worse than -10% |",
        "",
        "Each pair's with/without: "
        + ", ".join(f"{ratio:.2f}" for ratio in streams["pair_ratios"])
        + ".",
        "",
        f"Streams that received the next event: {int(streams['streams_that_got_the_event'])}"
        f" of {int(streams['streams'])}.",
    ]
    text = "\n".join(report) + "\n"
    print(text)
    if args.markdown:
        args.markdown.write_text(text)


if __name__ == "__main__":
    asyncio.run(main())

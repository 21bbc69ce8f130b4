"""Overload, measured from outside: `helpdesk serve` (2 workers) under wrk at 600
connections on `GET /api/tickets/{id}`, far more than it can serve, and beside wrk a probe
of a few requests a second that times each answer by its status: how fast a refusal (503)
comes, what the accepted requests' latency is, whether any socket failed, each worker's
peak memory, and whether the service answers a health check and a read at once after.
Targets (issue 15): refusals under 50 ms, accepted p99 under 500 ms, no socket errors,
under 200 MB per worker, healthy right after.

    .venv/bin/python bench/overload.py [--connections 600] [--seconds 20] [--markdown FILE]

On the benchmark's dataset (bench/dataset.py; BENCH_DATABASE_URL), with the server set as
bench/run.py sets it and MAX_REQUESTS_IN_FLIGHT at its default unless --in-flight says."""

import argparse
import asyncio
import os
import resource
import secrets
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import dataset
import httpx
from common import TEMP, log, percentile, read_built, server_settings
from mixes import CALLERS, Mix
from run import MemorySampler, login
from tests.support.server import Server
from wrk import WRK_DIR, run_wrk

GET_TICKET = Mix("get_ticket", "read", "GET /api/tickets/{id}", "agent", "get_ticket.lua")
PROBES_PER_SECOND = 20


def _probe(
    base_url: str, token: str, tickets: int, stop: threading.Event
) -> list[tuple[int, float]]:
    """(status, seconds) of one request after another, a fresh connection each (as a new
    client would come), PROBES_PER_SECOND of them, until `stop`."""
    answers: list[tuple[int, float]] = []
    headers = {"Authorization": f"Bearer {token}"}
    n = 0
    while not stop.is_set():
        n += 1
        started = time.perf_counter()
        try:
            response = httpx.get(
                f"{base_url}/api/tickets/{1 + n * 7919 % tickets}", headers=headers, timeout=30
            )
            answers.append((response.status_code, time.perf_counter() - started))
        except httpx.HTTPError:
            answers.append((0, time.perf_counter() - started))
        stop.wait(max(0.0, 1 / PROBES_PER_SECOND - (time.perf_counter() - started)))
    return answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=600)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--in-flight", type=int, default=None, help="MAX_REQUESTS_IN_FLIGHT")
    parser.add_argument("--port", type=int, default=5057)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    # wrk's connections and the server's: past the usual 1,024 open files.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 8192)), hard))
    url = dataset.database_url_from_env()
    built = asyncio.run(read_built(url))
    env = server_settings(secrets.token_urlsafe(48))
    if args.in_flight is not None:
        env["MAX_REQUESTS_IN_FLIGHT"] = str(args.in_flight)
    log_path = TEMP / "helpdesk-bench-overload.log"
    log_path.unlink(missing_ok=True)
    with Server(url, log_path, env=env, workers=args.workers, port=args.port) as server:
        token = login(server.base_url, CALLERS["agent"])
        wrk_env = {
            "BENCH_WRK_DIR": str(WRK_DIR),
            "BENCH_RUN": "overload",
            "BENCH_TOKEN": token,
            "BENCH_TICKETS": str(built.size.tickets),
        }
        stop = threading.Event()
        probed: list[tuple[int, float]] = []
        prober = threading.Thread(
            target=lambda: probed.extend(_probe(server.base_url, token, built.size.tickets, stop)),
            daemon=True,
        )
        log(f"{args.connections} connections for {args.seconds} s")
        with MemorySampler(server) as sampler:
            prober.start()
            figures = run_wrk(
                GET_TICKET,
                base_url=server.base_url,
                env=wrk_env,
                threads=2,
                connections=args.connections,
                duration=args.seconds,
            )
            stop.set()
            prober.join()
        started = time.perf_counter()
        health = httpx.get(f"{server.base_url}/api/health", timeout=30)
        read = httpx.get(
            f"{server.base_url}/api/tickets/1",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        after = time.perf_counter() - started
    accepted = [seconds for status, seconds in probed if status == 200]
    refused = [seconds for status, seconds in probed if status == 503]
    other = [status for status, _ in probed if status not in (200, 503)]
    peak = max(sampler.memory.peak_mb.values(), default=0.0)
    ms = 1000
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"# Overload, measured ({when}, {os.cpu_count()} cores)",
        "",
        f"{built.size.tickets:,} tickets; `helpdesk serve --workers {args.workers}`, "
        f"MAX_REQUESTS_IN_FLIGHT {args.in_flight if args.in_flight is not None else 'default'};"
        f" wrk -t2 -c{args.connections} -d{args.seconds}s on `GET /api/tickets/{{id}}`, and "
        f"beside it a probe of {PROBES_PER_SECOND} requests/s, each on a new connection.",
        "",
        "| | figure | target |",
        "| --- | --- | --- |",
        f"| wrk: answers | {figures.requests:,} ({figures.rps:.0f}/s), of them "
        f"{figures.errors:,} not 2xx or failed: {figures.error_detail or 'none'} | |",
        f"| wrk: latency of every answer p50 / p99 | {figures.p50_ms:.0f} / "
        f"{figures.p99_ms:.0f} ms | |",
        f"| probe: accepted (200) | {len(accepted)}; p50 "
        f"{percentile(accepted, 50) * ms:.0f} ms, p99 {percentile(accepted, 99) * ms:.0f} ms "
        "| p99 < 500 ms |",
        f"| probe: refused (503) | {len(refused)}; p50 "
        f"{percentile(refused, 50) * ms:.0f} ms, p99 {percentile(refused, 99) * ms:.0f} ms, "
        f"max {max(refused, default=0) * ms:.0f} ms | < 50 ms |",
        f"| probe: anything else | {len(other)} {sorted(set(other)) or ''} | none |",
        f"| peak memory per worker | {peak:.0f} MB | < 200 MB |",
        f"| right after: health, a read | {health.status_code}, {read.status_code} in "
        f"{after * ms:.0f} ms | 200, 200 |",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.markdown:
        args.markdown.write_text(text)


if __name__ == "__main__":
    main()

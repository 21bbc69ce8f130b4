"""Drive the running service with wrk over every request mix, measure the PostgreSQL
ceiling beside it, check the query plans, and write the results to bench/results/.

    .venv/bin/python bench/dataset.py --tickets 10000   # first: the dataset
    .venv/bin/python bench/run.py --workers 1 2         # then: ~7 minutes per worker count
    .venv/bin/python bench/run.py --mixes get_ticket list --duration 5 --workers 1

On the database that bench/dataset.py built (its size is read from it), in this order:

1. the SQL each read mix executes is captured from the app itself (in this process,
   through SQLAlchemy's cursor events) for a few dozen sample requests;
2. `EXPLAIN (ANALYZE, BUFFERS)` of every list, search and breached query, as PostgreSQL
   plans it for these values and as a generic plan (what a prepared statement gets after
   five runs); a plan that reads the whole tickets or comments table fails the run (exit
   1), once the dataset has 100,000 tickets or more (smaller tables are scanned whole
   by design);
3. the ceiling: the captured statements, without a transaction as the app reads them,
   replayed straight through asyncpg on as many connections as wrk has, for as long;
4. for each `--workers` count: `helpdesk serve --workers N` on the dataset (production
   settings: BCRYPT_ROUNDS=12, rate limits off), tokens from POST /api/login, then per mix
   a warm-up and a `wrk --latency` run (bench/wrk/*.lua), while the server's memory is
   sampled; rows the writes added are deleted afterwards.

Each worker count gets bench/results/<date>-<size>-w<N>.md (and .json); the plans go to
bench/results/<date>-<size>-explain.md. With a 10k result in bench/results, a bigger run
compares each mix with it ("flat cost of size").

The steps live beside this file: capture.py, explain.py, ceiling.py, wrk.py (and pyspy.py
for --profile), report.py; the mixes in mixes.py, what the scripts share in common.py. The
server is started the tests' way (tests/support/server.py).
"""

import argparse
import asyncio
import secrets
import shutil
import sys
import threading
from dataclasses import asdict
from datetime import UTC, datetime
from functools import partial

import dataset
import httpx
import psutil
import uvloop
from capture import capture
from ceiling import ceiling
from common import REPO, RESULTS, TEMP, log, read_built, reset, server_settings
from explain import write_plans
from mixes import (
    CALLERS,
    Figures,
    Memory,
    Mix,
    MixResult,
    deep_offsets,
    mixes,
    with_cursor_paths,
)
from pyspy import profile_summary, py_spy, start_profile
from report import find_baseline, machine_info, result_stem, verdicts, word_counts, write_results
from tests.support.server import Server
from wrk import DEFAULT_CONNECTIONS, WRK_DIR, run_wrk, write_patch_data

SETTLE_SECONDS = 3
MB = 1024 * 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="default: as bench/dataset.py")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--connections", type=int, default=DEFAULT_CONNECTIONS)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--mixes", nargs="+", default=None, help="only these mixes")
    parser.add_argument("--no-ceiling", action="store_true")
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument(
        "--profile", nargs="+", default=None, help="py-spy one worker during these mixes"
    )
    parser.add_argument("--explain-only", action="store_true")
    args = parser.parse_args(argv)
    url = args.database_url or dataset.database_url_from_env()
    if shutil.which("wrk") is None and not args.explain_only:
        parser.error("wrk is not installed: apt-get install wrk (make bench does it as root)")

    built = asyncio.run(read_built(url))
    size = built.size
    all_mixes = mixes(built)
    chosen = [m for m in all_mixes if args.mixes is None or m.name in args.mixes]
    if args.mixes and len(chosen) != len(args.mixes):
        known = ", ".join(m.name for m in all_mixes)
        parser.error(f"unknown mix among {args.mixes}; known: {known}")
    RESULTS.mkdir(exist_ok=True)
    date = datetime.now(UTC).strftime("%Y-%m-%d")
    jwt_secret = secrets.token_urlsafe(48)
    run_id = secrets.token_hex(4)
    log(f"dataset: {size}; resetting it to its built size")
    asyncio.run(reset(url, built))
    machine = machine_info(url)
    words = asyncio.run(word_counts(url, built))

    # The SQL of the chosen read mixes, and of every explained one unless --no-explain.
    to_capture = {m.name: m for m in chosen if m.kind in ("read", "search")}
    if not args.no_explain:
        to_capture |= {m.name: m for m in all_mixes if m.explained}
    captured, cursor_paths = asyncio.run(capture(url, jwt_secret, list(to_capture.values()), size))
    if not cursor_paths:
        log("GET /api/tickets has no next_cursor: the deep-page-by-cursor mix is left out")
    all_mixes = with_cursor_paths(all_mixes, cursor_paths)
    chosen = with_cursor_paths(chosen, cursor_paths)
    read_mixes = [m for m in chosen if m.kind in ("read", "search")]
    explained = [m for m in all_mixes if m.explained]

    failed = False
    if not args.no_explain:
        failed = write_plans(url, captured, explained, tickets=size.tickets, date=date)
    if args.explain_only:
        return 1 if failed else 0

    ceilings: dict[str, Figures] = {}
    if not args.no_ceiling:
        for mix in read_mixes:
            # On uvloop, as the server runs.
            ceilings[mix.name] = uvloop.run(
                ceiling(url, captured[mix.name], args.connections, args.duration)
            )
            log(
                f"ceiling {mix.name}: {ceilings[mix.name].rps:.0f} req/s, "
                f"p99 {ceilings[mix.name].p99_ms:.1f} ms"
            )

    for workers in args.workers:
        results, memory = run_server(args, url, built, chosen, workers, jwt_secret, run_id)
        baseline = find_baseline(workers, size.tickets)
        for result in results:
            result.ceiling = ceilings.get(result.mix)
            samples = captured.get(result.mix)
            result.statements = len(samples[0]) if samples else 0
            result.verdicts = verdicts(
                result, baseline["results"].get(result.mix) if baseline else None
            )
        report = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "size": asdict(size),
            "rows": built.rows,
            "workers": workers,
            "threads": args.threads,
            "connections": args.connections,
            "duration": args.duration,
            "warmup": args.warmup,
            "machine": machine,
            "words": words,
            "memory": asdict(memory),
            "results": [asdict(r) for r in results],
            "baseline": baseline,
        }
        stem = result_stem(
            date=date,
            tickets=size.tickets,
            workers=workers,
            connections=args.connections,
            some=bool(args.mixes),
        )
        report_md = write_results(report, stem)
        log(f"results written to {stem.with_suffix('.md').relative_to(REPO)}")
        print(report_md)
        asyncio.run(reset(url, built))
    return 1 if failed else 0


def run_server(
    args: argparse.Namespace,
    url: str,
    built: dataset.Built,
    chosen: list[Mix],
    workers: int,
    jwt_secret: str,
    run_id: str,
) -> tuple[list[MixResult], Memory]:
    log_path = TEMP / f"helpdesk-bench-server-w{workers}.log"
    log_path.unlink(missing_ok=True)  # this server's log only
    server = Server(
        url,
        log_path,
        env=server_settings(jwt_secret),
        workers=workers,
        port=args.port,
    )
    results: list[MixResult] = []
    with server:
        tokens = {caller: login(server.base_url, email) for caller, email in CALLERS.items()}
        log(f"server up with {workers} worker(s); tokens for {', '.join(tokens)}")
        patch_data = TEMP / f"helpdesk-bench-patch-data-w{workers}.txt"
        with MemorySampler(server) as sampler:
            for mix in chosen:
                env = {
                    "BENCH_WRK_DIR": str(WRK_DIR),
                    "BENCH_RUN": f"{run_id}-w{workers}-{mix.name}",
                    "BENCH_TICKETS": str(built.size.tickets),
                    "BENCH_PATHS": " ".join(mix.paths),
                    "BENCH_DATA": str(patch_data),
                    "BENCH_LOGIN_USERS": str(min(built.size.users, 1000)),
                    "BENCH_EMAIL_DOMAIN": dataset.EMAIL_DOMAIN,
                    "BENCH_PASSWORD": dataset.BENCH_PASSWORD,
                }
                low, high = deep_offsets(built.size.tickets)
                env.update(BENCH_OFFSET_MIN=str(low), BENCH_OFFSET_MAX=str(high))
                if mix.caller in tokens:
                    env["BENCH_TOKEN"] = tokens[mix.caller]
                before = (
                    partial(write_patch_data, url, patch_data, settle=SETTLE_SECONDS)
                    if mix.script == "update_ticket.lua"
                    else None
                )
                options = {
                    "base_url": server.base_url,
                    "threads": args.threads,
                    "connections": args.connections,
                    "before": before,
                }
                if args.warmup > 0:
                    run_wrk(
                        mix,
                        env={**env, "BENCH_RUN": env["BENCH_RUN"] + "-warmup"},
                        duration=args.warmup,
                        **options,
                    )
                profiler = None
                if mix.name in (args.profile or ()):
                    if py_spy() is None:
                        raise SystemExit("--profile needs py-spy: .venv/bin/pip install py-spy")
                    folded = TEMP / f"helpdesk-bench-w{workers}-{mix.name}.folded"
                    pid = server.worker_processes()[0].pid
                    profiler = start_profile(pid, args.duration, folded)
                figures = run_wrk(mix, env=env, duration=args.duration, **options)
                log(
                    f"w{workers} {mix.name}: {figures.rps:.0f} req/s, p50 {figures.p50_ms:.1f} "
                    f"ms, p99 {figures.p99_ms:.1f} ms, errors {figures.errors} "
                    f"{figures.error_detail}"
                )
                results.append(MixResult(mix.name, mix.kind, mix.request, mix.caller, figures))
                if profiler is not None:
                    profiler.wait(timeout=args.duration + 60)
                    results[-1].profile = profile_summary(folded)
            sampler.sample(sampler.memory.end_mb, keep_max=False)
    return results, sampler.memory


class MemorySampler:
    """Peak RSS of each worker process, sampled every 0.2 s in a thread."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.memory = Memory()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample(self.memory.peak_mb, keep_max=True)
            self._stop.wait(0.2)

    def sample(self, into: dict[str, float], *, keep_max: bool) -> None:
        for process in self.server.worker_processes():
            try:
                rss = process.memory_info().rss / MB
            except psutil.Error:
                continue
            key = str(process.pid)
            into[key] = max(into.get(key, 0.0), rss) if keep_max else rss

    def __enter__(self) -> "MemorySampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def login(base_url: str, email: str) -> str:
    response = httpx.post(
        f"{base_url}/api/login",
        json={"email": email, "password": dataset.BENCH_PASSWORD},
        timeout=60,
    )
    response.raise_for_status()
    token: str = response.json()["token"]
    return token


if __name__ == "__main__":
    sys.exit(main())

"""Does a login storm slow everyone else down?

bcrypt at cost 12 burns ~200 ms of CPU per login. This measures the latency of
GET /api/tickets/{id} alone, then while 20 clients log in non-stop (20 logins always in
flight), and compares the two p99s against a target ratio (3x by default); a failed
request fails the run too.

    .venv/bin/python bench/login_storm.py                       # its own server, ~30 s
    .venv/bin/python bench/login_storm.py --repeat 3 --markdown  # 3 runs, bench/results/
    .venv/bin/python bench/login_storm.py --url http://127.0.0.1:5000

Without --url it starts its own server the tests' way (tests/support/server.py):
`helpdesk serve` on an embedded PostgreSQL in a temporary directory, with the production
bcrypt cost (BCRYPT_ROUNDS=12) and the rate limits off. With --url the server must be
running already, with rate limits off (or high enough for the storm); the script
registers a user of its own there and opens one ticket.

Client and server share the machine's cores: the numbers say how this machine copes, not
how a server with its own cores would. Exit status 0 when every run passes, 1 otherwise.
"""

import argparse
import asyncio
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import httpx
from common import REPO, RESULTS, percentile
from tests.support.server import Server

DEFAULT_MARKDOWN = RESULTS / "login_storm.md"
PASSWORD = "bench-password-123"  # noqa: S105 (a throw-away account)
# A queued login may wait for many bcrypt runs ahead of it: never time it out.
LOGIN_TIMEOUT = 120.0
GET_TIMEOUT = 30.0


@dataclass
class Requests:
    """What the clients saw: (started, finished) per success; per failure (finished, its
    kind: a status code or an exception's name, what happened)."""

    done: list[tuple[float, float]] = field(default_factory=list)
    failed: list[tuple[float, str, str]] = field(default_factory=list)

    async def send(self, request: Awaitable[httpx.Response]) -> None:
        started = time.perf_counter()
        try:
            response = await request
        except httpx.HTTPError as error:
            kind = type(error).__name__
            self.failed.append((time.perf_counter(), kind, f"{kind}: {error}"))
            return
        if response.status_code == 200:
            self.done.append((started, time.perf_counter()))
        else:
            what = (
                f"{response.request.method} {response.request.url.path} -> "
                f"{response.status_code} {response.text[:300]}"
            )
            self.failed.append((time.perf_counter(), str(response.status_code), what))


@dataclass
class Phase:
    name: str
    seconds: float
    gets: list[float]  # latencies of the GETs started in the measured window
    logins: list[float]  # latencies of the logins that finished in the window
    failures: list[tuple[str, str]]  # (kind, what): the requests that failed in the window

    def get(self, q: float) -> float:
        return percentile(self.gets, q)

    @property
    def logins_per_second(self) -> float:
        return len(self.logins) / self.seconds


@dataclass
class Run:
    alone: Phase
    storm: Phase

    @property
    def ratio(self) -> float:
        return self.storm.get(99) / self.alone.get(99)

    def passed(self, target: float) -> bool:
        # A request that failed is not fast: any failure fails the run.
        return self.ratio < target and not self.alone.failures and not self.storm.failures


# --- the load -----------------------------------------------------------------------------


async def prepare(client: httpx.AsyncClient) -> tuple[str, dict[str, str], int]:
    """A user of our own and one ticket of theirs: (email, auth headers, ticket id)."""
    email = f"bench-{secrets.token_hex(6)}@example.test"
    response = await client.post(
        "/api/register", json={"name": "Login Storm", "email": email, "password": PASSWORD}
    )
    _expect(response, 201)
    response = await client.post("/api/login", json={"email": email, "password": PASSWORD})
    _expect(response, 200)
    headers = {"Authorization": f"Bearer {response.json()['token']}"}
    response = await client.post(
        "/api/tickets",
        json={"title": "Printer on floor 3 jams", "description": "Every second page."},
        headers=headers,
    )
    _expect(response, 201)
    return email, headers, int(response.json()["id"])


def _expect(response: httpx.Response, status: int) -> None:
    if response.status_code != status:
        raise SystemExit(
            f"{response.request.method} {response.request.url.path}: expected {status}, "
            f"got {response.status_code} {response.text[:500]}"
        )


async def _get_loop(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], seen: Requests, stop: float
) -> None:
    while time.perf_counter() < stop:
        await seen.send(client.get(path, headers=headers))


async def _login_loop(client: httpx.AsyncClient, email: str, seen: Requests) -> None:
    """Logs in again as soon as the last login answers, until cancelled."""
    body = {"email": email, "password": PASSWORD}
    while True:
        await seen.send(client.post("/api/login", json=body))


async def run_phase(
    name: str,
    *,
    base_url: str,
    email: str,
    headers: dict[str, str],
    ticket_id: int,
    get_clients: int,
    login_clients: int,
    warmup: float,
    duration: float,
) -> Phase:
    """`get_clients` loops of GET /api/tickets/{id} and `login_clients` loops of login, all
    running through warm-up and measurement alike, so the load never has a gap; only what
    happens inside the measured window counts."""
    gets, logins = Requests(), Requests()
    path = f"/api/tickets/{ticket_id}"
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
    async with (
        httpx.AsyncClient(base_url=base_url, timeout=GET_TIMEOUT, limits=limits) as get_client,
        httpx.AsyncClient(base_url=base_url, timeout=LOGIN_TIMEOUT, limits=limits) as login_client,
    ):
        storm = [
            asyncio.create_task(_login_loop(login_client, email, logins))
            for _ in range(login_clients)
        ]
        try:
            begin = time.perf_counter() + warmup
            end = begin + duration
            await asyncio.gather(
                *(_get_loop(get_client, path, headers, gets, end) for _ in range(get_clients))
            )
        finally:
            for task in storm:
                task.cancel()
            await asyncio.gather(*storm, return_exceptions=True)
    measured_gets = [finished - started for started, finished in gets.done if started >= begin]
    return Phase(
        name=name,
        seconds=duration,
        gets=measured_gets,
        logins=[finished - started for started, finished in logins.done if begin <= finished < end],
        failures=[
            (kind, what)
            for finished, kind, what in gets.failed + logins.failed
            if begin <= finished < end
        ],
    )


async def measure(base_url: str, args: argparse.Namespace) -> list[Run]:
    async with httpx.AsyncClient(base_url=base_url, timeout=LOGIN_TIMEOUT) as client:
        email, headers, ticket_id = await prepare(client)
    common = {
        "base_url": base_url,
        "email": email,
        "headers": headers,
        "ticket_id": ticket_id,
        "get_clients": args.get_clients,
        "warmup": args.warmup,
        "duration": args.duration,
    }
    runs = []
    for number in range(1, args.repeat + 1):
        alone = await run_phase("alone", login_clients=0, **common)
        storm = await run_phase(
            "login storm",
            login_clients=args.login_clients,
            **common,
        )
        run = Run(alone, storm)
        runs.append(run)
        print(f"run {number}/{args.repeat}: {_summary(run, args.target)}", flush=True)
    return runs


# --- the report ---------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def _summary(run: Run, target: float) -> str:
    failed = len(run.alone.failures) + len(run.storm.failures)
    return (
        f"GET p99 {_ms(run.alone.get(99))} ms alone, {_ms(run.storm.get(99))} ms in the storm "
        f"({run.storm.logins_per_second:.1f} logins/s): {run.ratio:.2f}x, "
        f"{failed} failed requests: {'PASS' if run.passed(target) else 'FAIL'}"
    )


def report(runs: list[Run], args: argparse.Namespace, setup: str) -> str:
    """The results as a markdown document (also fine to read in a terminal)."""
    lines = [
        f"# Login storm: GET /api/tickets/{{id}} alone and while {args.login_clients} logins run",
        "",
        f"- when: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}; "
        f"{os.cpu_count()} CPUs (shared by the server, PostgreSQL and this client)",
        f"- server: {setup}",
        f"- load: {args.get_clients} GET clients, closed loop; in the storm also "
        f"{args.login_clients} clients logging in non-stop; {args.warmup:g} s warm-up, "
        f"{args.duration:g} s measured per phase",
        f"- command: `{' '.join(['.venv/bin/python', 'bench/login_storm.py', *sys.argv[1:]])}`",
        "",
        "| run | phase | GETs | GET/s | p50 ms | p99 ms | max ms | errors | logins/s "
        "| login p50 ms |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for number, run in enumerate(runs, 1):
        for phase in (run.alone, run.storm):
            stormy = phase is run.storm
            lines.append(
                f"| {number} | {phase.name} | {len(phase.gets)} "
                f"| {len(phase.gets) / phase.seconds:.0f} | {_ms(phase.get(50))} "
                f"| {_ms(phase.get(99))} | {_ms(phase.get(100))} "
                f"| {len(phase.failures)} "
                f"| {f'{phase.logins_per_second:.1f}' if stormy else '-'} "
                f"| {_ms(percentile(phase.logins, 50)) if stormy else '-'} |"
            )
    ratios = [run.ratio for run in runs]
    verdict = "PASS" if all(run.passed(args.target) for run in runs) else "FAIL"
    spread = (
        f"{ratios[0]:.2f}x"
        if len(ratios) == 1
        else f"median {statistics.median(ratios):.2f}x, "
        f"from {min(ratios):.2f}x to {max(ratios):.2f}x over {len(ratios)} runs"
    )
    lines += [
        "",
        f"**p99 in the storm / p99 alone: {spread}. Target: under {args.target:g}x "
        f"and no failed request. {verdict}**",
        "",
    ]
    for number, run in enumerate(runs, 1):
        for phase in (run.alone, run.storm):
            if phase.failures:
                kinds = Counter(kind for kind, _ in phase.failures)
                lines.append(
                    f"- run {number}, {phase.name}: {len(phase.failures)} failed "
                    f"({dict(kinds)}); the first: `{phase.failures[0][1]}`"
                )
    return "\n".join(lines) + "\n"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="p99 of GET /api/tickets/{id} alone and during a login storm."
    )
    parser.add_argument("--url", help="a running server (default: start one of our own)")
    parser.add_argument("--duration", type=float, default=10, help="seconds measured per phase")
    parser.add_argument("--warmup", type=float, default=2, help="seconds before measuring")
    parser.add_argument("--get-clients", type=int, default=4, help="concurrent GET clients")
    parser.add_argument("--login-clients", type=int, default=20, help="logins kept in flight")
    parser.add_argument("--repeat", type=int, default=1, help="alone/storm pairs to run")
    parser.add_argument("--target", type=float, default=3.0, help="highest p99 ratio to pass")
    parser.add_argument(
        "--bcrypt-rounds", type=int, default=12, help="bcrypt cost of our own server"
    )
    parser.add_argument(
        "--markdown",
        nargs="?",
        const=DEFAULT_MARKDOWN,
        type=Path,
        help=f"also write the results there (default path: {DEFAULT_MARKDOWN.relative_to(REPO)})",
    )
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if args.url:
        setup = f"{args.url} (already running)"
        runs = asyncio.run(measure(args.url.rstrip("/"), args))
    else:
        setup = (
            f"helpdesk serve, 1 worker, embedded PostgreSQL, BCRYPT_ROUNDS={args.bcrypt_rounds}, "
            f"bcrypt {version('bcrypt')}, Python {sys.version.split()[0]}"
        )
        settings = {"BCRYPT_ROUNDS": str(args.bcrypt_rounds)}
        # On an embedded PostgreSQL of its own, as `make run` starts it; its log (the JSON
        # access log, one line per request) goes with the temporary directory.
        with (
            tempfile.TemporaryDirectory(prefix="helpdesk-bench-") as tmp,
            Server(None, Path(tmp) / "server.log", env=settings) as server,
        ):
            runs = asyncio.run(measure(server.base_url, args))
    text = report(runs, args, setup)
    print()
    print(text)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(text)
        print(f"written to {args.markdown}")
    return 0 if all(run.passed(args.target) for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())

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
"""

import argparse
import asyncio
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import asyncpg
import httpx
import psutil
import uvloop

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dataset
import vocabulary

from helpdesk.db import DATABASE_TIMEOUT_SECONDS
from helpdesk.tickets.models import SEARCH_CONFIG
from helpdesk.tickets.search import to_tsquery_text

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WRK_DIR = BENCH / "wrk"
RESULTS = BENCH / "results"
TEMP = Path(tempfile.gettempdir())
HELPDESK = Path(sys.executable).parent / "helpdesk"
DEFAULT_CONNECTIONS = 32  # the issue's "32 concurrent connections"
WRK = shutil.which("wrk") or "wrk"
SAMPLES_PER_MIX = 64
# Below this many tickets PostgreSQL rightly reads small tables whole.
EXPLAIN_CHECK_FROM_TICKETS = 100_000
WHOLE_TABLE_SHARE = 0.5
EXPLAIN_TIMEOUT_SECONDS = 120
SETTLE_SECONDS = 3
MB = 1024 * 1024

# Targets from the issue.
READ_P99_MS = 50
READ_CEILING_SHARE = 0.5
SEARCH_P95_MS = 100
WRITE_RPS = 500
WRITE_P99_MS = 100
WORKER_MEMORY_MB = 200
SIZE_FACTOR = 2.0


CURSOR_MIX = "list_deep_cursor"


@dataclass(frozen=True)
class Mix:
    name: str
    kind: str  # read | search | write | login
    request: str
    caller: str  # agent | requester | anonymous
    script: str
    paths: tuple[str, ...] = ()  # list.lua's BENCH_PATHS; {offset}: a deep offset

    @property
    def explained(self) -> bool:
        return self.script == "list.lua"


def mixes(built: dataset.Built) -> list[Mix]:
    rare, common = built.rare_word, built.common_word
    return [
        Mix("get_ticket", "read", "GET /api/tickets/{id}", "agent", "get_ticket.lua"),
        Mix("list", "read", "GET /api/tickets", "agent", "list.lua", ("/api/tickets",)),
        Mix(
            "list_status",
            "read",
            "GET /api/tickets?status=open,in_progress",
            "agent",
            "list.lua",
            ("/api/tickets?status=open,in_progress",),
        ),
        Mix(
            "list_mine",
            "read",
            "GET /api/tickets?assignee=me",
            "agent",
            "list.lua",
            ("/api/tickets?assignee=me",),
        ),
        Mix(
            "list_deep_offset",
            "read",
            "GET /api/tickets?offset={40-50% of the tickets}",
            "agent",
            "list.lua",
            ("/api/tickets?offset={offset}",),
        ),
        # Its paths come from the API (next_cursor); left out while the API has none.
        Mix(
            CURSOR_MIX,
            "read",
            "GET /api/tickets?cursor={40-50% of the tickets}",
            "agent",
            "list.lua",
            ("{cursor}",),
        ),
        Mix(
            "search_common",
            "search",
            f"GET /api/tickets?query={common}",
            "agent",
            "list.lua",
            (f"/api/tickets?query={common}",),
        ),
        Mix(
            "search_rare",
            "search",
            f"GET /api/tickets?query={rare}",
            "agent",
            "list.lua",
            (f"/api/tickets?query={rare}",),
        ),
        # Two rare words never seen together: nothing found, the worst case of a list
        # walked in date order until 21 matches turn up.
        Mix(
            "search_no_match",
            "search",
            f"GET /api/tickets?query={rare}+{rare_pair_word()}",
            "agent",
            "list.lua",
            (f"/api/tickets?query={rare}+{rare_pair_word()}",),
        ),
        Mix(
            "breached",
            "read",
            "GET /api/tickets/breached",
            "agent",
            "list.lua",
            ("/api/tickets/breached",),
        ),
        Mix(
            "create_ticket",
            "write",
            "POST /api/tickets (Idempotency-Key)",
            "requester",
            "create_ticket.lua",
        ),
        Mix(
            "update_ticket",
            "write",
            "PATCH /api/tickets/{id} (If-Match)",
            "agent",
            "update_ticket.lua",
        ),
        Mix("add_comment", "write", "POST /api/tickets/{id}/comments", "agent", "add_comment.lua"),
        Mix("login", "login", "POST /api/login (bcrypt 12)", "anonymous", "login.lua"),
    ]


def rare_pair_word() -> str:
    """A second tail word to go with the rare one."""
    return vocabulary.words()[vocabulary.RARE_WORD_RANK - 1000]


# Who the mixes sign in as (each is a bcrypt-12 login when a server starts).
CALLERS = {
    "agent": f"agent1@{dataset.EMAIL_DOMAIN}",
    "requester": f"user1@{dataset.EMAIL_DOMAIN}",
}
AGENT_ID = dataset.ADMIN_ID + 1  # agent1


@dataclass
class Figures:
    requests: int = 0
    rps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    errors: int = 0
    error_detail: str = ""


@dataclass
class MixResult:
    mix: str
    kind: str
    request: str
    caller: str
    api: Figures
    ceiling: Figures | None = None
    statements: int = 0
    verdicts: list[str] = field(default_factory=list)
    profile: str = ""


@dataclass
class Memory:
    peak_mb: dict[str, float] = field(default_factory=dict)  # per worker pid
    end_mb: dict[str, float] = field(default_factory=dict)


# --- helpers ---------------------------------------------------------------------------


def size_label(tickets: int) -> str:
    if tickets % 1_000_000 == 0:
        return f"{tickets // 1_000_000}M"
    if tickets % 1_000 == 0:
        return f"{tickets // 1_000}k"
    return str(tickets)


def percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(share * len(sorted_values)))]


def log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)


async def read_built(url: str) -> dataset.Built:
    conn = await asyncpg.connect(dataset.plain_url(url))
    try:
        raw = await conn.fetchval(f"SELECT built FROM {dataset.META_TABLE}")  # noqa: S608
    except asyncpg.UndefinedTableError:
        raise SystemExit("no dataset in that database: run bench/dataset.py first") from None
    finally:
        await conn.close()
    data = json.loads(raw)
    data["size"] = dataset.Size(**data["size"])
    return dataset.Built(**data)


async def reset(url: str, built: dataset.Built) -> None:
    """Remove what earlier runs' writes added, so every run sees the dataset's size."""
    conn = await asyncpg.connect(dataset.plain_url(url))
    try:
        await conn.execute(
            "DELETE FROM idempotency_keys; "  # noqa: S608 (numbers from the dataset record)
            f"DELETE FROM timeline_logs WHERE id > {built.rows['timeline_logs']}; "
            f"DELETE FROM comments WHERE id > {built.rows['comments']}; "
            f"DELETE FROM tickets WHERE id > {built.rows['tickets']}; "
            f"DELETE FROM users WHERE id > {built.rows['users']}; "
        )
        for table in ("idempotency_keys", "timeline_logs", "comments", "tickets"):
            await conn.execute(f"VACUUM (ANALYZE) {table}")
    finally:
        await conn.close()


# --- capturing the SQL of each read mix ------------------------------------------------


def sample_paths(mix: Mix, tickets: int, rng: random.Random) -> list[str]:
    """The same requests the mix's Lua script sends, drawn in Python."""
    paths = []
    for _ in range(SAMPLES_PER_MIX):
        if mix.script == "get_ticket.lua":
            paths.append(f"/api/tickets/{rng.randint(1, tickets)}")
        else:
            path = rng.choice(mix.paths)
            low, high = deep_offsets(tickets)
            paths.append(path.replace("{offset}", str(20 * rng.randint(low // 20, high // 20))))
    return paths


def deep_offsets(tickets: int) -> tuple[int, int]:
    return int(tickets * 0.4), int(tickets * 0.5)


Statement = tuple[str, tuple[Any, ...]]


async def deep_cursor_paths(
    client: httpx.AsyncClient, headers: dict[str, str], tickets: int
) -> tuple[str, ...]:
    """Paths to pages deep in the list by `cursor`, taken from the `next_cursor` of pages
    asked for by offset; none when the API has no keyset paging."""
    low, high = deep_offsets(tickets)
    paths = []
    for offset in range(low, high, max(20, (high - low) // 8))[:8]:
        response = await client.get(f"/api/tickets?offset={offset}", headers=headers)
        cursor = response.json().get("next_cursor")
        if not cursor:
            return ()
        paths.append(f"/api/tickets?cursor={quote(str(cursor), safe='')}")
    return tuple(paths)


async def capture(
    url: str, jwt_secret: str, read_mixes: list[Mix], tickets: int
) -> tuple[dict[str, list[list[Statement]]], tuple[str, ...]]:
    """Per mix, per sample request: the statements the app sent, with their parameters;
    and the deep cursor paths (for the cursor mix, which is left out without them)."""
    os.environ.update(server_environment(url, jwt_secret))
    from sqlalchemy import event

    from helpdesk.auth.tokens import issue_token
    from helpdesk.config import Settings
    from helpdesk.main import create_app

    settings = Settings()
    app = create_app(settings)
    recorded: list[Statement] = []

    @event.listens_for(app.state.engine.sync_engine, "before_cursor_execute")
    def record(*args: Any) -> None:
        statement, parameters = args[2], args[3]
        recorded.append((statement, tuple(parameters or ())))

    token = issue_token(user_id=AGENT_ID, role="agent", token_version=0, settings=settings).token
    headers = {"Authorization": f"Bearer {token}"}
    rng = random.Random(7)  # noqa: S311 (sample requests, not secrets)
    captured: dict[str, list[list[Statement]]] = {}
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
    ):
        cursor_paths = await deep_cursor_paths(client, headers, tickets)
        for mix in read_mixes:
            if mix.name == CURSOR_MIX:
                if not cursor_paths:
                    continue
                mix = replace(mix, paths=cursor_paths)
            # Each distinct request once. One that fails (a 503: a statement ran past the
            # app's timeout) still shows its SQL: the event fires before each statement runs.
            seen: dict[str, list[Statement]] = {}
            paths = sample_paths(mix, tickets, rng)
            for path in paths:
                if path not in seen:
                    recorded.clear()
                    response = await client.get(path, headers=headers)
                    if response.status_code != 200:
                        log(f"capture: {path} answered {response.status_code}")
                    seen[path] = list(recorded)
            captured[mix.name] = [seen[path] for path in paths]
    return captured, cursor_paths


# --- EXPLAIN ---------------------------------------------------------------------------


def plan_nodes(node: dict[str, Any]) -> list[dict[str, Any]]:
    nodes = [node]
    for child in node.get("Plans", []):
        nodes.extend(plan_nodes(child))
    return nodes


def whole_table_reads(plan: dict[str, Any], table_rows: dict[str, int]) -> list[str]:
    """Nodes that read the tickets or comments table whole, or most of it."""
    problems = []
    for node in plan_nodes(plan["Plan"]):
        table = node.get("Relation Name")
        if table not in ("tickets", "comments"):
            continue
        read = (
            node.get("Actual Rows", 0)
            + node.get("Rows Removed by Filter", 0)
            + node.get("Rows Removed by Index Recheck", 0)
        ) * node.get("Actual Loops", 1)
        if node["Node Type"] == "Seq Scan":
            problems.append(f"Seq Scan on {table} ({read} rows read)")
        elif read >= WHOLE_TABLE_SHARE * table_rows[table]:
            problems.append(
                f"{node['Node Type']} on {table} reads {read} of its {table_rows[table]} rows"
            )
    return problems


PLAN_DETAILS = (
    "Index Cond",
    "Recheck Cond",
    "Filter",
    "Rows Removed by Filter",
    "Rows Removed by Index Recheck",
    "Join Filter",
    "Hash Cond",
    "Sort Key",
    "Sort Method",
)


def render_plan(node: dict[str, Any], depth: int = 0) -> list[str]:
    """EXPLAIN's text layout, from its JSON: one line per node, its conditions below."""
    title = node["Node Type"]
    if "Index Name" in node:
        title += f" using {node['Index Name']}"
    if "Relation Name" in node:
        title += f" on {node['Relation Name']}"
    if "Subplan Name" in node:
        title = f"{node['Subplan Name']}: {title}"
    indent = "      " * depth
    arrow = "->  " if depth else ""
    lines = [
        f"{indent}{arrow}{title}  (actual time={node.get('Actual Startup Time', 0):.3f}.."
        f"{node.get('Actual Total Time', 0):.3f} rows={node.get('Actual Rows', 0)} "
        f"loops={node.get('Actual Loops', 0)})"
    ]
    pad = indent + ("      " if depth else "  ")
    for key in PLAN_DETAILS:
        if key in node:
            value = node[key]
            lines.append(f"{pad}{key}: {', '.join(value) if isinstance(value, list) else value}")
    buffers = [
        f"{kind}={node[f'Shared {kind.capitalize()} Blocks']}"
        for kind in ("hit", "read")
        if node.get(f"Shared {kind.capitalize()} Blocks")
    ]
    if buffers:
        lines.append(f"{pad}Buffers: shared {' '.join(buffers)}")
    for child in node.get("Plans", []):
        lines.extend(render_plan(child, depth + 1))
    return lines


def main_statement(samples: list[list[Statement]]) -> Statement:
    """The list query of a list mix: the statement that reads tickets in list order."""
    for statement, parameters in samples[0]:
        if "FROM tickets" in statement and "ORDER BY tickets.created_at" in statement:
            return statement, parameters
    raise ValueError("no list statement captured")


async def explain(
    url: str, captured: dict[str, list[list[Statement]]], list_mixes: list[Mix]
) -> tuple[str, list[str]]:
    """The plans as Markdown, and the problems found (empty: every plan is fine)."""
    conn = await asyncpg.connect(
        dataset.plain_url(url),
        server_settings={"statement_timeout": str(EXPLAIN_TIMEOUT_SECONDS * 1000)},
    )
    lines: list[str] = []
    problems: list[str] = []
    try:
        table_rows = {
            table: await conn.fetchval(f"SELECT count(*) FROM {table}")  # noqa: S608 (constants)
            for table in ("tickets", "comments")
        }
        for mix in list_mixes:
            statement, parameters = main_statement(captured[mix.name])
            lines += [f"## {mix.name}: `{mix.request}`", "", "```sql", statement]
            lines += [f"-- parameters: {parameters!r}", "```", ""]
            for mode in ("auto", "force_generic_plan"):
                await conn.execute(f"SET plan_cache_mode = {mode}")
                label = "custom plan (these values)" if mode == "auto" else "generic plan"
                try:
                    data = await conn.fetchval(
                        f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {statement}", *parameters
                    )
                except asyncpg.QueryCanceledError:
                    rows = await conn.fetch(f"EXPLAIN {statement}", *parameters)
                    found = [f"did not finish in {EXPLAIN_TIMEOUT_SECONDS} s"]
                    lines += [f"{label}: {found[0]} (plan without ANALYZE)", "", "```"]
                    lines += [*(row[0] for row in rows), "```", ""]
                else:
                    plan = json.loads(data)[0]
                    found = whole_table_reads(plan, table_rows)
                    verdict = "; ".join(found) if found else "no whole-table read"
                    lines += [f"{label}: {plan['Execution Time']:.2f} ms, {verdict}", "", "```"]
                    lines += [*render_plan(plan["Plan"]), "```", ""]
                problems += [f"{mix.name} ({label}): {problem}" for problem in found]
    finally:
        await conn.close()
    return "\n".join(lines), problems


# --- the ceiling: the same SQL, no HTTP ------------------------------------------------


async def ceiling(
    url: str, samples: list[list[Statement]], connections: int, duration: float
) -> Figures:
    # Each statement gives up when the app's would (its command_timeout), so a query the
    # app answers with a 503 counts here as an error too.
    conns = [
        await asyncpg.connect(dataset.plain_url(url), command_timeout=DATABASE_TIMEOUT_SECONDS)
        for _ in range(connections)
    ]
    for conn in conns:  # as the app reads them: json and jsonb decoded
        for kind in ("json", "jsonb"):
            await conn.set_type_codec(
                kind, encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
            )
    latencies: list[float] = []
    errors = 0
    stop_at = time.perf_counter() + duration

    async def client(conn: asyncpg.Connection, seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)  # noqa: S311 (sample requests, not secrets)
        while time.perf_counter() < stop_at:
            sample = rng.choice(samples)
            start = time.perf_counter()
            try:
                # As the app reads (helpdesk.db.READ_METHODS): no transaction around them.
                for statement, parameters in sample:
                    await conn.fetch(statement, *parameters)
            except (asyncpg.PostgresError, TimeoutError):
                errors += 1
            latencies.append(time.perf_counter() - start)

    start = time.perf_counter()
    try:
        await asyncio.gather(*(client(conn, n) for n, conn in enumerate(conns)))
    finally:
        elapsed = time.perf_counter() - start
        for conn in conns:
            await conn.close()
    latencies.sort()
    return Figures(
        requests=len(latencies),
        rps=len(latencies) / elapsed,
        p50_ms=1000 * percentile(latencies, 0.50),
        p95_ms=1000 * percentile(latencies, 0.95),
        p99_ms=1000 * percentile(latencies, 0.99),
        max_ms=1000 * (latencies[-1] if latencies else 0.0),
        errors=errors,
    )


# --- the server ------------------------------------------------------------------------


def server_environment(url: str, jwt_secret: str) -> dict[str, str]:
    return {
        "DATABASE_URL": dataset.plain_url(url),
        "JWT_SECRET": jwt_secret,
        "BCRYPT_ROUNDS": str(dataset.BENCH_BCRYPT_ROUNDS),
        "RATE_LIMIT_API_PER_MINUTE": "0",
        "RATE_LIMIT_AUTH_PER_MINUTE": "0",
        "ACCESS_TOKEN_MINUTES": "600",
    }


class Server:
    """`helpdesk serve --workers N` in a subprocess, its log in a file."""

    def __init__(self, url: str, jwt_secret: str, workers: int, port: int, log_path: Path):
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "PORT", "HOST")}
        env.update(server_environment(url, jwt_secret))
        self.workers = workers
        self.base_url = f"http://127.0.0.1:{port}"
        self.log_file = log_path.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 (our own command)
            [str(HELPDESK), "serve", "--port", str(port), "--workers", str(workers)],
            cwd=REPO,
            env=env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )
        self.log_path = log_path

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server exited; see {self.log_path}")
            try:
                healthy = httpx.get(f"{self.base_url}/api/health", timeout=2).status_code == 200
            except httpx.HTTPError:
                healthy = False
            if healthy and len(self.worker_processes()) >= self.workers:
                return
            time.sleep(0.3)
        raise SystemExit(f"the server did not answer in {timeout} s; see {self.log_path}")

    def worker_processes(self) -> list[psutil.Process]:
        """The processes that serve requests: uvicorn's spawned workers, or with one
        worker, the server process itself."""
        try:
            root = psutil.Process(self.process.pid)
            children = root.children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        spawned = [
            child for child in children if any("spawn_main" in part for part in _cmdline(child))
        ]
        return spawned or [root]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log_file.close()


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except psutil.Error:
        return []


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


# --- wrk -------------------------------------------------------------------------------


def write_patch_data(url: str, path: Path, limit: int = 4000, settle: float = 0) -> int:
    """The agent's tickets with their current version and priority, for update_ticket.lua.
    Read after `settle` seconds: wrk exits with requests still in flight, and a version
    read before they commit would be stale (a 409 in the next run)."""
    time.sleep(settle)

    async def fetch() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(dataset.plain_url(url))
        try:
            return await conn.fetch(
                "SELECT id, version, priority FROM tickets WHERE assignee_id = $1 "
                "ORDER BY id DESC LIMIT $2",
                AGENT_ID,
                limit,
            )
        finally:
            await conn.close()

    rows = asyncio.run(fetch())
    path.write_text("".join(f"{r['id']} {r['version']} {r['priority']}\n" for r in rows))
    return len(rows)


def run_wrk(
    mix: Mix,
    *,
    base_url: str,
    env: dict[str, str],
    threads: int,
    connections: int,
    duration: float,
    before: Callable[[], None] | None = None,
) -> tuple[Figures, str]:
    if before is not None:
        before()
    command = [
        WRK,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "30s",
        "--latency",
        "-s",
        str(WRK_DIR / mix.script),
        base_url,
    ]
    result = subprocess.run(  # noqa: S603 (our own command)
        command,
        env={**os.environ, **env, "BENCH_THREADS": str(threads)},
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    match = re.search(r"^BENCH_JSON (.*)$", output, re.MULTILINE)
    if result.returncode != 0 or match is None:
        raise SystemExit(f"wrk failed for {mix.name}:\n{output}")
    data = json.loads(match.group(1))
    seconds = data["duration_us"] / 1e6
    socket_errors = {k: data[k] for k in ("connect", "read", "write", "timeout") if data[k]}
    detail = ", ".join(
        [f"{data['status']} non-2xx"] * bool(data["status"])
        + [f"{v} {k}" for k, v in socket_errors.items()]
        + [f"{data['conflicts']} of them 409"] * bool(data["conflicts"])
    )
    figures = Figures(
        requests=data["requests"],
        rps=data["requests"] / seconds,
        p50_ms=data["p50"] / 1000,
        p95_ms=data["p95"] / 1000,
        p99_ms=data["p99"] / 1000,
        max_ms=data["max"] / 1000,
        errors=data["status"] + sum(socket_errors.values()),
        error_detail=detail,
    )
    return figures, output


# --- py-spy ----------------------------------------------------------------------------


def py_spy() -> str | None:
    return shutil.which("py-spy") or (
        str(Path(sys.executable).parent / "py-spy")
        if (Path(sys.executable).parent / "py-spy").exists()
        else None
    )


def start_profile(pid: int, duration: int, output: Path) -> subprocess.Popen[bytes]:
    """py-spy samples one worker for the measured run; collapsed stacks to `output`."""
    command = [str(py_spy()), "record", "--pid", str(pid), "--rate", "250", "--format", "raw"]
    command += ["--duration", str(duration), "--nonblocking", "--output", str(output)]
    return subprocess.Popen(  # noqa: S603 (our own command)
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _package(frame: str) -> str:
    """ "get (sqlalchemy/orm/session.py:12)" -> "sqlalchemy"."""
    match = re.search(r"\(([^/:)]+)", frame)
    return match.group(1) if match else "?"


def _function(frame: str) -> str:
    """One entry per function, not per line: "get (a/b.py:12)" -> "get (a/b.py)"."""
    return re.sub(r":\d+\)$", ")", frame)


def _share_table(title: str, counts: dict[str, int], total: int, top: int) -> list[str]:
    lines = [f"| {title} | share of busy samples |", "| --- | ---: |"]
    for name, count in sorted(counts.items(), key=lambda item: -item[1])[:top]:
        lines.append(f"| `{name}` | {count / total:.0%} |")
    return [*lines, ""]


def profile_summary(path: Path, top: int = 12) -> str:
    """Where one worker spends its busy time (py-spy's collapsed stacks): by library and by
    function of the innermost frame (self time), and by app function (inclusive)."""
    by_package: dict[str, int] = {}
    by_leaf: dict[str, int] = {}
    in_app: dict[str, int] = {}
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        frames = stack.split(";")
        leaf = _function(frames[-1])
        if leaf.endswith("(threading.py)"):
            continue  # an idle thread-pool thread waiting for work
        count = int(count_text)
        total += count
        by_package[_package(leaf)] = by_package.get(_package(leaf), 0) + count
        by_leaf[leaf] = by_leaf.get(leaf, 0) + count
        for function in {_function(f) for f in frames if "(helpdesk/" in f and "cli.py" not in f}:
            in_app[function] = in_app.get(function, 0) + count
    if not total:
        return "no samples"
    return "\n".join(
        _share_table("library (self time)", by_package, total, top)
        + _share_table("function (self time)", by_leaf, total, top)
        + _share_table("app function (inclusive)", in_app, total, top)
    )


# --- verdicts and the report -----------------------------------------------------------


def verdicts(result: MixResult, baseline: dict[str, Any] | None) -> list[str]:
    api, found = result.api, []
    if result.kind == "read":
        found.append(f"p99<{READ_P99_MS}ms " + ("ok" if api.p99_ms < READ_P99_MS else "MISS"))
        if result.ceiling is not None and result.ceiling.rps:
            share = api.rps / result.ceiling.rps
            found.append(f">={READ_CEILING_SHARE:.0%} ceiling " + _ok(share >= READ_CEILING_SHARE))
    elif result.kind == "search":
        found.append(f"p95<{SEARCH_P95_MS}ms " + _ok(api.p95_ms < SEARCH_P95_MS))
    elif result.kind == "write":
        found.append(f">={WRITE_RPS}/s " + _ok(api.rps >= WRITE_RPS))
        found.append(f"p99<{WRITE_P99_MS}ms " + _ok(api.p99_ms < WRITE_P99_MS))
    if api.errors:
        found.append("errors MISS")
    if baseline is not None and result.kind in ("read", "search"):
        base = baseline["api"]
        flat = api.rps >= base["rps"] / SIZE_FACTOR and api.p99_ms <= SIZE_FACTOR * max(
            base["p99_ms"], 1.0
        )
        found.append("flat vs 10k " + _ok(flat))
    return found


def _ok(passed: bool) -> str:
    return "ok" if passed else "MISS"


def machine_info(url: str) -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    async def postgres() -> tuple[str, str]:
        conn = await asyncpg.connect(dataset.plain_url(url))
        try:
            version = await conn.fetchval("SHOW server_version")
            settings = await conn.fetch(
                "SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1::text[])",
                ["shared_buffers", "work_mem", "max_connections", "effective_cache_size"],
            )
        finally:
            await conn.close()
        shown = ", ".join(f"{s['name']}={s['setting']}{s['unit'] or ''}" for s in settings)
        return version, shown

    pg_version, pg_settings = asyncio.run(postgres())
    wrk_version = subprocess.run(  # noqa: S603 (our own command)
        [WRK, "--version"], capture_output=True, text=True, check=False
    ).stdout.split("\n")[0]
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": f"{psutil.virtual_memory().total / 1024**3:.0f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "postgresql": f"{pg_version} ({pg_settings})",
        "wrk": wrk_version.strip(),
        "load before the run": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def find_baseline(workers: int, tickets: int) -> dict[str, Any] | None:
    """The newest 10k result with the same worker count, for the flat-cost comparison."""
    if tickets == 10_000:
        return None
    candidates = sorted(RESULTS.glob(f"*-10k-w{workers}.json"))
    if not candidates:
        return None
    data: dict[str, Any] = json.loads(candidates[-1].read_text())
    data["file"] = candidates[-1].name
    return data


def markdown(report: dict[str, Any]) -> str:
    size = report["size"]
    lines = [
        f"# Benchmark: {size_label(size['tickets'])} tickets, {report['workers']} worker(s)",
        "",
        f"{report['date']}; {size['tickets']} tickets, {size['comments']} comments, "
        f"{report['rows']['timeline_logs']} timeline rows, {size['agents']} agents, "
        f"{size['users']} users. wrk -t{report['threads']} -c{report['connections']} "
        f"-d{report['duration']}s after a {report['warmup']}s warm-up per mix. "
        "Ceiling: the same SQL through asyncpg, same connection count and duration.",
        "",
        "| mix | request | caller | req/s | p50 ms | p95 ms | p99 ms | errors | "
        "ceiling req/s | ceiling p99 ms | API / ceiling | statements | vs 10k | targets |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: "
        "| --- | --- |",
    ]
    for result in report["results"]:
        api, ceiling = result["api"], result["ceiling"]
        base = report["baseline"]["results"].get(result["mix"]) if report["baseline"] else None
        vs = (
            f"{api['rps'] / base['api']['rps']:.2f}x req/s, "
            f"{api['p99_ms'] / max(base['api']['p99_ms'], 0.001):.2f}x p99"
            if base
            else ""
        )
        lines.append(
            f"| {result['mix']} | `{result['request']}` | {result['caller']} | "
            f"{api['rps']:.0f} | {api['p50_ms']:.1f} | {api['p95_ms']:.1f} | "
            f"{api['p99_ms']:.1f} | {api['errors']} {api['error_detail']} | "
            + (
                f"{ceiling['rps']:.0f} | {ceiling['p99_ms']:.1f} | "
                f"{api['rps'] / ceiling['rps']:.2f} | {result['statements']} | "
                if ceiling
                else " |  |  |  | "
            )
            + f"{vs} | {', '.join(result['verdicts'])} |"
        )
    memory = report["memory"]
    lines += [
        "",
        "Server memory (RSS per worker process): peak "
        + ", ".join(f"{mb:.0f} MB" for mb in memory["peak_mb"].values())
        + "; at the end of the run "
        + ", ".join(f"{mb:.0f} MB" for mb in memory["end_mb"].values())
        + f" (target < {WORKER_MEMORY_MB} MB: "
        + _ok(all(mb < WORKER_MEMORY_MB for mb in memory["end_mb"].values()))
        + ").",
        "",
        f"Search words: common `{report['words']['common']}` (in "
        f"{report['words']['common_tickets']} tickets, counting their comments), rare "
        f"`{report['words']['rare']}` (in {report['words']['rare_tickets']} tickets).",
        "",
    ]
    if report["baseline"]:
        lines += [f"Compared with {report['baseline']['file']}.", ""]
    for result in report["results"]:
        if result["profile"]:
            lines += [f"## Profile of one worker during {result['mix']} (py-spy)", ""]
            lines += [result["profile"], ""]
    lines += ["## Machine", ""]
    lines += [f"- {name}: {value}" for name, value in report["machine"].items()]
    lines += [
        "",
        "Server: `helpdesk serve --workers N`, BCRYPT_ROUNDS=12, rate limits off, "
        "DB_POOL_SIZE=10; wrk, PostgreSQL and the server share the machine's cores.",
        "",
    ]
    return "\n".join(lines)


async def word_counts(url: str, built: dataset.Built) -> dict[str, Any]:
    conn = await asyncpg.connect(dataset.plain_url(url))
    counts: dict[str, Any] = {"common": built.common_word, "rare": built.rare_word}
    try:
        for name, word in (("common", built.common_word), ("rare", built.rare_word)):
            # The query the API makes of the word (helpdesk.tickets.search).
            counts[f"{name}_tickets"] = await conn.fetchval(
                "SELECT count(*) FROM tickets "  # noqa: S608 (a constant)
                f"WHERE search_vector @@ to_tsquery('{SEARCH_CONFIG}', $1)",
                to_tsquery_text(word),
            )
    finally:
        await conn.close()
    return counts


# --- the run ---------------------------------------------------------------------------


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
    label = size_label(size.tickets)
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

    read_mixes = [m for m in chosen if m.kind in ("read", "search")]
    explained = [m for m in all_mixes if m.explained]
    to_capture = {m.name: m for m in [*read_mixes, *([] if args.no_explain else explained)]}
    captured, cursor_paths = asyncio.run(
        capture(url, jwt_secret, list(to_capture.values()), size.tickets)
    )
    if cursor_paths:
        all_mixes = [
            replace(m, paths=cursor_paths) if m.name == CURSOR_MIX else m for m in all_mixes
        ]
        chosen = [replace(m, paths=cursor_paths) if m.name == CURSOR_MIX else m for m in chosen]
    else:
        log("GET /api/tickets has no next_cursor: the deep-page-by-cursor mix is left out")
        all_mixes = [m for m in all_mixes if m.name != CURSOR_MIX]
        chosen = [m for m in chosen if m.name != CURSOR_MIX]
    read_mixes = [m for m in chosen if m.kind in ("read", "search")]
    explained = [m for m in all_mixes if m.explained]

    failed = False
    if not args.no_explain:
        log("EXPLAIN (ANALYZE, BUFFERS) of every list, search and breached query")
        text, problems = asyncio.run(explain(url, captured, explained))
        path = RESULTS / f"{date}-{label}-explain.md"
        enforced = size.tickets >= EXPLAIN_CHECK_FROM_TICKETS
        header = [
            f"# Query plans at {label} tickets ({datetime.now(UTC).isoformat(timespec='seconds')})",
            "",
            "Whole-table reads: "
            + ("; ".join(problems) if problems else "none")
            + ("" if enforced else f" (not enforced below {EXPLAIN_CHECK_FROM_TICKETS} tickets)"),
            "",
        ]
        path.write_text("\n".join(header) + text)
        log(f"plans written to {path.relative_to(REPO)}")
        for problem in problems:
            log(f"WHOLE TABLE: {problem}")
        failed = bool(problems) and enforced
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
        for result in results:
            result.ceiling = ceilings.get(result.mix)
            samples = captured.get(result.mix)
            result.statements = len(samples[0]) if samples else 0
        baseline = find_baseline(workers, size.tickets)
        if baseline:
            baseline["results"] = {r["mix"]: r for r in baseline["results"]}
        for result in results:
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
        # A run with other connections or only some mixes is named apart, so that it never
        # overwrites the full run's files (nor serves as the 10k baseline).
        variant = "" if args.connections == DEFAULT_CONNECTIONS else f"-c{args.connections}"
        variant += "-some" if args.mixes else ""
        stem = RESULTS / f"{date}-{label}-w{workers}{variant}"
        report_md = markdown(report)
        stem.with_suffix(".md").write_text(report_md)
        if baseline:  # keep the JSON small: the baseline is only referred to by name
            report["baseline"] = {"file": baseline["file"]}
        stem.with_suffix(".json").write_text(json.dumps(report, indent=1))
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
    server = Server(url, jwt_secret, workers, args.port, log_path)
    results: list[MixResult] = []
    try:
        server.wait_ready()
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
                    (lambda: write_patch_data(url, patch_data, settle=SETTLE_SECONDS) and None)
                    if mix.script == "update_ticket.lua"
                    else None
                )
                common = {
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
                        **common,
                    )  # type: ignore[arg-type]
                profiler = None
                if mix.name in (args.profile or ()):
                    if py_spy() is None:
                        raise SystemExit("--profile needs py-spy: .venv/bin/pip install py-spy")
                    folded = TEMP / f"helpdesk-bench-w{workers}-{mix.name}.folded"
                    pid = server.worker_processes()[0].pid
                    profiler = start_profile(pid, args.duration, folded)
                figures, _ = run_wrk(mix, env=env, duration=args.duration, **common)  # type: ignore[arg-type]
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
    finally:
        server.stop()
    return results, sampler.memory


if __name__ == "__main__":
    sys.exit(main())

"""wrk over one request mix (bench/wrk/*.lua), its figures parsed from the JSON line the
scripts print at the end, and the data the update script reads."""

import asyncio
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import asyncpg
from common import BENCH
from mixes import AGENT_ID, Figures, Mix
from tests.support.server import plain_url

WRK = shutil.which("wrk") or "wrk"
WRK_DIR = BENCH / "wrk"
DEFAULT_CONNECTIONS = 32  # the "32 concurrent connections"


def write_patch_data(url: str, path: Path, limit: int = 4000, settle: float = 0) -> None:
    """The agent's tickets with their current version and priority, for update_ticket.lua.
    Read after `settle` seconds: wrk exits with requests still in flight, and a version
    read before they commit would be stale (a 409 in the next run)."""
    time.sleep(settle)

    async def fetch() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(plain_url(url))
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


def run_wrk(
    mix: Mix,
    *,
    base_url: str,
    env: dict[str, str],
    threads: int,
    connections: int,
    duration: float,
    before: Callable[[], None] | None = None,
) -> Figures:
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
    return Figures(
        requests=data["requests"],
        rps=data["requests"] / seconds,
        p50_ms=data["p50"] / 1000,
        p95_ms=data["p95"] / 1000,
        p99_ms=data["p99"] / 1000,
        max_ms=data["max"] / 1000,
        errors=data["status"] + sum(socket_errors.values()),
        error_detail=detail,
    )

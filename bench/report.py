"""The verdicts against the issue's targets, and the results as Markdown and JSON in
bench/results/, beside the machine they were measured on."""

import asyncio
import json
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

import asyncpg
import dataset
import psutil
from common import RESULTS, size_label
from mixes import MixResult
from tests.support.server import plain_url
from wrk import DEFAULT_CONNECTIONS, WRK

from helpdesk.tickets.models import SEARCH_CONFIG
from helpdesk.tickets.search import to_tsquery_text

# Targets from the issue.
READ_P99_MS = 50
READ_CEILING_SHARE = 0.5
SEARCH_P95_MS = 100
WRITE_RPS = 500
WRITE_P99_MS = 100
WORKER_MEMORY_MB = 200
SIZE_FACTOR = 2.0


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
        conn = await asyncpg.connect(plain_url(url))
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
    """The newest 10k result with the same worker count, for the flat-cost comparison; its
    results by mix."""
    if tickets == 10_000:
        return None
    candidates = sorted(RESULTS.glob(f"*-10k-w{workers}.json"))
    if not candidates:
        return None
    data: dict[str, Any] = json.loads(candidates[-1].read_text())
    data["file"] = candidates[-1].name
    data["results"] = {result["mix"]: result for result in data["results"]}
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
    conn = await asyncpg.connect(plain_url(url))
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


def result_stem(*, date: str, tickets: int, workers: int, connections: int, some: bool) -> Path:
    """bench/results/<date>-<size>-w<N>: a run with other connections or only some mixes
    is named apart, so that it never overwrites the full run's files (nor serves as the
    10k baseline)."""
    variant = "" if connections == DEFAULT_CONNECTIONS else f"-c{connections}"
    variant += "-some" if some else ""
    return RESULTS / f"{date}-{size_label(tickets)}-w{workers}{variant}"


def write_results(report: dict[str, Any], stem: Path) -> str:
    """The report to `stem`.md and .json; the Markdown."""
    text = markdown(report)
    stem.with_suffix(".md").write_text(text)
    if report["baseline"]:  # keep the JSON small: the baseline is only referred to by name
        report = {**report, "baseline": {"file": report["baseline"]["file"]}}
    stem.with_suffix(".json").write_text(json.dumps(report, indent=1))
    return text

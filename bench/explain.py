"""`EXPLAIN (ANALYZE, BUFFERS)` of every list, search and breached query, as PostgreSQL
plans it for the captured values and as a generic plan (what a prepared statement gets
after five runs); a plan that reads the tickets or comments table whole is a problem once
the dataset is big enough for that to matter."""

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import asyncpg
from capture import Statement
from common import REPO, RESULTS, log, size_label
from mixes import Mix
from tests.support.server import plain_url

# Below this many tickets PostgreSQL rightly reads small tables whole.
EXPLAIN_CHECK_FROM_TICKETS = 100_000
WHOLE_TABLE_SHARE = 0.5
EXPLAIN_TIMEOUT_SECONDS = 120


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
    """The list query of a list mix: the statement that reads tickets in a list's order
    (any of the sort orders)."""
    for statement, parameters in samples[0]:
        if "FROM tickets" in statement and "ORDER BY" in statement and "LIMIT" in statement:
            return statement, parameters
    raise ValueError("no list statement captured")


async def explain(
    url: str, captured: dict[str, list[list[Statement]]], list_mixes: list[Mix]
) -> tuple[str, list[str]]:
    """The plans as Markdown, and the problems found (empty: every plan is fine)."""
    conn = await asyncpg.connect(
        plain_url(url),
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


def write_plans(
    url: str,
    captured: dict[str, list[list[Statement]]],
    list_mixes: list[Mix],
    *,
    tickets: int,
    date: str,
) -> bool:
    """The plans to bench/results/<date>-<size>-explain.md; True when one reads a whole
    table and the dataset is big enough for that to fail the run."""
    log("EXPLAIN (ANALYZE, BUFFERS) of every list, search and breached query")
    text, problems = asyncio.run(explain(url, captured, list_mixes))
    label = size_label(tickets)
    path = RESULTS / f"{date}-{label}-explain.md"
    enforced = tickets >= EXPLAIN_CHECK_FROM_TICKETS
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
    return bool(problems) and enforced

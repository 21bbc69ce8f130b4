"""Before and after on one machine: two trees' servers up at once, each on its own dataset,
and wrk alternating between them mix by mix in short slices, so that each pair of figures
is measured seconds apart and what else the machine runs weighs on both alike.

    git worktree add /work/bench-before <commit>; (cd /work/bench-before && make install)
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/helpdesk_bench_before \\
        /work/bench-before/.venv/bin/python /work/bench-before/bench/dataset.py
    .venv/bin/python bench/dataset.py
    .venv/bin/python bench/ab.py --before-tree /work/bench-before \\
        --before-url postgresql://postgres@127.0.0.1:5432/helpdesk_bench_before

Each side runs `helpdesk serve` from its own tree's venv (tests/support/server.py's way),
with the settings bench/run.py gives it. Per mix: a warm-up on each side, then `--pairs`
pairs of `--slice`-second wrk runs, before-after then after-before in turn (ABBA), so a
drift in the machine's load cancels too. The mixes are this tree's that the other tree
also has (by name; bench/wrk/*.lua read from this tree), login left out unless named.

Per mix it reports each side's median req/s and p99 over its slices, and the median of the
pairs' after/before ratios (each pair measured back to back): the figure to read. JSON and
Markdown go to bench/results/<date>-<size>-ab.json and .md; rows the writes added are
deleted from both datasets afterwards.

With `--sizes`, the two sides are one tree on two datasets of different sizes (the flat
cost of size, measured in one run, mix by mix): each side runs every mix as its own
dataset defines it (its words, its ticket ids, its offsets), "before" is the smaller, and
the files are <date>-<size>-vs-<size>.json and .md:

    .venv/bin/python bench/ab.py --sizes --before-tree . \
        --before-url postgresql://postgres@127.0.0.1:5432/helpdesk_bench_10k
"""

import argparse
import asyncio
import json
import secrets
import statistics
import sys
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dataset
import httpx
import tests.support.server as launcher
from capture import deep_cursor_paths
from common import REPO, RESULTS, TEMP, log, read_built, reset, server_settings, size_label
from mixes import CALLERS, CURSOR_MIX, Figures, Mix, deep_offsets, mixes
from run import SETTLE_SECONDS, login
from wrk import DEFAULT_CONNECTIONS, WRK_DIR, run_wrk, write_patch_data

SIDES = ("before", "after")
PORTS = {"before": 5061, "after": 5062}


def side_mixes(tree: Path, built: dataset.Built) -> set[str]:
    """This tree's mixes that the tree's bench/mixes.py names too (read, not imported: it
    is another tree's module)."""
    text = (tree / "bench" / "mixes.py").read_text()
    return {mix.name for mix in mixes(built) if f'"{mix.name}"' in text}


async def cursor_paths(base_url: str, token: str, tickets: int) -> tuple[str, ...]:
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        return await deep_cursor_paths(client, {"Authorization": f"Bearer {token}"}, tickets)


def mix_env(
    mix: Mix, side: str, built: dataset.Built, token: str | None, run_id: str, data: Path
) -> dict[str, str]:
    """What bench/run.py gives wrk for this mix."""
    low, high = deep_offsets(built.size.tickets)
    env = {
        "BENCH_WRK_DIR": str(WRK_DIR),
        "BENCH_RUN": f"{run_id}-{side}-{mix.name}",
        "BENCH_TICKETS": str(built.size.tickets),
        "BENCH_PATHS": " ".join(mix.paths),
        "BENCH_DATA": str(data),
        "BENCH_LOGIN_USERS": str(min(built.size.users, 1000)),
        "BENCH_EMAIL_DOMAIN": dataset.EMAIL_DOMAIN,
        "BENCH_PASSWORD": dataset.BENCH_PASSWORD,
        "BENCH_OFFSET_MIN": str(low),
        "BENCH_OFFSET_MAX": str(high),
    }
    if token is not None:
        env["BENCH_TOKEN"] = token
    return env


@dataclass
class Side:
    """One tree's server on its dataset, signed in."""

    url: str
    built: dataset.Built
    server: launcher.Server
    tokens: dict[str, str]
    cursor_paths: tuple[str, ...]
    patch_data: Path
    runs: int = 0

    def run(
        self, mix: Mix, name: str, run_id: str, seconds: int, args: argparse.Namespace
    ) -> Figures:
        """One wrk run of `mix` against this side, with an Idempotency-Key prefix of its own
        (a key sent again with another body is refused)."""
        self.runs += 1
        mix = {own.name: own for own in mixes(self.built)}[mix.name]
        if mix.name == CURSOR_MIX:
            mix = replace(mix, paths=self.cursor_paths)
        if mix.script == "update_ticket.lua":
            write_patch_data(self.url, self.patch_data, settle=SETTLE_SECONDS)
        env = mix_env(
            mix,
            name,
            self.built,
            self.tokens.get(mix.caller),
            f"{run_id}-{self.runs}",
            self.patch_data,
        )
        return run_wrk(
            mix,
            base_url=self.server.base_url,
            env=env,
            threads=args.threads,
            connections=args.connections,
            duration=seconds,
        )


def summary(slices: dict[str, list[Figures]]) -> dict[str, Any]:
    before, after = slices["before"], slices["after"]
    ratios = [a.rps / b.rps for b, a in zip(before, after, strict=True) if b.rps]
    return {
        side: {
            "rps": statistics.median(f.rps for f in slices[side]),
            "p99_ms": statistics.median(f.p99_ms for f in slices[side]),
            "errors": sum(f.errors for f in slices[side]),
        }
        for side in SIDES
    } | {
        "ratio": statistics.median(ratios) if ratios else float("nan"),
        "ratio_min": min(ratios, default=float("nan")),
        "ratio_max": max(ratios, default=float("nan")),
    }


def markdown(report: dict[str, Any]) -> str:
    b, a = report.get("labels", {"before": "before", "after": "after"}).values()
    lines = [
        f"# {b.capitalize()} / {a}, interleaved ({report['date']})",
        "",
        f"{b}: {report['before_tree']} on `{report['before_db']}`; {a}: {report['after_tree']}"
        f" on `{report['after_db']}`; {report['workers']} workers each, wrk -t{report['threads']}"
        f" -c{report['connections']}, {report['pairs']} pairs of {report['slice']} s slices per"
        f" mix (ABBA), medians over the slices; ratio: the median of the pairs' {a}/{b}.",
        "",
        f"| mix | {b} req/s | {a} req/s | {a} / {b} (pairs: min-max) | p99 {b} / {a} ms |",
        "| --- | ---: | ---: | --- | --- |",
    ]
    for name, found in report["mixes"].items():
        before, after = found["summary"]["before"], found["summary"]["after"]
        s = found["summary"]
        errors = ""
        if before["errors"] or after["errors"]:
            errors = f" (errors {before['errors']} / {after['errors']})"
        lines.append(
            f"| {name} | {before['rps']:.0f} | {after['rps']:.0f} | {s['ratio']:.2f} "
            f"({s['ratio_min']:.2f}-{s['ratio_max']:.2f}) | {before['p99_ms']:.0f} / "
            f"{after['p99_ms']:.0f}{errors} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before-tree", type=Path, required=True, help="a checkout with .venv")
    parser.add_argument("--before-url", required=True, help="its dataset's database")
    parser.add_argument("--after-tree", type=Path, default=REPO)
    parser.add_argument("--after-url", default=None, help="default: as bench/dataset.py")
    parser.add_argument("--mixes", nargs="+", default=None)
    parser.add_argument("--pairs", type=int, default=4)
    parser.add_argument("--slice", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=DEFAULT_CONNECTIONS)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--sizes", action="store_true", help="two datasets of different sizes, the smaller first"
    )
    args = parser.parse_args(argv)
    urls = {"before": args.before_url, "after": args.after_url or dataset.database_url_from_env()}
    trees = {"before": args.before_tree.resolve(), "after": args.after_tree.resolve()}
    built = {side: asyncio.run(read_built(urls[side])) for side in SIDES}
    if args.sizes and built["before"].size.tickets >= built["after"].size.tickets:
        parser.error("--sizes: the before dataset must be the smaller")
    if not args.sizes and built["before"].size != built["after"].size:
        parser.error(f"the datasets differ in size: {built['before'].size} / {built['after'].size}")
    size = built["after"].size
    labels = {side: side for side in SIDES}
    if args.sizes:
        labels = {side: size_label(built[side].size.tickets) for side in SIDES}
    known = side_mixes(trees["before"], built["after"]) & side_mixes(trees["after"], built["after"])
    by_name = {mix.name: mix for mix in mixes(built["after"])}
    if args.mixes and not set(args.mixes) <= known:
        parser.error(f"not a mix of both trees among {args.mixes}; both have: {sorted(known)}")
    # In the order asked for (a mix that leaves statements running, deep offset, goes last).
    chosen = (
        [by_name[name] for name in args.mixes]
        if args.mixes
        else [mix for mix in by_name.values() if mix.name in known and mix.kind != "login"]
    )
    for side in SIDES:
        asyncio.run(reset(urls[side], built[side]))

    jwt_secret = secrets.token_urlsafe(48)
    run_id = secrets.token_hex(4)
    servers: dict[str, launcher.Server] = {}
    sides: dict[str, Side] = {}
    report: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "size": asdict(size),
        "before_tree": str(trees["before"]),
        "after_tree": str(trees["after"]),
        "before_db": urls["before"].rsplit("/", 1)[-1],
        "after_db": urls["after"].rsplit("/", 1)[-1],
        "workers": args.workers,
        "threads": args.threads,
        "connections": args.connections,
        "pairs": args.pairs,
        "slice": args.slice,
        "labels": labels,
        "mixes": {},
    }
    default_helpdesk = launcher.HELPDESK
    try:
        for side in SIDES:
            launcher.HELPDESK = str(trees[side] / ".venv" / "bin" / "helpdesk")
            servers[side] = launcher.Server(
                urls[side],
                TEMP / f"helpdesk-bench-ab-{side}.log",
                env=server_settings(jwt_secret),
                workers=args.workers,
                port=PORTS[side],
            ).start()
        launcher.HELPDESK = default_helpdesk
        for side, server in servers.items():
            tokens = {caller: login(server.base_url, email) for caller, email in CALLERS.items()}
            sides[side] = Side(
                url=urls[side],
                built=built[side],
                server=server,
                tokens=tokens,
                cursor_paths=asyncio.run(
                    cursor_paths(server.base_url, tokens["agent"], built[side].size.tickets)
                ),
                patch_data=TEMP / f"helpdesk-bench-ab-patch-{side}.txt",
            )
        log(f"servers up: {', '.join(f'{s} {servers[s].base_url}' for s in SIDES)}")
        for mix in chosen:
            slices: dict[str, list[Figures]] = {side: [] for side in SIDES}
            if args.warmup > 0:
                for side in SIDES:
                    sides[side].run(mix, side, run_id, args.warmup, args)
            for pair in range(args.pairs):
                for side in SIDES if pair % 2 == 0 else SIDES[::-1]:
                    slices[side].append(sides[side].run(mix, side, run_id, args.slice, args))
            found = summary(slices)
            report["mixes"][mix.name] = {
                "summary": found,
                "slices": {side: [asdict(f) for f in slices[side]] for side in SIDES},
            }
            log(
                f"{mix.name}: before {found['before']['rps']:.0f} req/s (p99 "
                f"{found['before']['p99_ms']:.0f} ms), after {found['after']['rps']:.0f} req/s "
                f"(p99 {found['after']['p99_ms']:.0f} ms), after/before {found['ratio']:.2f} "
                f"({found['ratio_min']:.2f}-{found['ratio_max']:.2f})"
            )
    finally:
        launcher.HELPDESK = default_helpdesk
        for server in servers.values():
            server.terminate()
        for side in SIDES:
            asyncio.run(reset(urls[side], built[side]))

    RESULTS.mkdir(exist_ok=True)
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    stem = RESULTS / f"{day}-{size_label(size.tickets)}-ab"
    if args.sizes:
        stem = RESULTS / f"{day}-{labels['before']}-vs-{labels['after']}"
    if args.mixes:
        stem = stem.with_name(stem.name + "-some")
    stem.with_suffix(".json").write_text(json.dumps(report, indent=1))
    text = markdown(report)
    stem.with_suffix(".md").write_text(text)
    log(f"results written to {stem.with_suffix('.md').relative_to(REPO)}")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

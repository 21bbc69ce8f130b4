"""Build the benchmark's dataset: a desk with a million tickets, in a database of its own.

    .venv/bin/python bench/dataset.py                      # 1M tickets, 3M comments
    .venv/bin/python bench/dataset.py --tickets 10000      # a small one, seconds
    .venv/bin/python bench/dataset.py --if-missing         # keep a database of that size

The database (default `helpdesk_bench` on the PostgreSQL at 127.0.0.1:5432, user postgres;
`--database-url` or $BENCH_DATABASE_URL for another) is dropped and created again, migrated
with the app's own migrations, then filled:

- users: one admin, `--agents` agents, `--users` requesters, all with the password
  `BENCH_PASSWORD` at the production bcrypt cost (12), emails `admin@bench.example`,
  `agent1@bench.example`..., `user1@bench.example`...;
- tickets: created over three years, newest with the highest ids; old ones mostly closed,
  recent ones open or in progress; priorities and SLA minutes as the app sets them, so the
  old tickets left open are breached; titles and descriptions from a Zipf-like vocabulary
  (bench/vocabulary.py), the search columns filled by PostgreSQL itself;
- comments: about three per ticket, written within days of their ticket;
- the timeline: one entry per ticket created, per version bump and per comment, in time order.

Tickets and comments stream in through COPY on two connections while Python writes the
text; the timeline is one INSERT ... SELECT. Secondary indexes and foreign keys are
dropped for the load and built again afterwards (two at a time), then every table is
vacuumed and analyzed. The size asked for is recorded in the `bench_dataset` table, which
`--if-missing` reads.
"""

import argparse
import asyncio
import json
import os
import random
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import bcrypt
from alembic.script import ScriptDirectory

# bench/ for its sibling modules and the repository for tests.support: the scripts run as
# `python bench/<name>.py`, and each imports this module (directly or through common.py)
# before anything from tests.support.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import vocabulary
from tests.support.server import plain_url

from helpdesk.config import to_asyncpg_url
from helpdesk.migrate import alembic_config, upgrade
from helpdesk.tickets.sla.models import DEFAULT_SLA_MINUTES

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/helpdesk_bench"
BENCH_PASSWORD = "bench-password-123"  # noqa: S105 (throw-away benchmark accounts)
BENCH_BCRYPT_ROUNDS = 12
EMAIL_DOMAIN = "bench.example"
ADMIN_ID = 1
HISTORY = timedelta(days=3 * 365)
CHUNK_TICKETS = 5_000
# Texts are windows onto one long stream of Zipf-distributed words: drawing each word on
# its own would cost more than PostgreSQL's whole load.
WORD_STREAM_LENGTH = 3_000_000
META_TABLE = "bench_dataset"
LOADED_TABLES = ("tickets", "comments", "timeline_logs")

TICKET_COLUMNS = (
    "id",
    "title",
    "description",
    "status",
    "priority",
    "requester_id",
    "assignee_id",
    "sla_minutes",
    "due_at",
    "version",
    "updated_at",
    "created_at",
    "comment_words",
)
COMMENT_COLUMNS = ("id", "ticket_id", "author_id", "body", "created_at")
PRIORITY_WEIGHTS = {"low": 0.30, "medium": 0.45, "high": 0.20, "urgent": 0.05}
# Status by age: (closed, resolved, in_progress, open) shares.
STATUS_BY_AGE = (
    (timedelta(days=7), (0.15, 0.15, 0.35, 0.35)),
    (timedelta(days=30), (0.55, 0.25, 0.12, 0.08)),
    (HISTORY, (0.93, 0.04, 0.015, 0.015)),
)
STATUSES = ("closed", "resolved", "in_progress", "open")
COPY_NULL = "\\N"


@dataclass(frozen=True)
class Size:
    tickets: int
    comments: int
    agents: int
    users: int

    @property
    def first_user_id(self) -> int:
        return ADMIN_ID + self.agents + 1

    @property
    def agent_ids(self) -> range:
        return range(ADMIN_ID + 1, ADMIN_ID + 1 + self.agents)


@dataclass
class Built:
    """What `bench_dataset` records: the size asked for, and how long each step took."""

    size: Size
    built_at: str = ""
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    common_word: str = vocabulary.COMMON_WORD
    rare_word: str = field(default_factory=vocabulary.rare_word)


def admin_url(url: str) -> tuple[str, str]:
    """The same server's `postgres` database, and the name of the database in `url`."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name:
        raise SystemExit("the database URL must name a database, e.g. .../helpdesk_bench")
    return urlunsplit(parts._replace(path="/postgres")), name


class Progress:
    """One line on stderr, redrawn in place: `tickets  340000/1000000 [######    ] 34% 12s`."""

    def __init__(self, label: str, total: int) -> None:
        self.label, self.total, self.start, self.last = label, total, time.monotonic(), 0.0

    def update(self, done: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.2 and done < self.total:
            return
        self.last = now
        share = done / self.total if self.total else 1.0
        bar = "#" * int(share * 30)
        sys.stderr.write(
            f"\r  {self.label:<10} {done:>9}/{self.total} [{bar:<30}] {share:4.0%} "
            f"{now - self.start:5.0f}s"
        )
        if done >= self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


async def step(built: Built, name: str, work: Awaitable[Any]) -> Any:
    print(f"{name} ...", flush=True)
    start = time.monotonic()
    result = await work
    built.seconds[name] = round(time.monotonic() - start, 1)
    print(f"{name}: {built.seconds[name]} s", flush=True)
    return result


# --- the database ----------------------------------------------------------------------


async def read_record(conn: asyncpg.Connection) -> Built | None:
    """What `bench_dataset` records in this database; None when it holds no dataset."""
    try:
        raw = await conn.fetchval(f"SELECT built FROM {META_TABLE} LIMIT 1")  # noqa: S608 (a constant)
    except asyncpg.UndefinedTableError:
        return None
    if raw is None:
        return None
    data = json.loads(raw)
    return Built(**{**data, "size": Size(**data["size"])})


async def existing_size(url: str) -> Size | None:
    try:
        conn = await asyncpg.connect(plain_url(url))
    except asyncpg.InvalidCatalogNameError:
        return None
    try:
        built = await read_record(conn)
        if built is None:
            return None
        revision = await conn.fetchval("SELECT version_num FROM alembic_version")
    finally:
        await conn.close()
    if revision != ScriptDirectory.from_config(alembic_config()).get_current_head():
        return None  # built at an older schema: build again
    return built.size


async def recreate_database(url: str) -> None:
    server, name = admin_url(plain_url(url))
    conn = await asyncpg.connect(server)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def connect(url: str) -> asyncpg.Connection:
    conn = await asyncpg.connect(plain_url(url))
    # A bulk load: no wait for each commit's flush, and room for sorts and index builds.
    await conn.execute(
        "SET synchronous_commit = off; SET maintenance_work_mem = '1GB'; "
        "SET work_mem = '256MB'; SET max_parallel_maintenance_workers = 2"
    )
    return conn


async def drop_secondary_indexes(conn: asyncpg.Connection) -> list[str]:
    """Drop the foreign keys and non-primary indexes of the loaded tables; return the
    statements that create them again, indexes first."""
    indexes = await conn.fetch(
        "SELECT i.indexrelid::regclass::text AS name, c.relname AS tbl, "
        "pg_get_indexdef(i.indexrelid) AS definition "
        "FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
        "WHERE c.relname = ANY($1::text[]) AND NOT i.indisprimary",
        list(LOADED_TABLES),
    )
    foreign_keys = await conn.fetch(
        "SELECT conrelid::regclass::text AS tbl, conname AS name, "
        "pg_get_constraintdef(oid) AS definition FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid::regclass::text = ANY($1::text[])",
        list(LOADED_TABLES),
    )
    for fk in foreign_keys:
        await conn.execute(f'ALTER TABLE {fk["tbl"]} DROP CONSTRAINT "{fk["name"]}"')
    for index in indexes:
        await conn.execute(f"DROP INDEX {index['name']}")
    return [index["definition"] for index in indexes] + [
        f'ALTER TABLE {fk["tbl"]} ADD CONSTRAINT "{fk["name"]}" {fk["definition"]}'
        for fk in foreign_keys
    ]


async def run_two_at_a_time(conns: Sequence[asyncpg.Connection], statements: list[str]) -> None:
    """Each connection takes the next statement when it is done with its last one."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for statement in statements:
        queue.put_nowait(statement)

    async def worker(conn: asyncpg.Connection) -> None:
        while not queue.empty():
            statement = queue.get_nowait()
            start = time.monotonic()
            await conn.execute(statement)
            print(f"  {time.monotonic() - start:6.1f}s  {statement[:110]}", flush=True)

    await asyncio.gather(*(worker(conn) for conn in conns))


# --- the rows --------------------------------------------------------------------------


def _timestamp(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat()


class Writer:
    """Tickets and comments as COPY text, chunk by chunk, from one seeded generator."""

    def __init__(
        self, size: Size, now: datetime, seed: int, lexemes: dict[str, tuple[str, ...]]
    ) -> None:
        self.size = size
        # Each word's lexemes as PostgreSQL's to_tsvector gives them: a ticket's
        # comment_words are the union of its comments' words' lexemes.
        self.lexemes = lexemes
        self.rng = random.Random(seed)  # noqa: S311 (data, not secrets)
        self.now = now.timestamp()
        self.start = (now - HISTORY).timestamp()
        words = vocabulary.words()
        self.stream = self.rng.choices(
            words, cum_weights=vocabulary.zipf_cumulative_weights(len(words)), k=WORD_STREAM_LENGTH
        )
        self.next_comment_id = 1
        self.priority_names = list(PRIORITY_WEIGHTS)
        self.priority_cum = [sum(list(PRIORITY_WEIGHTS.values())[: i + 1]) for i in range(4)]

    def text(self, low: int, high: int) -> str:
        count = self.rng.randint(low, high)
        offset = self.rng.randrange(WORD_STREAM_LENGTH - count)
        return " ".join(self.stream[offset : offset + count])

    def status(self, age: float) -> str:
        shares = next(s for limit, s in STATUS_BY_AGE if age <= limit.total_seconds())
        return self.rng.choices(STATUSES, weights=shares)[0]

    def chunk(self, first: int, last: int) -> tuple[bytes, bytes]:
        """Tickets first..last (ids), and their share of the comments."""
        rng, size = self.rng, self.size
        span = self.now - self.start
        tickets: list[str] = []
        facts: list[tuple[float, int, int]] = []  # created, requester, assignee (0: none)
        agents = size.agent_ids
        for ticket_id in range(first, last + 1):
            created = self.start + span * (ticket_id - 1 + rng.random()) / size.tickets
            age = self.now - created
            status = self.status(age)
            priority = rng.choices(self.priority_names, cum_weights=self.priority_cum)[0]
            sla = DEFAULT_SLA_MINUTES[priority]  # type: ignore[index]
            if rng.random() < 0.05:
                sla = rng.choice((30, 120, 2880, 10080))
            requester = rng.randrange(size.first_user_id, size.first_user_id + size.users)
            assignee = 0 if status == "open" and rng.random() < 0.5 else rng.choice(agents)
            version = {"open": 1, "in_progress": 2, "resolved": 3, "closed": 4}[status]
            version += (assignee != 0 and status == "open") + (rng.random() < 0.2)
            updated = created + min(age, rng.uniform(60, 5 * 86400)) if version > 1 else created
            title = self.text(4, 9)
            tickets.append(
                f"{ticket_id}\t{title[0].upper()}{title[1:]}\t{self.text(10, 50)}\t{status}\t"
                f"{priority}\t{requester}\t{assignee or COPY_NULL}\t{sla}\t"
                f"{_timestamp(created + sla * 60)}\t{version}\t{_timestamp(updated)}\t"
                f"{_timestamp(created)}\t"
            )
            facts.append((created, requester, assignee))

        # This chunk's share of the comments, spread over its tickets at random (about
        # Poisson), each within five days of its ticket, in time order.
        wanted = (size.comments * last) // size.tickets - (size.comments * (first - 1)) // (
            size.tickets
        )
        comments: list[tuple[float, int, int]] = []
        for _ in range(wanted):
            index = rng.randrange(len(facts))
            created, requester, assignee = facts[index]
            when = created + rng.random() * min(self.now - created, 5 * 86400)
            author = requester if rng.random() < 0.5 else (assignee or rng.choice(agents))
            comments.append((when, first + index, author))
        comments.sort()
        lines = []
        words: list[set[str]] = [set() for _ in tickets]
        for when, ticket_id, author in comments:
            body = self.text(5, 40)
            words[ticket_id - first].update(body.split())
            lines.append(
                f"{self.next_comment_id}\t{ticket_id}\t{author}\t{body}\t{_timestamp(when)}\n"
            )
            self.next_comment_id += 1
        for index, ticket_words in enumerate(words):
            # tsvector's text form: lexemes apart by spaces (letters and digits need no quotes).
            found = {lexeme for word in ticket_words for lexeme in self.lexemes[word]}
            tickets[index] += " ".join(sorted(found)) + "\n"
        return "".join(tickets).encode(), "".join(lines).encode()


async def word_lexemes(conn: asyncpg.Connection) -> dict[str, tuple[str, ...]]:
    """Every vocabulary word's lexemes (none for a stop word), from PostgreSQL itself."""
    rows = await conn.fetch(
        "SELECT word, tsvector_to_array(to_tsvector('english', word)) AS lexemes "
        "FROM unnest($1::text[]) AS word",
        vocabulary.words(),
    )
    lexemes = {row["word"]: tuple(row["lexemes"]) for row in rows}
    assert all(
        lexeme.isascii() and lexeme.isalnum() for found in lexemes.values() for lexeme in found
    )
    return lexemes


async def copy_tickets_and_comments(
    conns: Sequence[asyncpg.Connection], size: Size, now: datetime, seed: int
) -> None:
    lexemes = await word_lexemes(conns[0])
    writer = Writer(size, now, seed, lexemes)
    queues: list[asyncio.Queue[bytes | None]] = [asyncio.Queue(maxsize=3) for _ in conns]

    async def source(queue: asyncio.Queue[bytes | None]) -> AsyncIterator[bytes]:
        while (data := await queue.get()) is not None:
            yield data

    copies = [
        asyncio.create_task(
            conn.copy_to_table(table, source=source(queue), columns=columns, format="text")
        )
        for conn, queue, table, columns in zip(
            conns,
            queues,
            ("tickets", "comments"),
            (TICKET_COLUMNS, COMMENT_COLUMNS),
            strict=True,
        )
    ]
    progress = Progress("tickets", size.tickets)
    for first in range(1, size.tickets + 1, CHUNK_TICKETS):
        last = min(first + CHUNK_TICKETS - 1, size.tickets)
        ticket_data, comment_data = writer.chunk(first, last)
        for queue, data in zip(queues, (ticket_data, comment_data), strict=True):
            await queue.put(data)
        await asyncio.sleep(0)  # let the COPYs send what is queued
        for copy in copies:
            if copy.done():
                copy.result()  # a failed COPY stops the load now, with its error
        progress.update(last)
    for queue in queues:
        await queue.put(None)
    await asyncio.gather(*copies)


INSERT_USERS = """
INSERT INTO users (id, name, email, password_hash, role, created_at)
SELECT 1, 'Bench Admin', 'admin@{domain}', $1::text, 'admin', $2::timestamptz
UNION ALL
SELECT 1 + g, 'Agent ' || g, 'agent' || g || '@{domain}', $1, 'agent', $2
FROM generate_series(1, $3::int) AS g
UNION ALL
SELECT 1 + $3::int + g, 'User ' || g, 'user' || g || '@{domain}', $1, 'user', $2
FROM generate_series(1, $4::int) AS g
"""

# Every ticket's history, oldest first so ids follow time as they do in a live desk:
# created, one update per version after the first, one entry per comment.
INSERT_TIMELINE = """
INSERT INTO timeline_logs (ticket_id, actor_id, action, meta, created_at)
SELECT ticket_id, actor_id, action, meta, created_at FROM (
    SELECT id AS ticket_id, requester_id AS actor_id, 'ticket.created' AS action,
           jsonb_build_object('title', title, 'status', 'open', 'priority', priority,
                              'assignee_id', NULL, 'sla_minutes', sla_minutes) AS meta,
           created_at
    FROM tickets
    UNION ALL
    SELECT t.id, coalesce(t.assignee_id, 1), 'ticket.updated',
           jsonb_build_object(
               'changes', jsonb_build_object('status', jsonb_build_object(
                   'old', (ARRAY['open', 'in_progress', 'resolved', 'closed'])[least(v - 1, 4)],
                   'new', (ARRAY['open', 'in_progress', 'resolved', 'closed'])[least(v, 4)])),
               'version', v),
           t.created_at + (t.updated_at - t.created_at) * (v - 1) / (t.version - 1)
    FROM tickets t CROSS JOIN LATERAL generate_series(2, t.version) AS v
    UNION ALL
    SELECT ticket_id, author_id, 'comment.created', jsonb_build_object('comment_id', id),
           created_at
    FROM comments
) AS history
ORDER BY created_at
"""


async def build(url: str, size: Size, seed: int) -> Built:
    built = Built(size=size)
    total_start = time.monotonic()
    await step(built, "create database", recreate_database(url))
    await step(built, "migrate", upgrade(to_asyncpg_url(url)))
    conns = [await connect(url), await connect(url)]
    try:
        main = conns[0]
        recreate = await step(built, "drop indexes", drop_secondary_indexes(main))
        password_hash = bcrypt.hashpw(
            BENCH_PASSWORD.encode(), bcrypt.gensalt(BENCH_BCRYPT_ROUNDS)
        ).decode()
        now = datetime.now(UTC)
        await step(
            built,
            "users",
            main.execute(
                INSERT_USERS.format(domain=EMAIL_DOMAIN),
                password_hash,
                now - HISTORY - timedelta(days=1),
                size.agents,
                size.users,
            ),
        )
        await step(built, "tickets and comments", copy_tickets_and_comments(conns, size, now, seed))
        await step(built, "timeline", main.execute(INSERT_TIMELINE))
        # Keys after every index: adding one locks both its tables against index builds.
        indexes = [definition for definition in recreate if not definition.startswith("ALTER")]
        keys = [definition for definition in recreate if definition.startswith("ALTER")]
        await step(built, "indexes", run_two_at_a_time(conns, indexes))
        await step(built, "foreign keys", run_two_at_a_time(conns, keys))
        await step(
            built,
            "sequences",
            main.execute(
                "".join(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 (constants)
                    f"(SELECT coalesce(max(id), 1) FROM {table}));"
                    for table in ("users", *LOADED_TABLES)
                )
            ),
        )
        await step(
            built,
            "vacuum analyze",
            run_two_at_a_time(
                conns, [f"VACUUM (ANALYZE) {table}" for table in (*LOADED_TABLES, "users")]
            ),
        )
        for table in ("users", *LOADED_TABLES):
            count_rows = f"SELECT count(*) FROM {table}"  # noqa: S608 (constants)
            built.rows[table] = await main.fetchval(count_rows)
        built.seconds["total"] = round(time.monotonic() - total_start, 1)
        built.built_at = datetime.now(UTC).isoformat(timespec="seconds")
        await main.execute(f"CREATE TABLE {META_TABLE} (built jsonb NOT NULL)")
        await main.execute(
            f"INSERT INTO {META_TABLE} (built) VALUES ($1)",  # noqa: S608 (a constant)
            json.dumps(asdict(built)),
        )
    finally:
        for conn in conns:
            await conn.close()
    return built


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help=f"default: {DEFAULT_DATABASE_URL}")
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--comments", type=int, default=None, help="default: 3 per ticket")
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=vocabulary.SEED)
    parser.add_argument(
        "--if-missing",
        action="store_true",
        help="keep the database when it already holds a dataset of this size",
    )
    args = parser.parse_args(argv)
    url = args.database_url or database_url_from_env()
    size = Size(
        tickets=args.tickets,
        comments=3 * args.tickets if args.comments is None else args.comments,
        agents=args.agents,
        users=args.users,
    )
    if size.tickets < 1 or size.agents < 1 or size.users < 1:
        parser.error("--tickets, --agents and --users must be 1 or more")
    if args.if_missing and asyncio.run(existing_size(url)) == size:
        print(f"{urlsplit(url).path.lstrip('/')} already holds {size}; kept")
        return 0
    built = asyncio.run(build(url, size, args.seed))
    print(f"built {built.rows} in {built.seconds['total']} s")
    return 0


def database_url_from_env() -> str:
    return os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL


if __name__ == "__main__":
    sys.exit(main())

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
  recent ones open or in progress, some of those pending or on hold; priorities, SLA
  minutes and first-response minutes as the app sets them, and both SLA clocks as the app
  would have left them (running since creation, paused at the last update, stopped when
  resolved; first responded at the first public agent comment), so the old tickets left
  open are breached; titles and descriptions from a Zipf-like vocabulary
  (bench/vocabulary.py), the search columns filled by PostgreSQL itself;
- comments: about three per ticket, written within days of their ticket; a tenth of the
  agents' comments are internal notes (their words in `note_words`, not `comment_words`);
- the timeline: one entry per ticket created, per version bump (a waiting ticket's last one
  with its sla.paused) and per comment, in time order.

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
from itertools import chain
from pathlib import Path
from typing import Any, NamedTuple
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
from helpdesk.tickets.sla.models import DEFAULT_SLA_MINUTES, DEFAULT_TARGETS

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
    "version",
    "updated_at",
    "created_at",
    # The clocks (src/helpdesk/tickets/sla/clock.py); sla_business_hours keeps its default
    # (false: wall-clock time, as the default policies count).
    "due_at",
    "sla_remaining",
    "sla_started_at",
    "first_response_minutes",
    "first_response_due_at",
    "first_response_remaining",
    "first_responded_at",
    "resolved_at",
    "comment_words",
    "note_words",
)
COMMENT_COLUMNS = ("id", "ticket_id", "author_id", "body", "internal", "created_at")
PRIORITY_WEIGHTS = {"low": 0.30, "medium": 0.45, "high": 0.20, "urgent": 0.05}
FIRST_RESPONSE_MINUTES = {priority.value: first for priority, (first, _) in DEFAULT_TARGETS.items()}
# Status by age: (closed, resolved, in_progress, open) shares.
STATUS_BY_AGE = (
    (timedelta(days=7), (0.15, 0.15, 0.35, 0.35)),
    (timedelta(days=30), (0.55, 0.25, 0.12, 0.08)),
    (HISTORY, (0.93, 0.04, 0.015, 0.015)),
)
STATUSES = ("closed", "resolved", "in_progress", "open")
# Waiting tickets: of the last 30 days' open and in-progress tickets that an agent holds,
# 1 in 15 each pending and on hold (about 5% each of those days' open ones), paused at
# their last update, before their resolution target.
WAITING_STATUSES = ("pending", "on_hold")
WAITING_WITHIN = timedelta(days=30)
WAITING_SHARE = 1 / 15
STOPPED_STATUSES = frozenset(("resolved", "closed"))
# Of the agents' comments, this share are internal notes.
INTERNAL_SHARE = 0.10
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


def _copy_timestamp(seconds: float | None) -> str:
    return COPY_NULL if seconds is None else _timestamp(seconds)


def _copy_interval(seconds: float | None) -> str:
    return COPY_NULL if seconds is None else f"{seconds:.6f} seconds"


def clock_columns(
    *,
    created: float,
    status: str,
    sla_minutes: int,
    first_response_minutes: int,
    updated: float,
    version: int,
    responded: float | None,
) -> tuple[float | None, ...]:
    """A ticket's clocks as the app would have left them (tickets/sla/clock.py), in
    seconds: due_at, sla_remaining, sla_started_at, first_response_due_at,
    first_response_remaining, first_responded_at, resolved_at. Wall-clock time; the
    clocks ran from its creation until it was paused (at its last update) or resolved
    (when its timeline says so: the third version); a first response while paused or
    stopped is due as if its clock ran from the reply (clock.respond)."""
    # On the microsecond grid, as PostgreSQL stores them, so that the stored differences
    # (due_at - resolved_at) are exact.
    created, updated = round(created, 6), round(updated, 6)
    responded = None if responded is None else round(responded, 6)
    due = created + 60 * sla_minutes
    first_due = created + 60 * first_response_minutes
    if status in WAITING_STATUSES or status in STOPPED_STATUSES:
        waiting = status in WAITING_STATUSES
        stopped_at = (
            updated if waiting else round(created + (updated - created) * 2 / (version - 1), 6)
        )
        first_left = first_due - stopped_at
        if responded is not None and responded > stopped_at:
            first_due = responded + first_left
        return (
            None if waiting else due,
            due - stopped_at,
            None,
            None if waiting and responded is None else first_due,
            first_left if responded is None else None,
            responded,
            None if waiting else stopped_at,
        )
    # Running since it was created.
    return (
        due,
        60.0 * sla_minutes,
        created,
        first_due,
        60.0 * first_response_minutes if responded is None else None,
        responded,
        None,
    )


class TicketFacts(NamedTuple):
    """What a ticket's row is written from, once its comments are known."""

    created: float
    status: str
    priority: str
    requester: int
    assignee: int  # 0: none
    sla_minutes: int
    version: int
    updated: float
    title: str
    description: str


class Writer:
    """Tickets and comments as COPY text, chunk by chunk, from one seeded generator.

    What the support workflow added (waiting statuses, internal notes) is drawn from a
    second generator, so that everything else (texts, statuses, comments) is the same as
    the dataset was before it, for the same seed."""

    def __init__(
        self, size: Size, now: datetime, seed: int, lexemes: dict[str, tuple[str, ...]]
    ) -> None:
        self.size = size
        # Each word's lexemes as PostgreSQL's to_tsvector gives them: a ticket's
        # comment_words are the union of its comments' words' lexemes.
        self.lexemes = lexemes
        self.rng = random.Random(seed)  # noqa: S311 (data, not secrets)
        self.workflow_rng = random.Random(seed + 1)  # noqa: S311 (data, not secrets)
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

    def waiting(self, status: str, assignee: int, age: float) -> str | None:
        """pending or on_hold for some of the recent open tickets an agent holds."""
        if status not in ("open", "in_progress") or not assignee:
            return None
        if age > WAITING_WITHIN.total_seconds():
            return None
        draw = self.workflow_rng.random()
        return next(
            (s for i, s in enumerate(WAITING_STATUSES) if draw < (i + 1) * WAITING_SHARE), None
        )

    def chunk(self, first: int, last: int) -> tuple[bytes, bytes]:
        """Tickets first..last (ids), and their share of the comments."""
        rng, size = self.rng, self.size
        span = self.now - self.start
        facts: list[TicketFacts] = []
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
            description = self.text(10, 50)
            if (waiting := self.waiting(status, assignee, age)) is not None:
                # Paused at its last update, with time left: within its target so far.
                status, version = waiting, version + 1
                updated = created + self.workflow_rng.uniform(0.1, 0.9) * min(age, 60 * sla)
            facts.append(
                TicketFacts(
                    created=created,
                    status=status,
                    priority=priority,
                    requester=requester,
                    assignee=assignee,
                    sla_minutes=sla,
                    version=version,
                    updated=updated,
                    title=f"{title[0].upper()}{title[1:]}",
                    description=description,
                )
            )

        # This chunk's share of the comments, spread over its tickets at random (about
        # Poisson), each within five days of its ticket, in time order.
        wanted = (size.comments * last) // size.tickets - (size.comments * (first - 1)) // (
            size.tickets
        )
        comments: list[tuple[float, int, int]] = []
        for _ in range(wanted):
            index = rng.randrange(len(facts))
            ticket = facts[index]
            when = ticket.created + rng.random() * min(self.now - ticket.created, 5 * 86400)
            author = (
                ticket.requester if rng.random() < 0.5 else (ticket.assignee or rng.choice(agents))
            )
            comments.append((when, first + index, author))
        comments.sort()
        lines = []
        public_words: list[set[str]] = [set() for _ in facts]
        note_words: list[set[str]] = [set() for _ in facts]
        # The first public reply from an agent: the first response (requesters are users),
        # when and as written.
        responded: list[tuple[float, str] | None] = [None] * len(facts)
        for when, ticket_id, author in comments:
            body = self.text(5, 40)
            index = ticket_id - first
            stamp = _timestamp(when)
            by_agent = author != facts[index].requester
            internal = by_agent and self.workflow_rng.random() < INTERNAL_SHARE
            (note_words if internal else public_words)[index].update(body.split())
            if by_agent and not internal and responded[index] is None:
                responded[index] = (when, stamp)
            lines.append(
                f"{self.next_comment_id}\t{ticket_id}\t{author}\t{body}\t"
                f"{'t' if internal else 'f'}\t{stamp}\n"
            )
            self.next_comment_id += 1

        tickets = []
        for index, t in enumerate(facts):
            first_minutes = FIRST_RESPONSE_MINUTES[t.priority]
            reply = responded[index]
            clocks = clock_columns(
                created=t.created,
                status=t.status,
                sla_minutes=t.sla_minutes,
                first_response_minutes=first_minutes,
                updated=t.updated,
                version=t.version,
                responded=None if reply is None else reply[0],
            )
            due, left, started, first_due, first_left, _, resolved = clocks
            created_at = _timestamp(t.created)
            # sla_started_at is created_at, first_responded_at the reply's created_at.
            tickets.append(
                f"{first + index}\t{t.title}\t{t.description}\t{t.status}\t{t.priority}\t"
                f"{t.requester}\t{t.assignee or COPY_NULL}\t{t.sla_minutes}\t{t.version}\t"
                f"{_timestamp(t.updated)}\t{created_at}\t"
                f"{_copy_timestamp(due)}\t{_copy_interval(left)}\t"
                f"{COPY_NULL if started is None else created_at}\t{first_minutes}\t"
                f"{_copy_timestamp(first_due)}\t{_copy_interval(first_left)}\t"
                f"{COPY_NULL if reply is None else reply[1]}\t"
                f"{_copy_timestamp(resolved)}\t{self.tsvector(public_words[index])}\t"
                f"{self.tsvector(note_words[index])}\n"
            )
        return "".join(tickets).encode(), "".join(lines).encode()

    def tsvector(self, words: set[str]) -> str:
        """The words' lexemes in tsvector's text form: apart by spaces (letters and digits
        need no quotes)."""
        if not words:
            return ""
        return " ".join(sorted(set(chain.from_iterable(map(self.lexemes.__getitem__, words)))))


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
# created, one update per version after the first (a waiting ticket's last one sets its
# status, with the sla.paused entry that goes with it), one entry per comment.
INSERT_TIMELINE = """
INSERT INTO timeline_logs (ticket_id, actor_id, action, meta, created_at)
SELECT ticket_id, actor_id, action, meta, created_at FROM (
    SELECT id AS ticket_id, requester_id AS actor_id, 'ticket.created' AS action,
           jsonb_build_object('title', title, 'status', 'open', 'priority', priority,
                              'assignee_id', NULL, 'sla_minutes', sla_minutes,
                              'first_response_minutes', first_response_minutes) AS meta,
           created_at, 0 AS step
    FROM tickets
    UNION ALL
    SELECT t.id, coalesce(t.assignee_id, 1), 'ticket.updated',
           jsonb_build_object(
               'changes', jsonb_build_object('status', jsonb_build_object(
                   'old', (ARRAY['open', 'in_progress', 'resolved', 'closed'])[least(v - 1, 4)],
                   'new', CASE WHEN v = t.version AND t.status IN ('pending', 'on_hold')
                       THEN t.status
                       ELSE (ARRAY['open', 'in_progress', 'resolved', 'closed'])[least(v, 4)]
                   END)),
               'version', v),
           t.created_at + (t.updated_at - t.created_at) * (v - 1) / (t.version - 1), 1
    FROM tickets t CROSS JOIN LATERAL generate_series(2, t.version) AS v
    UNION ALL
    SELECT id, assignee_id, 'sla.paused',
           jsonb_build_object(
               'resolution_minutes_left', round(extract(epoch FROM sla_remaining) / 60)::int,
               'first_response_minutes_left',
               round(extract(epoch FROM first_response_remaining) / 60)::int),
           updated_at, 2
    FROM tickets WHERE status IN ('pending', 'on_hold')
    UNION ALL
    SELECT ticket_id, author_id, 'comment.created',
           jsonb_build_object('comment_id', id, 'internal', internal), created_at, 1
    FROM comments
) AS history
ORDER BY created_at, step
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

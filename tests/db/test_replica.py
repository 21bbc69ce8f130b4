"""Reads on a streaming replica (DATABASE_READ_URL): a real primary and a replica made from
it with `pg_basebackup -R`, a real server on both, Redis between its processes.

With the replica's replay paused, what another caller reads shows that reads go to the
replica; what the writer reads shows they see their own write at once. A replica that is
down leaves reads on the primary, and they go back to it once it is up. With two replicas
behind one DATABASE_READ_URL, one of them lagging, the writer still reads their write."""

import asyncio
import shutil
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from helpdesk.config import Settings
from helpdesk.db.replicas import REPLICA_DOWN_SECONDS
from tests.support.accounts import Account, Accounts
from tests.support.cluster import Cluster
from tests.support.db import reset_tables
from tests.support.responses import assert_error
from tests.support.server import Server
from tests.support.tickets import create_ticket, insert_ticket, list_ids

REDIS_URL = "redis://127.0.0.1:6379/0"
CATCH_UP_SECONDS = 20


@pytest.fixture(scope="module")
def clusters() -> Iterator[tuple[Cluster, Cluster]]:
    root = Path(tempfile.mkdtemp(prefix="helpdesk-replication-"))
    root.chmod(0o755)  # as root, the servers run as a user of their own
    primary = Cluster.primary(root / "primary")
    replica: Cluster | None = None
    try:
        primary.create_database("helpdesk")
        replica = primary.replica(root / "replica")
        yield primary, replica
    finally:
        for cluster in (replica, primary):
            if cluster is not None:
                cluster.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def second_replica(clusters: tuple[Cluster, Cluster]) -> Iterator[Cluster]:
    root = Path(tempfile.mkdtemp(prefix="helpdesk-replication-"))
    root.chmod(0o755)
    replica = clusters[0].replica(root / "replica")
    try:
        yield replica
    finally:
        replica.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def server(
    clusters: tuple[Cluster, Cluster], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    primary, replica = clusters
    env = {"DATABASE_READ_URL": replica.url("helpdesk"), "REDIS_URL": REDIS_URL}
    log = tmp_path_factory.mktemp("replica-server") / "server.log"
    with Server(primary.url("helpdesk"), log, env=env, workers=2) as started:
        yield started


@pytest.fixture
async def primary_db(
    clusters: tuple[Cluster, Cluster], server: Server
) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(clusters[0].url("helpdesk"))
    await reset_tables(connection)
    yield connection
    await connection.close()


@pytest.fixture
async def replica_db(
    clusters: tuple[Cluster, Cluster], primary_db: asyncpg.Connection
) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(clusters[1].url("helpdesk"))
    await caught_up(primary_db, connection)
    yield connection
    if not connection.is_closed():
        await connection.execute("SELECT pg_wal_replay_resume()")
        await connection.close()


@pytest.fixture
async def client(server: Server) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
        yield http


async def caught_up(primary_db: asyncpg.Connection, replica_db: asyncpg.Connection) -> None:
    """Wait until the replica has replayed everything the primary has written so far."""
    target = await primary_db.fetchval("SELECT pg_current_wal_lsn()")
    deadline = time.monotonic() + CATCH_UP_SECONDS
    while not await replica_db.fetchval("SELECT pg_last_wal_replay_lsn() >= $1", target):
        assert time.monotonic() < deadline, "the replica did not catch up"
        await asyncio.sleep(0.05)


async def paused(replica_db: asyncpg.Connection) -> None:
    """Stop the replica replaying what the primary writes from now on."""
    await replica_db.execute("SELECT pg_wal_replay_pause()")
    deadline = time.monotonic() + CATCH_UP_SECONDS
    while await replica_db.fetchval("SELECT pg_get_wal_replay_pause_state()") != "paused":
        assert time.monotonic() < deadline, "the replica did not pause"
        await asyncio.sleep(0.02)


async def accounts_on_both(
    settings: Settings, primary_db: asyncpg.Connection, replica_db: asyncpg.Connection, *roles: str
) -> list[Account]:
    accounts = Accounts(primary_db, settings)
    made = [await accounts.create(role) for role in roles]
    await caught_up(primary_db, replica_db)
    return made


async def test_reads_go_to_the_replica_and_the_writer_reads_their_own_write(
    settings: Settings,
    primary_db: asyncpg.Connection,
    replica_db: asyncpg.Connection,
    client: httpx.AsyncClient,
) -> None:
    writer, other = await accounts_on_both(settings, primary_db, replica_db, "agent", "agent")
    await paused(replica_db)

    ticket = await create_ticket(client, writer, title="Printer on fire")

    # The writer, on either process, reads it at once: from the primary.
    for _ in range(4):
        response = await client.get(f"/api/tickets/{ticket['id']}", headers=writer.headers)
        assert response.status_code == 200, response.text
        assert response.json()["title"] == "Printer on fire"
        assert ticket["id"] in await list_ids(client, writer)
    # Another caller reads the replica, which has not replayed it yet.
    response = await client.get(f"/api/tickets/{ticket['id']}", headers=other.headers)
    assert response.status_code == 404
    assert ticket["id"] not in await list_ids(client, other)

    await replica_db.execute("SELECT pg_wal_replay_resume()")
    await caught_up(primary_db, replica_db)
    response = await client.get(f"/api/tickets/{ticket['id']}", headers=other.headers)
    assert response.status_code == 200
    assert ticket["id"] in await list_ids(client, other)


async def test_an_account_an_admin_changed_reads_the_change_at_once(
    settings: Settings,
    primary_db: asyncpg.Connection,
    replica_db: asyncpg.Connection,
    client: httpx.AsyncClient,
) -> None:
    admin, agent = await accounts_on_both(settings, primary_db, replica_db, "admin", "agent")
    ticket_id = await insert_ticket(primary_db, admin.id)
    await caught_up(primary_db, replica_db)
    await paused(replica_db)

    response = await client.patch(
        f"/api/users/{agent.id}", json={"role": "user"}, headers=admin.headers
    )
    assert response.status_code == 200, response.text

    # The replica still has them an agent; their reads see the demotion.
    assert await replica_db.fetchval("SELECT role FROM users WHERE id = $1", agent.id) == "agent"
    for _ in range(4):  # both processes
        response = await client.get("/api/me", headers=agent.headers)
        assert response.status_code == 200, response.text
        assert response.json()["role"] == "user"
        # A requester sees only their own tickets (as if the others did not exist).
        response = await client.get(f"/api/tickets/{ticket_id}", headers=agent.headers)
        assert_error(response, 404, "NOT_FOUND")
    # The admin's own read of a ticket they could always see comes from the replica.
    response = await client.get(f"/api/tickets/{ticket_id}", headers=admin.headers)
    assert response.status_code == 200


async def test_reads_fall_back_to_the_primary_while_the_replica_is_down(
    clusters: tuple[Cluster, Cluster],
    settings: Settings,
    primary_db: asyncpg.Connection,
    replica_db: asyncpg.Connection,
    client: httpx.AsyncClient,
) -> None:
    _, replica = clusters
    writer, other = await accounts_on_both(settings, primary_db, replica_db, "agent", "agent")
    await replica_db.close()
    replica.stop()
    try:
        ticket = await create_ticket(client, writer)
        for _ in range(4):  # both processes
            response = await client.get(f"/api/tickets/{ticket['id']}", headers=other.headers)
            assert response.status_code == 200, response.text
    finally:
        replica.start()

    # Back up, it serves reads again once the processes try it anew.
    replica_again = await asyncpg.connect(replica.url("helpdesk"))
    try:
        await caught_up(primary_db, replica_again)
        await asyncio.sleep(REPLICA_DOWN_SECONDS + 0.5)
        await paused(replica_again)
        unseen = await create_ticket(client, writer)
        for _ in range(4):
            response = await client.get(f"/api/tickets/{unseen['id']}", headers=other.headers)
            assert response.status_code == 404
    finally:
        await replica_again.execute("SELECT pg_wal_replay_resume()")
        await replica_again.close()


async def _server_connections(replica: Cluster) -> int:
    """How many connections the service holds on this replica."""
    connection = await asyncpg.connect(replica.url("postgres"))
    try:
        count: int = await connection.fetchval(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = 'helpdesk' AND backend_type = 'client backend'"
        )
        return count
    finally:
        await connection.close()


async def test_with_two_replicas_the_writer_never_reads_the_lagging_one_too_early(
    clusters: tuple[Cluster, Cluster],
    second_replica: Cluster,
    settings: Settings,
    primary_db: asyncpg.Connection,
    replica_db: asyncpg.Connection,
    tmp_path: Path,
) -> None:
    """DATABASE_READ_URL naming two replicas (a multi-host DSN): one process holds
    connections on both, one replica replaying, the other paused. That the replaying one has
    replayed the writer's write says nothing of the other: every read of the writer's sees
    the write."""
    primary, current, lagging = clusters[0], clusters[1], second_replica
    writer, other = await accounts_on_both(settings, primary_db, replica_db, "agent", "agent")
    both = f"postgresql://postgres@127.0.0.1:{lagging.port},127.0.0.1:{current.port}/helpdesk"
    env = {"DATABASE_READ_URL": both, "REDIS_URL": REDIS_URL, "DB_POOL_SIZE": "2"}
    server = Server(primary.url("helpdesk"), tmp_path / "server.log", env=env)
    # asyncpg connects to the first host that answers: with the lagging replica down, the
    # process's first connection is on the current one, and its next on the lagging one.
    lagging.stop()
    try:
        server.start()
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
            assert await list_ids(http, other) == []
    finally:
        lagging.start()
    lagging_db = await asyncpg.connect(lagging.url("postgres"))
    try:
        await caught_up(primary_db, lagging_db)
        await paused(lagging_db)
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
            deadline = time.monotonic() + CATCH_UP_SECONDS
            while await _server_connections(lagging) == 0:
                assert time.monotonic() < deadline, "no connection on the second replica"
                await asyncio.gather(*(list_ids(http, other) for _ in range(8)))

            ticket = await create_ticket(http, writer, title="Seen at once")
            path = f"/api/tickets/{ticket['id']}"
            for _ in range(20):  # two at a time: both connections serve them
                answers = await asyncio.gather(
                    *(http.get(path, headers=writer.headers) for _ in range(2))
                )
                assert [answer.status_code for answer in answers] == [200, 200]
                assert [answer.json()["title"] for answer in answers] == ["Seen at once"] * 2
    finally:
        server.terminate()
        await lagging_db.execute("SELECT pg_wal_replay_resume()")
        await lagging_db.close()

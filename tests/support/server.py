"""`helpdesk serve` in its own process, as an operator runs it (production mode:
DATABASE_URL set), for tests that need real parallel connections or a process to break."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

STARTUP_SECONDS = 60
TEST_JWT_SECRET = "test-secret-test-secret-test-secret-1234"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def plain_url(url: str) -> str:
    """asyncpg's own connect() wants postgresql://, not SQLAlchemy's dialect prefix."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


class Server:
    """`helpdesk serve` on a database, its stdout and stderr kept in `log_path`. The rate
    limits are off and bcrypt is cheap unless `env` says otherwise."""

    def __init__(
        self, database_url: str, log_path: Path, *, env: dict[str, str] | None = None
    ) -> None:
        self.database_url = plain_url(database_url)
        self.log_path = log_path
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._env = env or {}
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> "Server":
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("DATABASE_URL", "TEST_DATABASE_URL") and not key.startswith("HELPDESK_")
        }
        env |= {
            "DATABASE_URL": self.database_url,
            "JWT_SECRET": TEST_JWT_SECRET,
            "BCRYPT_ROUNDS": "4",
            "RATE_LIMIT_API_PER_MINUTE": "0",
            "RATE_LIMIT_AUTH_PER_MINUTE": "0",
        } | self._env
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "helpdesk.cli", "serve", "--port", str(self.port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.log_path.parent,  # no stray .env is read
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                if httpx.get(f"{self.base_url}/api/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the server did not start:\n{self.log()}")
            time.sleep(0.1)

    @property
    def process(self) -> subprocess.Popen[bytes]:
        assert self._process is not None, "not started"
        return self._process

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait(timeout=30)

"""The command line as an operator uses it: `helpdesk serve` on the embedded database
(start, SIGTERM, restart on the same data) and the production rules."""

import contextlib
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.support.accounts import bearer
from tests.support.db import count_rows
from tests.support.server import HELPDESK, Server, inherited_environment, plain_url

SECRET = "production-secret-production-secret-0001"


def _env(**extra: str) -> dict[str, str]:
    return inherited_environment() | {"BCRYPT_ROUNDS": "4"} | extra


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    tmp_path.chmod(0o755)  # the embedded server may run as its own system user
    yield tmp_path / "pg"


def test_serve_stops_cleanly_on_sigterm_and_keeps_its_data(data_dir: Path) -> None:
    first = Server(None, data_dir.parent / "first.log", data_dir=data_dir)
    with first:
        login = httpx.post(
            f"{first.base_url}/api/login", json={"email": "user@my", "password": "Password123"}
        )
        assert login.status_code == 200, login.text
        headers = bearer(login.json()["token"])
        created = httpx.post(
            f"{first.base_url}/api/tickets", json={"title": "kept"}, headers=headers
        )
        assert created.status_code == 201
    assert first.process.returncode == 0  # SIGTERM: a normal exit
    # The embedded PostgreSQL stopped with it.
    assert not (data_dir / "postmaster.pid").exists()
    # Tokens are signed with a random secret of this installation, kept for the restart.
    assert (data_dir / "helpdesk-jwt-secret").stat().st_mode & 0o777 == 0o600

    again = Server(None, data_dir.parent / "again.log", data_dir=data_dir)
    with again:
        kept = httpx.get(f"{again.base_url}/api/tickets/{created.json()['id']}", headers=headers)
        assert kept.status_code == 200
        assert kept.json()["title"] == "kept"
    assert again.process.returncode == 0


def test_production_without_a_jwt_secret_refuses_to_start() -> None:
    result = subprocess.run(
        [HELPDESK, "serve"],
        env=_env(DATABASE_URL="postgresql://postgres@127.0.0.1:1/none"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "JWT_SECRET must be set" in result.stderr
    assert "Traceback" not in result.stderr


async def test_production_creates_no_demo_account_but_create_user_makes_an_admin(
    database_url: str, db: asyncpg.Connection
) -> None:
    env = _env(DATABASE_URL=plain_url(database_url), JWT_SECRET=SECRET)
    migrate = subprocess.run(
        [HELPDESK, "migrate"], env=env, capture_output=True, text=True, timeout=60
    )
    assert migrate.returncode == 0, migrate.stderr
    assert await count_rows(db, "users") == 0

    create = subprocess.run(
        [
            HELPDESK,
            "create-user",
            "--email",
            "Boss@Corp.example",
            "--name",
            "Boss",
            "--role",
            "admin",
        ],
        env=env | {"HELPDESK_PASSWORD": "a-long-password"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert create.returncode == 0, create.stderr
    row = await db.fetchrow("SELECT email, role FROM users")
    assert dict(row) == {"email": "boss@corp.example", "role": "admin"}


def test_production_server_bounds_headers_and_limits_by_the_forwarded_client(
    database_url: str, tmp_path: Path
) -> None:
    """`helpdesk serve` as deployed behind a proxy: oversized headers are refused by the
    HTTP parser, and the per-address login limit counts the client the trusted proxy names,
    not the proxy itself."""
    behind_a_proxy = {
        "JWT_SECRET": SECRET,
        "FORWARDED_ALLOW_IPS": "127.0.0.1",
        "RATE_LIMIT_AUTH_PER_MINUTE": "2",
    }
    server = Server(database_url, tmp_path / "server.log", env=behind_a_proxy).start()
    base_url, port = server.base_url, server.port
    try:
        # Over the limit but within what the protocol reads (http_protocol.MAX_HEAD_BYTES):
        # the app's 431 in the error format.
        for size in (20_000, 50_000):
            response = httpx.get(f"{base_url}/api/health", headers={"X-Big": "a" * size})
            assert response.status_code == 431
            assert response.json()["error"]["code"] == "HEADERS_TOO_LARGE"
        # Far over it: the protocol stops reading (400, or the connection dropped). An
        # unbounded httptools reads on, and this times out.
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            big = b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 5_000_000
            answer = b""
            with contextlib.suppress(ConnectionResetError, BrokenPipeError):
                sock.sendall(big)
                answer = sock.recv(100)
            assert answer == b"" or answer.startswith(b"HTTP/1.1 400 "), answer
        assert "server" not in httpx.get(f"{base_url}/api/health").headers

        attempts = iter(range(100))

        def login(client_address: str) -> int:
            """A wrong password for a new email each time: only the address limit applies."""
            response = httpx.post(
                f"{base_url}/api/login",
                json={"email": f"guess{next(attempts)}@example.test", "password": "wrong-pass"},
                headers={"X-Forwarded-For": client_address},
            )
            return response.status_code

        assert [login("203.0.113.1") for _ in range(3)] == [401, 401, 429]
        # Another client behind the same proxy has its own budget.
        assert login("203.0.113.2") == 401
    finally:
        server.terminate()
    assert server.process.returncode == 0, server.log()

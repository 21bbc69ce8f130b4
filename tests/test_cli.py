"""The command line as an operator uses it: `helpdesk serve` on the embedded database
(start, SIGTERM, restart on the same data), the production rules, and how the server reads
a request's bytes (its head bounded, its body the app's, however they arrive)."""

import contextlib
import json
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest

from helpdesk.http_protocol import HEAD_TOO_LARGE, MAX_HEAD_BYTES
from tests.support.accounts import Account, bearer
from tests.support.db import count_rows
from tests.support.raw_http import RawResponse, exchange, request
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


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("STREAM_MAX_PER_USER", "0"),
        ("STREAM_MAX_PER_USER", "many"),
        ("GRACEFUL_SHUTDOWN_SECONDS", "0"),
        ("GRACEFUL_SHUTDOWN_SECONDS", "-5"),
    ],
)
def test_a_bad_stream_or_shutdown_setting_refuses_to_start(variable: str, value: str) -> None:
    result = subprocess.run(
        [HELPDESK, "serve"],
        env=_env(
            DATABASE_URL="postgresql://postgres@127.0.0.1:1/none",
            JWT_SECRET=SECRET,
            **{variable: value},
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert f"configuration error: {variable}:" in result.stderr
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


# How a request's bytes may arrive: in one write, or a few KB at a time with pauses.
ARRIVALS = [
    pytest.param({}, id="one-write"),
    pytest.param({"chunk": 4096, "pause": 0.001}, id="small-chunks"),
]


def _port(base_url: str) -> int:
    port = urlsplit(base_url).port
    assert port is not None
    return port


def _assert_raw_error(answer: RawResponse, status: int, code: str) -> None:
    assert answer.status == status, answer
    assert answer.headers["content-type"] == "application/json", answer
    assert answer.json()["error"]["code"] == code, answer


@pytest.mark.parametrize("arrival", ARRIVALS)
async def test_large_bodies_are_read_as_bodies_however_they_arrive(
    live_server: str, admin: Account, db: asyncpg.Connection, arrival: dict[str, Any]
) -> None:
    """Only a request's head counts against http_protocol.MAX_HEAD_BYTES: a body far larger
    gets the app's answer in the error format, never the protocol's text/plain 400."""
    port, auth = _port(live_server), admin.headers
    # 900 KB of valid JSON (a short ticket padded with whitespace): created.
    padded = b'{"title": "Large but valid"' + b" " * 900_000 + b"}"
    [created] = exchange(port, request("POST", "/api/tickets", padded, auth), **arrival)
    assert created.status == 201, created
    assert created.json()["title"] == "Large but valid"

    # 100 KB of nested brackets: not a ticket, refused, and nothing stored.
    nested = b"[" * 50_000 + b"]" * 50_000
    [refused] = exchange(port, request("POST", "/api/tickets", nested, auth), **arrival)
    _assert_raw_error(refused, 400, "BAD_REQUEST")
    # Past MAX_BODY_BYTES: 413.
    huge = json.dumps({"title": "Too large", "description": "x" * 1_500_000}).encode()
    [too_large] = exchange(port, request("POST", "/api/tickets", huge, auth), **arrival)
    _assert_raw_error(too_large, 413, "PAYLOAD_TOO_LARGE")
    assert await db.fetchval("SELECT array_agg(title) FROM tickets") == ["Large but valid"]


@pytest.mark.parametrize("pipelined", [True, False], ids=["pipelined", "keep-alive"])
@pytest.mark.parametrize("arrival", ARRIVALS)
def test_each_request_on_a_connection_has_its_head_bounded_anew(
    live_server: str, arrival: dict[str, Any], pipelined: bool
) -> None:
    """After a request with a large body, the next request on the same connection (sent
    with it, or once it is answered) is read normally, and its own head is bounded again."""
    port, large_body = _port(live_server), b"[" + b" " * 200_000 + b"]"
    login = request("POST", "/api/login", large_body)
    health = request("GET", "/api/health")
    first, second = exchange(port, login, health, pipelined=pipelined, **arrival)
    _assert_raw_error(first, 400, "BAD_REQUEST")
    assert second.status == 200, second

    # Over the app's limit: its 431, the previous body not counted against the head.
    large = request("GET", "/api/health", headers={"X-Big": "a" * 30_000})
    first, second = exchange(port, login, large, pipelined=pipelined, **arrival)
    _assert_raw_error(first, 400, "BAD_REQUEST")
    _assert_raw_error(second, 431, "HEADERS_TOO_LARGE")


@pytest.mark.parametrize("arrival", ARRIVALS)
def test_a_head_far_over_the_bound_after_a_large_body_is_not_read(
    live_server: str, arrival: dict[str, Any]
) -> None:
    """The protocol refuses (400, or drops the connection) a head far over MAX_HEAD_BYTES
    that follows a large body on a kept-alive connection, instead of reading it all."""
    port, large_body = _port(live_server), b"[" + b" " * 200_000 + b"]"
    login = request("POST", "/api/login", large_body)
    huge = request("GET", "/api/health", headers={"X-Big": "a" * 20 * MAX_HEAD_BYTES})
    first, *rest = exchange(port, login, huge, pipelined=False, **arrival)
    _assert_raw_error(first, 400, "BAD_REQUEST")
    refused = [(answer.status, answer.body) for answer in rest]
    assert refused in ([], [(400, HEAD_TOO_LARGE.encode())]), refused

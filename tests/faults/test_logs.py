"""What the server writes (stdout and stderr, the JSON access log included): one access
line per request from every worker process; and over an account's life never a token, a
password or a password hash, even when a database error is logged in the middle of a
password change."""

import asyncio
import json
import signal
import time
from typing import Any

import asyncpg
import httpx

from tests.support.accounts import Account, bearer
from tests.support.db import row_locked, wait_for_lock_waits
from tests.support.faults import Servers
from tests.support.responses import assert_error

FIRST = "first-Secret-4821"
SECOND = "second-Secret-9034"
THIRD = "third-Secret-7313"
WRONG = "wrong-Secret-1160"
AGENT = "agent-Secret-5527"
FORGED = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.forged-signature-0042"


async def _password_change_cut_by_the_database(
    http: httpx.AsyncClient, database_url: str, db: asyncpg.Connection, user_id: int, token: str
) -> httpx.Response:
    """A password change whose UPDATE (carrying the new hash) loses its connection: the
    database error that the server logs is about the very statement holding the hash."""
    async with row_locked(database_url, "users", user_id):
        change = asyncio.create_task(
            http.post(
                "/api/me/password",
                json={"current_password": SECOND, "new_password": THIRD},
                headers=bearer(token),
            )
        )
        waiting = await wait_for_lock_waits(db, query_like="UPDATE users%")
        await db.execute("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid", waiting)
        return await change


def _access_lines(log: str) -> list[dict[str, Any]]:
    entries = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    return [entry for entry in entries if entry["logger"] == "helpdesk.access"]


async def test_logs_hold_no_token_password_or_hash(
    database_url: str, servers: Servers, admin: Account, db: asyncpg.Connection
) -> None:
    server = servers.start(database_url)
    tokens = [admin.token, FORGED]
    async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as http:
        registered = await http.post(
            "/api/register", json={"name": "Lena", "email": "lena@example.test", "password": FIRST}
        )
        assert registered.status_code == 201, registered.text
        user_id = registered.json()["id"]
        wrong = await http.post(
            "/api/login", json={"email": "lena@example.test", "password": WRONG}
        )
        assert_error(wrong, 401, "INVALID_CREDENTIALS")
        login = await http.post(
            "/api/login", json={"email": "lena@example.test", "password": FIRST}
        )
        assert login.status_code == 200, login.text
        first = login.json()["token"]
        tokens.append(first)

        assert (await http.get("/api/me", headers=bearer(first))).status_code == 200
        created = await http.post(
            "/api/tickets",
            json={"title": "Cannot log in to the VPN"},
            headers={**bearer(first), "Idempotency-Key": "vpn-1"},
        )
        assert created.status_code == 201, created.text
        ticket_id = created.json()["id"]
        listed = await http.get("/api/tickets?query=vpn", headers=bearer(first))
        assert listed.status_code == 200
        patched = await http.patch(
            f"/api/tickets/{ticket_id}",
            json={"description": "since the update"},
            headers={**bearer(first), "If-Match": '"1"'},
        )
        assert patched.status_code == 200, patched.text
        commented = await http.post(
            f"/api/tickets/{ticket_id}/comments", json={"body": "Still"}, headers=bearer(first)
        )
        assert commented.status_code == 201, commented.text
        assert_error(await http.get("/api/me", headers=bearer(FORGED)), 401, "UNAUTHORIZED")

        refused = await http.post(
            "/api/me/password",
            json={"current_password": WRONG, "new_password": SECOND},
            headers=bearer(first),
        )
        assert_error(refused, 400, "FIELD_INVALID", "current_password")
        changed = await http.post(
            "/api/me/password",
            json={"current_password": FIRST, "new_password": SECOND},
            headers=bearer(first),
        )
        assert changed.status_code == 200, changed.text
        second = changed.json()["token"]
        tokens.append(second)
        assert_error(await http.get("/api/me", headers=bearer(first)), 401, "UNAUTHORIZED")
        assert (await http.get("/api/me", headers=bearer(second))).status_code == 200

        staff = await http.post(
            "/api/register",
            json={"name": "Ari", "email": "ari@example.test", "password": AGENT, "role": "agent"},
            headers=admin.headers,
        )
        assert staff.status_code == 201, staff.text

        cut = await _password_change_cut_by_the_database(http, database_url, db, user_id, second)
        assert_error(cut, 503, "SERVICE_UNAVAILABLE")
        # The cut change stored nothing: the second password still works.
        again = await http.post(
            "/api/login", json={"email": "lena@example.test", "password": SECOND}
        )
        assert again.status_code == 200, again.text
        tokens.append(again.json()["token"])

    server.process.send_signal(signal.SIGTERM)
    assert await asyncio.to_thread(server.process.wait, 30) == 0
    log = server.log()

    # The log did record the flow, the database error included...
    requests = {(e["method"], e["path"], e["status"]) for e in _access_lines(log)}
    assert {
        ("POST", "/api/register", 201),
        ("POST", "/api/login", 401),
        ("POST", "/api/login", 200),
        ("GET", "/api/me", 200),
        ("POST", "/api/tickets", 201),
        ("PATCH", f"/api/tickets/{ticket_id}", 200),
        ("POST", "/api/me/password", 400),
        ("POST", "/api/me/password", 200),
        ("POST", "/api/me/password", 503),
    } <= requests
    assert '"logger": "helpdesk.db"' in log
    # ...and none of the secrets that went through it.
    hashes = [row["password_hash"] for row in await db.fetch("SELECT password_hash FROM users")]
    secrets = [FIRST, SECOND, THIRD, WRONG, AGENT, *tokens, *hashes]
    secrets += [token.rsplit(".", 1)[1] for token in tokens]  # a signature alone
    leaked = [secret for secret in secrets if secret in log]
    assert not leaked, leaked
    assert "$2b$" not in log
    assert "Bearer" not in log


async def test_every_worker_process_writes_the_access_log(
    database_url: str, servers: Servers
) -> None:
    """`helpdesk serve --workers 2`: each request, whichever process answered it, has its
    access line, naming that process."""
    server = servers.start(database_url, workers=2)
    workers = {process.pid for process in server.worker_processes()}
    assert len(workers) == 2
    request_ids = [f"access-{n}" for n in range(200)]
    limit = asyncio.Semaphore(20)

    async def health(request_id: str) -> None:
        # A connection each, so that both processes accept some.
        async with limit, httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
            response = await http.get("/api/health", headers={"X-Request-ID": request_id})
            assert response.status_code == 200

    await asyncio.gather(*(health(request_id) for request_id in request_ids))

    def ours() -> list[dict[str, Any]]:
        # Not the readiness checks the start made.
        return [e for e in _access_lines(server.log()) if e["request_id"] in request_ids]

    deadline = time.monotonic() + 10
    while len(lines := ours()) < len(request_ids):
        assert time.monotonic() < deadline, f"{len(lines)} access lines:\n{server.log()}"
        await asyncio.sleep(0.1)
    assert sorted(entry["request_id"] for entry in lines) == sorted(request_ids)
    assert {entry["path"] for entry in lines} == {"/api/health"}
    assert {entry["pid"] for entry in lines} == workers

"""The database goes away under a running server and comes back: requests fail fast with
503 in the error format, health says so, and the service recovers without a restart."""

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable

import httpx

from tests.support.accounts import bearer
from tests.support.faults import Cluster, Servers
from tests.support.responses import assert_error

# The promise: while the database is down, a request fails within this.
FAIL_WITHIN_SECONDS = 5.0
# After the database is back, the first request that succeeds comes within this.
RECOVER_WITHIN_SECONDS = 15.0
# A database that stops answering (no refusal, no reply) is only noticed by the timeouts in
# db.py (5 s for a connection, a pool slot, a statement); on top of that the pool may take
# 2 s to drop a connection, and a request may wait for a pool slot first. Far from a hang.
FROZEN_FAIL_WITHIN_SECONDS = 15.0
PASSWORD = "outage-password-1"


def _timed(call: Callable[[], httpx.Response]) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_requests_fail_fast_with_503_while_the_database_is_down_and_recover_after(
    cluster: Cluster, servers: Servers
) -> None:
    server = servers.start(cluster.url)
    with httpx.Client(base_url=server.base_url, timeout=30) as http:
        registered = http.post(
            "/api/register",
            json={"name": "Olga", "email": "olga@example.test", "password": PASSWORD},
        )
        assert registered.status_code == 201, registered.text
        login = http.post("/api/login", json={"email": "olga@example.test", "password": PASSWORD})
        assert login.status_code == 200, login.text
        auth = bearer(login.json()["token"])
        before = http.post(
            "/api/tickets", json={"title": "Written before the outage"}, headers=auth
        )
        assert before.status_code == 201, before.text
        ticket = before.json()

        cluster.stop()

        requests: dict[str, Callable[[], httpx.Response]] = {
            "GET ticket": lambda: http.get(f"/api/tickets/{ticket['id']}", headers=auth),
            "GET tickets": lambda: http.get("/api/tickets", headers=auth),
            "GET me": lambda: http.get("/api/me", headers=auth),
            "POST ticket": lambda: http.post(
                "/api/tickets",
                json={"title": "Written during the outage"},
                headers={**auth, "Idempotency-Key": str(uuid.uuid4())},
            ),
            "PATCH ticket": lambda: http.patch(
                f"/api/tickets/{ticket['id']}",
                json={"title": "Changed during the outage"},
                headers={**auth, "If-Match": '"1"'},
            ),
            "POST login": lambda: http.post(
                "/api/login", json={"email": "olga@example.test", "password": PASSWORD}
            ),
            "POST register": lambda: http.post(
                "/api/register",
                json={"name": "Late", "email": "late@example.test", "password": PASSWORD},
            ),
        }
        unavailable = 0
        slowest = 0.0
        for _ in range(3):  # not only the first failure: the pool must not wedge
            for name, call in requests.items():
                response, elapsed = _timed(call)
                assert_error(response, 503, "SERVICE_UNAVAILABLE")
                assert elapsed < FAIL_WITHIN_SECONDS, f"{name} took {elapsed:.2f} s"
                unavailable += 1
                slowest = max(slowest, elapsed)
        health, elapsed = _timed(lambda: http.get("/api/health"))
        assert_error(health, 503, "SERVICE_UNAVAILABLE")
        assert elapsed < FAIL_WITHIN_SECONDS
        unavailable += 1

        cluster.start()
        back = time.monotonic()
        attempts = 0
        while True:
            attempts += 1
            response = http.get(f"/api/tickets/{ticket['id']}", headers=auth)
            if response.status_code == 200:
                break
            assert_error(response, 503, "SERVICE_UNAVAILABLE")
            assert time.monotonic() - back < RECOVER_WITHIN_SECONDS, "no recovery"
            time.sleep(0.05)
        recovery = time.monotonic() - back
        print(
            f"\ndatabase outage: {unavailable} requests answered 503 SERVICE_UNAVAILABLE, "
            f"slowest {slowest * 1000:.0f} ms; recovered {recovery * 1000:.0f} ms after the "
            f"database was back ({attempts} attempts)"
        )

        # What was written before the outage is there, untouched by the refused requests.
        assert response.json()["title"] == "Written before the outage"
        assert response.json()["version"] == 1
        health = http.get("/api/health")
        assert health.status_code == 200
        assert health.json() == {"status": "ok", "database": "ok"}
        again = http.post("/api/login", json={"email": "olga@example.test", "password": PASSWORD})
        assert again.status_code == 200, again.text
        after = http.post("/api/tickets", json={"title": "Written after the outage"}, headers=auth)
        assert after.status_code == 201, after.text
        listed = http.get("/api/tickets", headers=auth).json()
        titles = sorted(item["title"] for item in listed["items"])
        assert titles == ["Written after the outage", "Written before the outage"]
        late = http.post("/api/login", json={"email": "late@example.test", "password": PASSWORD})
        assert_error(late, 401, "INVALID_CREDENTIALS")
    assert server.process.poll() is None  # the same process throughout: never restarted


async def _timed_async(call: Awaitable[httpx.Response]) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = await call
    return response, time.monotonic() - started


async def test_a_database_that_stops_answering_costs_a_503_not_a_hang(
    cluster: Cluster, servers: Servers
) -> None:
    server = servers.start(cluster.url)
    # Without a statement timeout the first request on a pooled connection never came back.
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
        registered = await http.post(
            "/api/register",
            json={"name": "Olga", "email": "olga@example.test", "password": PASSWORD},
        )
        assert registered.status_code == 201, registered.text
        login = await http.post(
            "/api/login", json={"email": "olga@example.test", "password": PASSWORD}
        )
        auth = bearer(login.json()["token"])
        created = await http.post("/api/tickets", json={"title": "Before"}, headers=auth)
        assert created.status_code == 201, created.text
        ticket_url = f"/api/tickets/{created.json()['id']}"
        # Pooled connections, which the pre-ping has to find dead, and new ones.
        await asyncio.gather(*(http.get(ticket_url, headers=auth) for _ in range(6)))

        with cluster.frozen():
            results = await asyncio.gather(
                *(
                    _timed_async(call)
                    for call in (
                        *(http.get(ticket_url, headers=auth) for _ in range(8)),
                        http.post("/api/tickets", json={"title": "During"}, headers=auth),
                        http.post(
                            "/api/login", json={"email": "olga@example.test", "password": PASSWORD}
                        ),
                        http.get("/api/health"),
                    )
                )
            )
        for response, elapsed in results:
            assert_error(response, 503, "SERVICE_UNAVAILABLE")
            assert elapsed < FROZEN_FAIL_WITHIN_SECONDS, elapsed
        timings = sorted(elapsed for _, elapsed in results)
        print(
            f"\nfrozen database: {len(results)} requests answered 503 SERVICE_UNAVAILABLE in "
            f"{timings[0]:.2f} to {timings[-1]:.2f} s"
        )

        back = time.monotonic()
        while (response := await http.get(ticket_url, headers=auth)).status_code != 200:
            assert_error(response, 503, "SERVICE_UNAVAILABLE")
            assert time.monotonic() - back < RECOVER_WITHIN_SECONDS, "no recovery"
            await asyncio.sleep(0.05)
        print(f"frozen database: recovered {(time.monotonic() - back) * 1000:.0f} ms after")
        assert response.json()["title"] == "Before"
        listed = (await http.get("/api/tickets", headers=auth)).json()
        assert [item["title"] for item in listed["items"]] == ["Before"]

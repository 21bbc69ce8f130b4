"""A webhook registered, or moved, to a name that a slow DNS server answers, against a
running `helpdesk serve` with one pooled connection: the name is checked with no pooled
connection held, so the rest of the desk does not wait for the lookup."""

import asyncio
from collections.abc import Iterator

import asyncpg
import httpx
import pytest

from helpdesk.db.pool import DATABASE_TIMEOUT_SECONDS
from tests.support.accounts import Account
from tests.support.resolver import rebinding_env
from tests.support.server import Server
from tests.support.webhooks import WEBHOOKS

NAME = "hooks.slow.test"
GLOBAL_ADDRESS = "93.184.215.14"
# Longer than a request waits for a pooled connection: a lookup holding the one there is
# would cost every request behind it a 503.
LOOKUP_SECONDS = DATABASE_TIMEOUT_SECONDS + 1
# Time for the registration to reach its lookup before the other request is sent.
INTO_THE_LOOKUP_SECONDS = 1.0


@pytest.fixture(scope="module")
def slow_dns_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Production's refusal of private targets (so names are resolved), one pooled
    connection, and NAME answered with a global address LOOKUP_SECONDS late."""
    folder = tmp_path_factory.mktemp("slow-dns")
    env = rebinding_env(
        folder / "resolver",
        name=NAME,
        first=GLOBAL_ADDRESS,
        then=GLOBAL_ADDRESS,
        delay_seconds=LOOKUP_SECONDS,
    )
    env |= {"WEBHOOK_ALLOW_PRIVATE_TARGETS": "false", "DB_POOL_SIZE": "1"}
    with Server(database_url, folder / "server.log", env=env) as server:
        yield server.base_url


@pytest.mark.parametrize("method", ["POST", "PATCH"])
async def test_a_slow_name_is_checked_holding_no_connection(
    slow_dns_server: str, admin: Account, db: asyncpg.Connection, method: str
) -> None:
    url = f"https://{NAME}/hook"
    async with httpx.AsyncClient(base_url=slow_dns_server, timeout=60) as http:
        path = WEBHOOKS
        if method == "PATCH":
            first = {"url": f"https://{GLOBAL_ADDRESS}/hook", "events": ["*"]}
            created = await http.post(WEBHOOKS, json=first, headers=admin.headers)
            assert created.status_code == 201, created.text
            path = f"{WEBHOOKS}/{created.json()['id']}"
        body = {"url": url} if method == "PATCH" else {"url": url, "events": ["*"]}
        checking = asyncio.create_task(http.request(method, path, json=body, headers=admin.headers))
        await asyncio.sleep(INTO_THE_LOOKUP_SECONDS)

        listed = await http.get(WEBHOOKS, headers=admin.headers)
        assert listed.status_code == 200, listed.text
        # Answered while the name was still being looked up.
        assert not checking.done(), checking.result().text
        assert [hook["url"] for hook in listed.json()] == (
            [] if method == "POST" else [f"https://{GLOBAL_ADDRESS}/hook"]
        )

        checked = await checking
    assert checked.status_code == (201 if method == "POST" else 200), checked.text
    assert checked.json()["url"] == url
    assert await db.fetchval("SELECT url FROM webhooks") == url

"""Where a delivery goes, against a real `helpdesk worker` whose resolver the test controls:
the name is resolved once per attempt, and the address checked is the address connected
to, with the URL's host kept in the Host header."""

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest

from tests.support.accounts import Account
from tests.support.receiver import Receiver, receiver, self_signed
from tests.support.resolver import rebinding_env
from tests.support.server import WorkerProcess
from tests.support.tickets import create_ticket
from tests.support.webhooks import register

NAME = "hooks.rebinding.test"
GLOBAL_ADDRESS = "93.184.215.14"


def rebinding_worker(
    database_url: str, tmp_path: Path, *, first: str, then: str, allow_private: bool
) -> WorkerProcess:
    env = rebinding_env(tmp_path / "resolver", name=NAME, first=first, then=then)
    env["WEBHOOK_ALLOW_PRIVATE_TARGETS"] = str(allow_private).lower()
    return WorkerProcess(database_url, tmp_path / "worker.log", env=env)


async def attempts(db: asyncpg.Connection, count: int) -> Any:
    """The only delivery, once it has been tried `count` times."""
    for _ in range(600):
        row = await db.fetchrow("SELECT attempts, last_error FROM webhook_deliveries")
        if row is not None and row["attempts"] >= count:
            return row
        await asyncio.sleep(0.05)
    raise AssertionError(f"not tried {count} times: {row}")


@pytest.fixture
def rebound(database_url: str, tmp_path: Path) -> Iterator[WorkerProcess]:
    """A production worker (private targets refused) to which NAME is global at its first
    lookup and 127.0.0.1, where the test's receiver listens, at every later one."""
    with rebinding_worker(
        database_url, tmp_path, first=GLOBAL_ADDRESS, then="127.0.0.1", allow_private=False
    ) as process:
        yield process


@pytest.mark.usefixtures("rebound")
async def test_a_name_rebound_to_loopback_after_its_check_is_never_reached(
    client: httpx.AsyncClient,
    admin: Account,
    requester: Account,
    db: asyncpg.Connection,
    hook_receiver: Receiver,
) -> None:
    port = urlsplit(hook_receiver.url).port
    await register(client, admin, f"http://{NAME}:{port}/hook", ["ticket.created"])
    await create_ticket(client, requester)

    # The first attempt goes to the global address it checked, wherever that leads; the
    # retry's one lookup answers 127.0.0.1, and is refused.
    await attempts(db, 1)
    assert hook_receiver.received == []
    retried = await attempts(db, 2)
    assert retried["last_error"] == (
        "target refused: resolves to 127.0.0.1, which is not a global address"
    )
    assert hook_receiver.received == []


async def test_the_address_connected_to_is_the_one_resolved_and_the_host_is_kept(
    client: httpx.AsyncClient,
    admin: Account,
    requester: Account,
    database_url: str,
    tmp_path: Path,
    hook_receiver: Receiver,
) -> None:
    port = urlsplit(hook_receiver.url).port
    await register(client, admin, f"http://{NAME}:{port}/hook", ["ticket.created"])
    with rebinding_worker(
        database_url, tmp_path, first="127.0.0.1", then="127.0.0.1", allow_private=True
    ):
        await create_ticket(client, requester)
        [message] = hook_receiver.wait_for(1)
    assert message.path == "/hook"
    assert message.headers["host"] == f"{NAME}:{port}"


async def test_over_tls_the_certificate_and_sni_are_the_names_not_the_address(
    client: httpx.AsyncClient,
    admin: Account,
    requester: Account,
    database_url: str,
    tmp_path: Path,
) -> None:
    cert, key = self_signed(tmp_path, NAME)
    with receiver(tls=(cert, key)) as secure:
        port = urlsplit(secure.url).port
        await register(client, admin, f"https://{NAME}:{port}/hook", ["ticket.created"])
        worker = rebinding_worker(
            database_url, tmp_path, first="127.0.0.1", then="127.0.0.1", allow_private=True
        )
        worker.env["SSL_CERT_FILE"] = str(cert)  # the worker trusts this certificate only
        with worker:
            await create_ticket(client, requester)
            [message] = secure.wait_for(1)
    assert secure.server_names == [NAME]
    assert message.headers["host"] == f"{NAME}:{port}"

"""An SMTP server that answers slowly, against a real `helpdesk worker`: no transaction
stays open while the server is waited on, and the mail goes out once; a worker killed
mid-send leaves the mail to another once its lease runs out."""

import asyncio
import signal
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from helpdesk.mail.sender import LEASE
from tests.support.accounts import Account
from tests.support.db import IDLE_IN_TRANSACTION
from tests.support.server import WorkerProcess
from tests.support.smtp import Inbox, mail_settled, smtp_server
from tests.support.tickets import add_comment, create_ticket

STALL_SECONDS = 4  # the server's wait before it accepts a message: well within the timeout
STALL_PAST_THE_KILL = 120


async def mail_rows(db: asyncpg.Connection) -> list[dict[str, Any]]:
    rows = await db.fetch(
        "SELECT to_user_id, state, attempts, last_error, next_attempt_at FROM mails ORDER BY id"
    )
    return [dict(row) for row in rows]


async def test_a_slow_smtp_server_holds_no_transaction_and_the_mail_goes_once(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    database_url: str,
    tmp_path: Path,
    requester: Account,
    agent: Account,
) -> None:
    inbox = Inbox(stall_seconds=STALL_SECONDS)
    with smtp_server(inbox) as port:
        env = {"SMTP_URL": f"smtp://127.0.0.1:{port}"}
        with WorkerProcess(database_url, tmp_path / "worker.log", env=env):
            ticket = await create_ticket(client, requester)
            await add_comment(client, agent, ticket["id"], "On it")  # a mail for the requester
            await inbox.wait_for_stall()
            await asyncio.sleep(1.5)  # past the second an open transaction would show for
            assert await db.fetchval(IDLE_IN_TRANSACTION) == 0
            [message] = await inbox.wait_for(1)
            # The worker's other sender, polling every second, found nothing to take.
            await mail_settled(db)
    assert len(inbox.messages) == 1
    assert inbox.stalled == 1
    assert message["To"] == requester.email
    assert await mail_rows(db) == [
        {
            "to_user_id": requester.id,
            "state": "sent",
            "attempts": 1,
            "last_error": None,
            "next_attempt_at": None,
        }
    ]


async def test_a_worker_killed_mid_send_leaves_the_mail_to_be_sent_once_its_lease_runs_out(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    database_url: str,
    tmp_path: Path,
    requester: Account,
    agent: Account,
) -> None:
    inbox = Inbox(stall_seconds=STALL_PAST_THE_KILL)
    with smtp_server(inbox) as port:
        env = {"SMTP_URL": f"smtp://127.0.0.1:{port}"}
        killed = WorkerProcess(database_url, tmp_path / "killed.log", env=env).start()
        try:
            ticket = await create_ticket(client, requester)
            await add_comment(client, agent, ticket["id"], "On it")
            await inbox.wait_for_stall()
        finally:
            killed.stop(signal.SIGKILL)
        [leased] = await db.fetch(
            "SELECT state, attempts, next_attempt_at - now() AS lease_left FROM mails"
        )
        assert leased["state"] == "pending" and leased["attempts"] == 0
        assert LEASE - timedelta(seconds=30) < leased["lease_left"] <= LEASE

        inbox.stall_seconds = 0
        with WorkerProcess(database_url, tmp_path / "worker.log", env=env):
            # While the lease holds, no other worker takes the mail: the new worker sends
            # a later one, and not it.
            await add_comment(client, agent, ticket["id"], "Still on it")
            [later] = await inbox.wait_for(1)
            assert later["Message-ID"] == await db.fetchval(
                "SELECT message_id FROM mails ORDER BY id DESC LIMIT 1"
            )
            # The lease runs out: brought forward to now rather than waited for.
            await db.execute("UPDATE mails SET next_attempt_at = now() WHERE state = 'pending'")
            [_, message] = await inbox.wait_for(2)
            await mail_settled(db)  # nothing more comes
    # The killed send never ended: the server kept nothing of it.
    assert len(inbox.messages) == 2
    assert message["To"] == requester.email
    assert message["Message-ID"] == await db.fetchval(
        "SELECT message_id FROM mails ORDER BY id LIMIT 1"
    )
    sent_once = {
        "to_user_id": requester.id,
        "state": "sent",
        "attempts": 1,
        "last_error": None,
        "next_attempt_at": None,
    }
    assert await mail_rows(db) == [sent_once, sent_once]

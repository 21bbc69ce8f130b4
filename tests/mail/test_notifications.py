"""Email notifications sent by a real `helpdesk worker` through a real SMTP server in the
test process (aiosmtpd): who gets which mail, in text and HTML, threaded per ticket, and
retried when the server refuses for a while."""

import asyncio
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.accounts import Account, patch_user
from tests.support.server import WorkerProcess
from tests.support.smtp import WAIT_SECONDS, Inbox, mail_settled, smtp_server
from tests.support.tickets import add_comment, change_ticket, create_ticket, post_comment


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
def mail_worker(database_url: str, tmp_path: Path, inbox: Inbox) -> Iterator[WorkerProcess]:
    with smtp_server(inbox) as port:
        env = {"SMTP_URL": f"smtp://127.0.0.1:{port}", "MAIL_FROM": "Desk <desk@example.test>"}
        with WorkerProcess(database_url, tmp_path / "worker.log", env=env) as process:
            yield process


def text_and_html(message: Message) -> tuple[str, str]:
    parts = {part.get_content_type(): part for part in message.walk()}
    text = parts["text/plain"].get_payload(decode=True)
    html = parts["text/html"].get_payload(decode=True)
    assert isinstance(text, bytes) and isinstance(html, bytes)
    return text.decode(), html.decode()


@pytest.mark.usefixtures("mail_worker")
async def test_the_right_people_get_the_right_mails_threaded_per_ticket(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    inbox: Inbox,
    requester: Account,
    agent: Account,
    other_agent: Account,
    admin: Account,
) -> None:
    ticket = await create_ticket(client, requester, title="Printer <b>jammed</b>")
    await change_ticket(client, agent, ticket["id"], {"assignee_id": agent.id})  # a claim: no mail
    await change_ticket(client, admin, ticket["id"], {"assignee_id": other_agent.id})
    await add_comment(client, other_agent, ticket["id"], "Have you tried turning it off?")
    note = await post_comment(
        client, other_agent, ticket["id"], {"body": "Secret", "internal": True}
    )
    assert note.status_code == 201
    await add_comment(client, requester, ticket["id"], "Yes, twice")
    await change_ticket(client, other_agent, ticket["id"], {"status": "resolved"})

    mails = await inbox.wait_for(4)
    await mail_settled(db)  # nothing more comes
    assert len(inbox.messages) == 4
    # Two senders at once: mails may arrive in another order than they were made.
    sent = sorted((m["To"], m["Subject"]) for m in mails)
    title = "Printer <b>jammed</b>"
    assert sent == sorted(
        [
            (other_agent.email, f"Assigned to you: {title} [#{ticket['id']}]"),
            (requester.email, f"Re: {title} [#{ticket['id']}]"),
            (other_agent.email, f"Re: {title} [#{ticket['id']}]"),
            (requester.email, f"Resolved: {title} [#{ticket['id']}]"),
        ]
    )
    assert all(m["From"] == "Desk <desk@example.test>" for m in mails)
    ids = [m["Message-ID"] for m in mails]
    assert len(set(ids)) == 4
    # The ticket's first mail (the assignment) starts the thread; the others answer it.
    [first] = [m for m in mails if m["In-Reply-To"] is None]
    assert first["Subject"].startswith("Assigned to you")
    others = [m for m in mails if m is not first]
    assert all(m["In-Reply-To"] == first["Message-ID"] for m in others)
    assert all(m["References"] == first["Message-ID"] for m in others)
    [reply] = [m for m in mails if m["To"] == requester.email and m["Subject"].startswith("Re:")]
    text, html = text_and_html(reply)
    assert "Have you tried turning it off?" in text
    assert "Secret" not in text and "Secret" not in html
    assert "&lt;b&gt;jammed&lt;/b&gt;" in html  # escaped in HTML
    assert f"/tickets/{ticket['id']}" in text


async def test_a_refused_mail_is_sent_again(
    client: httpx.AsyncClient,
    database_url: str,
    tmp_path: Path,
    requester: Account,
    agent: Account,
) -> None:
    inbox = Inbox(refuse=1)
    with smtp_server(inbox) as port:
        env = {"SMTP_URL": f"smtp://127.0.0.1:{port}"}
        with WorkerProcess(database_url, tmp_path / "worker.log", env=env):
            ticket = await create_ticket(client, requester)
            await add_comment(client, agent, ticket["id"], "On it")
            [message] = await inbox.wait_for(1)
    assert message["To"] == requester.email
    assert inbox.refuse == 0


async def test_a_mail_to_a_deactivated_account_is_not_sent_but_marked_failed(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    database_url: str,
    tmp_path: Path,
    requester: Account,
    agent: Account,
    admin: Account,
) -> None:
    ticket = await create_ticket(client, requester)
    await add_comment(client, agent, ticket["id"], "On it")  # a mail for the requester
    deactivated = await patch_user(client, admin, requester.id, {"active": False})
    assert deactivated.status_code == 200
    await change_ticket(client, admin, ticket["id"], {"assignee_id": agent.id})

    inbox = Inbox()
    with smtp_server(inbox) as port:
        env = {"SMTP_URL": f"smtp://127.0.0.1:{port}"}
        with WorkerProcess(database_url, tmp_path / "worker.log", env=env):
            [message] = await inbox.wait_for(1)
            await mail_settled(db)  # nothing more comes
    assert len(inbox.messages) == 1
    assert message["To"] == agent.email
    rows = await db.fetch(
        "SELECT to_user_id, state, last_error, next_attempt_at FROM mails ORDER BY id"
    )
    assert [dict(row) for row in rows] == [
        {
            "to_user_id": requester.id,
            "state": "failed",
            "last_error": "the recipient's account is deactivated",
            "next_attempt_at": None,
        },
        {"to_user_id": agent.id, "state": "sent", "last_error": None, "next_attempt_at": None},
    ]


MAY_NOT_SEE = "the recipient may not see the ticket"


async def mails(db: asyncpg.Connection) -> list[dict[str, Any]]:
    rows = await db.fetch("SELECT to_user_id, kind, state, last_error FROM mails ORDER BY id")
    return [dict(row) for row in rows]


@pytest.mark.usefixtures("mail_worker")
async def test_an_agent_demoted_after_claiming_a_ticket_is_not_mailed_its_replies(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    inbox: Inbox,
    requester: Account,
    agent: Account,
    admin: Account,
) -> None:
    ticket = await create_ticket(client, requester)
    await change_ticket(client, agent, ticket["id"], {"assignee_id": agent.id})
    demoted = await patch_user(client, admin, agent.id, {"role": "user"})
    assert demoted.status_code == 200, demoted.text
    assert demoted.json()["role"] == "user"

    await add_comment(client, requester, ticket["id"], "Any news?")  # to the assignee
    await add_comment(client, admin, ticket["id"], "Looking into it")  # to the requester
    await inbox.wait_for(1)
    await mail_settled(db)  # nothing more comes
    assert [message["To"] for message in inbox.messages] == [requester.email]
    assert await mails(db) == [
        {
            "to_user_id": agent.id,
            "kind": "requester_replied",
            "state": "failed",
            "last_error": MAY_NOT_SEE,
        },
        {"to_user_id": requester.id, "kind": "reply", "state": "sent", "last_error": None},
    ]


async def test_a_mail_is_not_sent_to_an_agent_demoted_before_it_goes_out(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    database_url: str,
    tmp_path: Path,
    requester: Account,
    agent: Account,
    admin: Account,
) -> None:
    inbox = Inbox(refuse=1)  # the first attempt is refused: the mail waits for its retry
    with smtp_server(inbox) as port:
        env = {"SMTP_URL": f"smtp://127.0.0.1:{port}"}
        with WorkerProcess(database_url, tmp_path / "worker.log", env=env):
            ticket = await create_ticket(client, requester)
            await change_ticket(client, agent, ticket["id"], {"assignee_id": agent.id})
            await add_comment(client, requester, ticket["id"], "Any news?")
            for _ in range(WAIT_SECONDS * 20):
                made = await mails(db)
                if inbox.refuse == 0 and made and made[0]["last_error"] is not None:
                    break
                await asyncio.sleep(0.05)
            assert made == [
                {
                    "to_user_id": agent.id,
                    "kind": "requester_replied",
                    "state": "pending",
                    "last_error": made[0]["last_error"],
                }
            ]
            demoted = await patch_user(client, admin, agent.id, {"role": "user"})
            assert demoted.status_code == 200, demoted.text

            for _ in range(WAIT_SECONDS * 20):
                made = await mails(db)
                if made[0]["state"] != "pending":
                    break
                await asyncio.sleep(0.05)
    assert inbox.messages == []
    assert made == [
        {
            "to_user_id": agent.id,
            "kind": "requester_replied",
            "state": "failed",
            "last_error": MAY_NOT_SEE,
        }
    ]

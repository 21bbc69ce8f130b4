"""PATCH with a `comment`: the reply and the change in one transaction under one If-Match
("send and resolve"), a new version every time, so the same request sent twice posts once."""

from typing import Any

import asyncpg
import httpx
import pytest

from helpdesk.config import Settings
from tests.support.accounts import Account, Accounts
from tests.support.apps import asgi_client, counting_statements
from tests.support.db import count_rows
from tests.support.responses import TICKET_FIELDS, assert_error
from tests.support.tickets import TICKETS, change_ticket, create_ticket, get_ticket


async def patch(
    client: httpx.AsyncClient, account: Account, ticket: dict[str, Any], body: Any
) -> httpx.Response:
    return await client.patch(
        f"{TICKETS}/{ticket['id']}",
        json=body,
        headers={**account.headers, "If-Match": f'"{ticket["version"]}"'},
    )


async def test_send_and_resolve_is_one_request(
    client: httpx.AsyncClient, requester: Account, agent: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    ticket = await change_ticket(client, agent, ticket["id"], {"assignee_id": agent.id})

    response = await patch(
        client, agent, ticket, {"status": "resolved", "comment": {"body": "Fixed: new toner"}}
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == TICKET_FIELDS
    assert (body["status"], body["version"]) == ("resolved", ticket["version"] + 1)
    assert response.headers["ETag"] == f'"{body["version"]}"'
    assert body["first_responded_at"] is not None
    detail = await get_ticket(client, requester, ticket["id"])
    assert [c["body"] for c in detail["comments"]] == ["Fixed: new toner"]
    assert [e["action"] for e in detail["timeline"]][-2:] == ["ticket.updated", "comment.created"]


async def test_a_reply_alone_moves_the_version_so_a_retry_is_a_conflict(
    client: httpx.AsyncClient, requester: Account, agent: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    sent = {"comment": {"body": "Any news?"}}

    first = await patch(client, requester, ticket, sent)
    again = await patch(client, requester, ticket, sent)

    assert first.status_code == 200, first.text
    assert first.json()["version"] == ticket["version"] + 1
    assert_error(again, 409, "OPTIMISTIC_LOCK")
    assert await count_rows(db, "comments") == 1
    actions = [row["action"] for row in await db.fetch("SELECT action FROM timeline_logs")]
    assert actions == ["ticket.created", "comment.created"]  # no empty ticket.updated


async def test_a_requester_sends_a_comment_with_a_change_of_their_own_ticket(
    client: httpx.AsyncClient, requester: Account
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch(
        client, requester, ticket, {"title": "Printer jammed again", "comment": {"body": "Sorry"}}
    )
    assert response.status_code == 200, response.text
    detail = await get_ticket(client, requester, ticket["id"])
    assert detail["title"] == "Printer jammed again"
    assert detail["comments"][0]["author"] == requester.person


async def test_a_requesters_reply_by_patch_reopens_a_pending_ticket(
    client: httpx.AsyncClient, requester: Account, agent: Account
) -> None:
    ticket = await create_ticket(client, requester)
    await change_ticket(client, agent, ticket["id"], {"assignee_id": agent.id})
    pending = await change_ticket(client, agent, ticket["id"], {"status": "pending"})

    response = await patch(client, requester, pending, {"comment": {"body": "Here it is"}})

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "open"
    assert response.json()["sla_paused"] is False


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        pytest.param(
            {"comment": {"body": "x", "internal": True}},
            403,
            "FORBIDDEN",
            "comment.internal",
            id="requester-internal-note",
        ),
        pytest.param(
            {"status": "closed", "comment": {"body": "Closing it myself"}},
            403,
            "FORBIDDEN",
            "status",
            id="requester-status",
        ),
        pytest.param(
            {"comment": {"body": "  "}}, 400, "FIELD_REQUIRED", "comment.body", id="blank"
        ),
        pytest.param({"comment": None}, 400, "FIELD_INVALID", "comment", id="null"),
        pytest.param({"comment": "text"}, 400, "FIELD_INVALID", "comment", id="not-object"),
        pytest.param(
            {"comment": {"body": "x", "author_id": 1}},
            400,
            "FIELD_INVALID",
            "comment.author_id",
            id="unknown-field",
        ),
    ],
)
async def test_a_refused_reply_changes_nothing(
    client: httpx.AsyncClient,
    requester: Account,
    db: asyncpg.Connection,
    body: Any,
    status: int,
    code: str,
    field: str,
) -> None:
    ticket = await create_ticket(client, requester)
    response = await patch(client, requester, ticket, body)
    assert_error(response, status, code, field)
    assert await count_rows(db, "comments") == 0
    after = await get_ticket(client, requester, ticket["id"])
    assert (after["version"], after["status"]) == (ticket["version"], "open")


async def test_a_stale_version_posts_no_comment(
    client: httpx.AsyncClient, requester: Account, agent: Account, db: asyncpg.Connection
) -> None:
    ticket = await create_ticket(client, requester)
    await change_ticket(client, agent, ticket["id"], {"assignee_id": agent.id})
    response = await patch(
        client, agent, ticket, {"status": "resolved", "comment": {"body": "Done"}}
    )
    assert_error(response, 409, "OPTIMISTIC_LOCK")
    assert await count_rows(db, "comments") == 0


async def test_an_internal_note_with_a_change(
    client: httpx.AsyncClient, requester: Account, agent: Account
) -> None:
    ticket = await create_ticket(client, requester)
    ticket = await change_ticket(client, agent, ticket["id"], {"assignee_id": agent.id})
    response = await patch(
        client,
        agent,
        ticket,
        {"status": "on_hold", "comment": {"body": "Waiting on the vendor", "internal": True}},
    )
    assert response.status_code == 200, response.text
    assert response.json()["sla_paused"] is True
    assert (await get_ticket(client, requester, ticket["id"]))["comments"] == []
    staff_view = await get_ticket(client, agent, ticket["id"])
    assert [c["internal"] for c in staff_view["comments"]] == [True]


async def test_a_status_sent_with_the_requesters_own_reply_stands(
    client: httpx.AsyncClient, admin: Account
) -> None:
    """An admin who opened the ticket resolves it with a last word: the reply does not
    reopen what the same request resolved."""
    ticket = await create_ticket(client, admin)
    response = await patch(
        client, admin, ticket, {"status": "resolved", "comment": {"body": "Done myself"}}
    )
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["version"]) == (
        "resolved",
        ticket["version"] + 1,
    )


# --- one write of the ticket --------------------------------------------------------------

TICKET_WRITE = "UPDATE tickets SET"
TICKET_READ = "FROM tickets"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"status": "resolved", "comment": {"body": "Fixed"}}, id="send-and-resolve"),
        pytest.param({"comment": {"body": "Looking at it"}}, id="reply-alone"),
        pytest.param({"status": "pending", "comment": {"body": "Which printer?"}}, id="pause"),
    ],
)
async def test_a_patch_with_a_reply_writes_the_ticket_once_and_answers_from_that_write(
    settings: Settings, accounts: Accounts, body: dict[str, Any]
) -> None:
    """The change, the version and the desk's first response are one UPDATE; the answer is
    what it returned, not a read after it (the comment's words are the search's own write)."""
    requester, agent = await accounts.create(), await accounts.create("agent")
    async with counting_statements(settings) as (app, statements), asgi_client(app) as client:
        ticket = await create_ticket(client, requester)
        ticket = await change_ticket(client, agent, ticket["id"], {"assignee_id": agent.id})
        statements.clear()
        response = await patch(client, agent, ticket, body)
        patched = list(statements)
        detail = await get_ticket(client, agent, ticket["id"])

    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["version"] == ticket["version"] + 1
    assert answer["first_responded_at"] is not None
    assert answer["status"] == body.get("status", "open")
    assert {key: detail[key] for key in answer if key != "allowed_fields"} == {
        key: value for key, value in answer.items() if key != "allowed_fields"
    }
    changes = [s for s in patched if TICKET_WRITE in s and "version=" in s]
    assert len(changes) == 1, patched
    after = patched[patched.index(changes[0]) + 1 :]
    assert not [s for s in after if TICKET_READ in s and TICKET_WRITE not in s], after


async def test_a_requesters_reply_by_patch_reopens_in_the_same_version(
    client: httpx.AsyncClient, requester: Account, agent: Account
) -> None:
    """One request, one version: the reopening is written with the reply's own change, and
    recorded before the comment, as the change it made."""
    ticket = await create_ticket(client, requester)
    await change_ticket(client, agent, ticket["id"], {"assignee_id": agent.id})
    resolved = await change_ticket(client, agent, ticket["id"], {"status": "resolved"})

    response = await patch(client, requester, resolved, {"comment": {"body": "Still jams"}})

    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["version"]) == (
        "open",
        resolved["version"] + 1,
    )
    timeline = (await get_ticket(client, agent, ticket["id"]))["timeline"]
    assert [(e["action"], e["actor"]["id"]) for e in timeline][-2:] == [
        ("ticket.updated", requester.id),
        ("comment.created", requester.id),
    ]
    assert timeline[-2]["meta"]["changes"]["status"] == {"old": "resolved", "new": "open"}

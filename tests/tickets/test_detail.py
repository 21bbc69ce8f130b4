"""GET /api/tickets/{id}: the ticket with its comments and timeline, its ETag, and who may
read it."""

import json
from datetime import datetime
from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.accounts import Account, Accounts
from tests.support.responses import (
    COMMENT_FIELDS,
    ISO_8601_WITH_OFFSET,
    TICKET_FIELDS,
    as_a_requester_reads,
    assert_error,
)
from tests.support.tickets import (
    TICKETS,
    TITLE,
    add_comment,
    change_ticket,
    create_ticket,
    get_ticket,
    patch_ticket,
    post_comment,
)


async def get_detail(
    client: httpx.AsyncClient, account: Account, ticket_id: int | str
) -> httpx.Response:
    return await client.get(f"{TICKETS}/{ticket_id}", headers=account.headers)


# --- what the detail holds -------------------------------------------------------------------


async def test_detail_has_the_ticket_fields_with_comments_and_timeline(
    client: httpx.AsyncClient, requester: Account
) -> None:
    ticket = await create_ticket(client, requester, title="VPN drops", description="Hourly")

    response = await get_detail(client, requester, ticket["id"])

    assert response.status_code == 200, response.text
    detail = response.json()
    assert set(detail) == TICKET_FIELDS | {"follow_ups", "comments", "timeline"}
    assert {field: detail[field] for field in TICKET_FIELDS} == ticket
    assert detail["comments"] == []
    assert [entry["action"] for entry in detail["timeline"]] == ["ticket.created"]


async def test_detail_sends_etag_with_the_quoted_version(
    client: httpx.AsyncClient, requester: Account
) -> None:
    ticket = await create_ticket(client, requester)

    response = await get_detail(client, requester, ticket["id"])

    assert response.headers["ETag"] == '"1"'


async def test_detail_etag_follows_the_version_after_an_update(
    client: httpx.AsyncClient, requester: Account
) -> None:
    ticket = await create_ticket(client, requester)
    for version in (1, 2):
        patched = await patch_ticket(
            client, requester, ticket["id"], {"title": f"Renamed {version}"}, f'"{version}"'
        )
        assert patched.status_code == 200, patched.text

    response = await get_detail(client, requester, ticket["id"])

    assert response.status_code == 200, response.text
    assert response.json()["version"] == 3
    assert response.headers["ETag"] == '"3"'


async def test_comments_do_not_change_the_etag(
    client: httpx.AsyncClient, requester: Account
) -> None:
    ticket = await create_ticket(client, requester)
    await add_comment(client, requester, ticket["id"], "Any news?")

    response = await get_detail(client, requester, ticket["id"])

    assert response.json()["version"] == 1
    assert response.headers["ETag"] == '"1"'


async def test_detail_comments_are_oldest_first_with_their_fields(
    client: httpx.AsyncClient, requester: Account, agent: Account
) -> None:
    ticket = await create_ticket(client, requester)
    first = await add_comment(client, requester, ticket["id"], "It happened again")
    second = await add_comment(client, agent, ticket["id"], "Looking into it")
    note = await post_comment(
        client, agent, ticket["id"], {"body": "Staff only: a known bug", "internal": True}
    )
    assert note.status_code == 201, note.text
    third = await add_comment(client, requester, ticket["id"], "Thanks")

    comments = (await get_detail(client, requester, ticket["id"])).json()["comments"]

    assert comments == [as_a_requester_reads(c) for c in (first, second, third)]
    assert set(comments[0]) == COMMENT_FIELDS
    assert [c["author_id"] for c in comments] == [requester.id, agent.id, requester.id]
    assert [c["author"] for c in comments] == [requester.person, agent.person, requester.person]
    # The agent's internal note, between the second and the third, is not the requester's.
    assert note.json()["id"] not in [c["id"] for c in comments]
    staff_sees = (await get_detail(client, agent, ticket["id"])).json()["comments"]
    assert [c["internal"] for c in staff_sees] == [False, False, True, False]
    assert not any(c["internal"] for c in comments)
    assert all(c["ticket_id"] == ticket["id"] for c in comments)


async def test_detail_shows_only_the_tickets_own_comments(
    client: httpx.AsyncClient, requester: Account
) -> None:
    ticket = await create_ticket(client, requester)
    other = await create_ticket(client, requester)
    mine = await add_comment(client, requester, ticket["id"], "On this ticket")
    await add_comment(client, requester, other["id"], "On the other ticket")

    comments = (await get_detail(client, requester, ticket["id"])).json()["comments"]

    assert comments == [mine]


async def test_detail_timeline_is_oldest_first(
    client: httpx.AsyncClient, requester: Account, agent: Account
) -> None:
    ticket = await create_ticket(client, requester)
    await add_comment(client, agent, ticket["id"], "Looking into it")
    patched = await patch_ticket(client, requester, ticket["id"], {"title": "Renamed"})
    assert patched.status_code == 200, patched.text

    timeline = (await get_detail(client, requester, ticket["id"])).json()["timeline"]

    assert [(e["action"], e["actor_id"], e["actor"]) for e in timeline] == [
        ("ticket.created", requester.id, requester.person),
        ("comment.created", agent.id, agent.person),
        ("ticket.updated", requester.id, requester.person),
    ]
    stamps = [datetime.fromisoformat(e["created_at"]) for e in timeline]
    assert stamps == sorted(stamps)
    assert all(e["ticket_id"] == ticket["id"] for e in timeline)
    assert timeline[2]["meta"]["changes"]["title"] == {"old": TITLE, "new": "Renamed"}


async def test_detail_timestamps_are_iso_8601_with_an_offset(
    client: httpx.AsyncClient, requester: Account
) -> None:
    ticket = await create_ticket(client, requester)
    await add_comment(client, requester, ticket["id"], "A comment")

    detail = (await get_detail(client, requester, ticket["id"])).json()

    stamps = [detail["created_at"], detail["updated_at"], detail["due_at"]]
    stamps += [c["created_at"] for c in detail["comments"]]
    stamps += [e["created_at"] for e in detail["timeline"]]
    for stamp in stamps:
        assert ISO_8601_WITH_OFFSET.fullmatch(stamp), stamp


# --- who may read it -------------------------------------------------------------------------


@pytest.mark.parametrize("reader", ["requester", "agent", "admin"])
async def test_the_requester_and_staff_may_read_the_ticket(
    client: httpx.AsyncClient, accounts: Accounts, requester: Account, reader: str
) -> None:
    account = requester if reader == "requester" else await accounts.create(reader)
    ticket = await create_ticket(client, requester)

    response = await get_detail(client, account, ticket["id"])

    assert response.status_code == 200, response.text
    assert response.json()["id"] == ticket["id"]
    assert response.json()["requester_id"] == requester.id
    assert response.headers["ETag"] == '"1"'


async def test_users_get_not_found_for_another_users_ticket(
    client: httpx.AsyncClient, requester: Account, other_user: Account
) -> None:
    theirs = await create_ticket(client, other_user)

    response = await get_detail(client, requester, theirs["id"])

    assert_error(response, 404, "NOT_FOUND")
    assert "ETag" not in response.headers


async def test_another_users_ticket_looks_the_same_as_a_missing_one(
    client: httpx.AsyncClient, requester: Account, other_user: Account
) -> None:
    theirs = await create_ticket(client, other_user)

    hidden = await get_detail(client, requester, theirs["id"])
    missing = await get_detail(client, requester, theirs["id"] + 1000)

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


async def test_missing_ticket_is_not_found(client: httpx.AsyncClient, agent: Account) -> None:
    response = await get_detail(client, agent, 999)

    assert_error(response, 404, "NOT_FOUND")


@pytest.mark.parametrize("ticket_id", ["abc", "0", "-1", "1.5", "99999999999", "1%20OR%201=1"])
async def test_ticket_id_that_cannot_exist_is_not_found(
    client: httpx.AsyncClient, agent: Account, ticket_id: str
) -> None:
    await create_ticket(client, agent)

    response = await get_detail(client, agent, ticket_id)

    assert_error(response, 404, "NOT_FOUND")


async def test_detail_without_a_token_is_unauthorized(
    client: httpx.AsyncClient, requester: Account
) -> None:
    ticket = await create_ticket(client, requester)

    response = await client.get(f"{TICKETS}/{ticket['id']}")

    assert_error(response, 401, "UNAUTHORIZED")


def history(detail: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(entry["action"], entry["meta"]) for entry in detail["timeline"]]


def changed(version: int, **changes: tuple[Any, Any]) -> tuple[str, dict[str, Any]]:
    """A ticket.updated entry as the timeline shows it."""
    diff = {field: {"old": old, "new": new} for field, (old, new) in changes.items()}
    return "ticket.updated", {"changes": diff, "version": version}


async def test_a_requesters_timeline_leaves_out_the_sla_bookkeeping(
    client: httpx.AsyncClient,
    requester: Account,
    agent: Account,
    admin: Account,
    db: asyncpg.Connection,
) -> None:
    """A pause and a resumption, a priority change that moves the target, a change of the
    target alone: the requester sees the status and priority changes and the public reply,
    no sla.* entry and no target or due date; staff see every entry as written."""
    ticket = await create_ticket(client, requester, title="Printer jams", priority="medium")
    for change in (
        {"status": "pending"},
        {"status": "open"},
        {"priority": "low"},
        {"sla_minutes": 5000},
        {"assignee_id": agent.id, "status": "in_progress"},
    ):
        await change_ticket(client, admin, ticket["id"], change)
    await add_comment(client, agent, ticket["id"], "Replaced the roller")

    mine = await get_ticket(client, requester, ticket["id"])

    assert history(mine) == [
        (
            "ticket.created",
            {"title": "Printer jams", "status": "open", "priority": "medium", "assignee_id": None},
        ),
        changed(2, status=("open", "pending")),
        changed(3, status=("pending", "open")),
        changed(4, priority=("medium", "low")),
        changed(6, status=("open", "in_progress"), assignee_id=(None, agent.id)),
        ("comment.created", {"comment_id": mine["comments"][0]["id"], "internal": False}),
    ]
    staff = await get_ticket(client, agent, ticket["id"])
    actions = [action for action, _ in history(staff)]
    assert actions == [
        "ticket.created",
        "ticket.updated",
        "sla.paused",
        "ticket.updated",
        "sla.resumed",
        "ticket.updated",
        "ticket.updated",
        "ticket.updated",
        "comment.created",
    ]
    assert history(staff)[5][1]["changes"]["sla_minutes"] == {"old": 1440, "new": 4320}
    assert history(staff)[6][1]["changes"]["sla_minutes"] == {"old": 4320, "new": 5000}
    stored = await db.fetch(
        "SELECT action, meta FROM timeline_logs WHERE ticket_id = $1 ORDER BY id", ticket["id"]
    )
    assert [(row["action"], json.loads(row["meta"])) for row in stored] == history(staff)

"""Every ticket the API shows carries `allowed_fields`: what the caller may change in a
PATCH as the ticket stands, from the rule tickets/permissions.py enforces, so a client
never keeps a copy of it. And `breached` is read from PostgreSQL's clock with the ticket,
so it agrees with ?breached= on every ticket."""

from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.accounts import Account
from tests.support.responses import assert_error
from tests.support.tickets import BREACHED, TICKETS, create_ticket, patch_ticket

ADMIN = ["title", "description", "status", "priority", "assignee_id", "sla_minutes"]
AGENT = ["status", "priority", "assignee_id"]
REQUESTER = ["title", "description"]


async def _shown(client: httpx.AsyncClient, account: Account, ticket_id: int) -> list[str]:
    """allowed_fields as the caller sees it on the ticket page and in the list."""
    detail = await client.get(f"{TICKETS}/{ticket_id}", headers=account.headers)
    assert detail.status_code == 200, detail.text
    listed = await client.get(TICKETS, headers=account.headers)
    assert listed.status_code == 200, listed.text
    [in_list] = [t for t in listed.json()["items"] if t["id"] == ticket_id]
    assert in_list["allowed_fields"] == detail.json()["allowed_fields"]
    fields: list[str] = detail.json()["allowed_fields"]
    return fields


async def _claimed_by(client: httpx.AsyncClient, agent: Account, ticket_id: int) -> dict[str, Any]:
    claimed = await patch_ticket(client, agent, ticket_id, {"assignee_id": agent.id})
    assert claimed.status_code == 200, claimed.text
    ticket: dict[str, Any] = claimed.json()
    return ticket


async def test_each_caller_sees_what_they_may_change(
    client: httpx.AsyncClient,
    requester: Account,
    other_user: Account,
    agent: Account,
    other_agent: Account,
    admin: Account,
) -> None:
    ticket = await create_ticket(client, requester)
    assert ticket["allowed_fields"] == REQUESTER  # in the creation's answer too
    assert await _shown(client, requester, ticket["id"]) == REQUESTER
    assert await _shown(client, admin, ticket["id"]) == ADMIN
    # Unassigned: an agent may take it (assign it to themselves), nothing else yet.
    assert await _shown(client, agent, ticket["id"]) == ["assignee_id"]

    claimed = await _claimed_by(client, agent, ticket["id"])
    assert claimed["allowed_fields"] == AGENT
    assert await _shown(client, agent, ticket["id"]) == AGENT
    assert await _shown(client, other_agent, ticket["id"]) == []
    detail = await client.get(f"{TICKETS}/{ticket['id']}", headers=other_user.headers)
    assert_error(detail, 404, "NOT_FOUND")


@pytest.mark.parametrize("caller", ["other_agent", "requester"])
async def test_a_field_not_offered_is_refused(
    client: httpx.AsyncClient,
    requester: Account,
    agent: Account,
    other_agent: Account,
    caller: str,
) -> None:
    """What allowed_fields leaves out, the PATCH refuses: the two never disagree."""
    ticket = await create_ticket(client, requester)
    await _claimed_by(client, agent, ticket["id"])
    account = {"other_agent": other_agent, "requester": requester}[caller]
    assert "status" not in await _shown(client, account, ticket["id"])

    refused = await patch_ticket(client, account, ticket["id"], {"status": "resolved"}, '"2"')

    assert_error(refused, 403, "FORBIDDEN", "status")


async def _listed(
    client: httpx.AsyncClient, account: Account, path: str, params: dict[str, str]
) -> list[dict[str, Any]]:
    response = await client.get(path, params={**params, "limit": "100"}, headers=account.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_breached_on_each_ticket_agrees_with_the_filter_at_its_due_time(
    client: httpx.AsyncClient, db: asyncpg.Connection, agent: Account
) -> None:
    """Tickets due within the last and next few milliseconds: whatever the clock says,
    each ticket's `breached` is the filter's answer for it, in both lists."""
    ids: dict[int, int] = {}
    for offset_ms in range(-40, 41, 4):
        ids[offset_ms] = await db.fetchval(
            "INSERT INTO tickets (title, requester_id, sla_minutes, due_at, "
            "first_response_minutes, sla_remaining, sla_started_at) "
            "VALUES ('Due now', $1, 0, now() + make_interval(secs => $2::float / 1000), 0, "
            "make_interval(secs => $2::float / 1000), now()) "
            "RETURNING id",
            agent.id,
            offset_ms,
        )
    # Due before any read below: breached at every one of them.
    overdue = {ticket_id for offset_ms, ticket_id in ids.items() if offset_ms < 0}
    assert overdue
    for _ in range(5):
        # On time first: a ticket falls due between the two reads, never back, so each
        # ticket is in one of the two answers at least.
        on_time = await _listed(client, agent, TICKETS, {"breached": "false"})
        late = await _listed(client, agent, TICKETS, {"breached": "true"})
        assert [t["breached"] for t in on_time] == [False] * len(on_time)
        assert [t["breached"] for t in late] == [True] * len(late)
        assert {t["id"] for t in on_time} | {t["id"] for t in late} == set(ids.values())
        assert overdue <= {t["id"] for t in late}

        breached = await _listed(client, agent, BREACHED, {})
        assert [t["breached"] for t in breached] == [True] * len(breached)
        assert overdue <= {t["id"] for t in breached}

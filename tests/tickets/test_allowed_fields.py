"""Every ticket the API shows carries `allowed_fields`: what the caller may change in a
PATCH as the ticket stands, from the rule tickets/permissions.py enforces, so a client
never keeps a copy of it. And `breached` is read from PostgreSQL's clock with the ticket,
so it agrees with ?breached= on every ticket."""

import asyncpg
import httpx
import pytest

from tests.support.accounts import Account
from tests.support.tickets import create_ticket

ADMIN = ["title", "description", "status", "priority", "assignee_id", "sla_minutes"]
AGENT = ["status", "priority", "assignee_id"]
REQUESTER = ["title", "description"]


async def _shown(client: httpx.AsyncClient, account: Account, ticket_id: int) -> list[str]:
    """allowed_fields as the caller sees it on the ticket page and in the list."""
    detail = await client.get(f"/api/tickets/{ticket_id}", headers=account.headers)
    assert detail.status_code == 200, detail.text
    listed = await client.get("/api/tickets", headers=account.headers)
    [in_list] = [t for t in listed.json()["items"] if t["id"] == ticket_id]
    assert in_list["allowed_fields"] == detail.json()["allowed_fields"]
    fields: list[str] = detail.json()["allowed_fields"]
    return fields


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

    claimed = await client.patch(
        f"/api/tickets/{ticket['id']}",
        json={"assignee_id": agent.id},
        headers={**agent.headers, "If-Match": '"1"'},
    )
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["allowed_fields"] == AGENT
    assert await _shown(client, agent, ticket["id"]) == AGENT
    assert await _shown(client, other_agent, ticket["id"]) == []
    detail = await client.get(f"/api/tickets/{ticket['id']}", headers=other_user.headers)
    assert detail.status_code == 404


@pytest.mark.parametrize(
    ("caller", "field", "value"),
    [("other_agent", "status", "resolved"), ("requester", "status", "resolved")],
)
async def test_a_field_not_offered_is_refused(
    client: httpx.AsyncClient,
    requester: Account,
    agent: Account,
    other_agent: Account,
    caller: str,
    field: str,
    value: str,
) -> None:
    """What allowed_fields leaves out, the PATCH refuses: the two never disagree."""
    ticket = await create_ticket(client, requester, assignee_id=None)
    await client.patch(
        f"/api/tickets/{ticket['id']}",
        json={"assignee_id": agent.id},
        headers={**agent.headers, "If-Match": '"1"'},
    )
    account = {"other_agent": other_agent, "requester": requester}[caller]
    assert field not in await _shown(client, account, ticket["id"])
    refused = await client.patch(
        f"/api/tickets/{ticket['id']}",
        json={field: value},
        headers={**account.headers, "If-Match": '"2"'},
    )
    assert refused.status_code == 403, refused.text


async def test_breached_on_each_ticket_agrees_with_the_filter_at_its_due_time(
    client: httpx.AsyncClient, db: asyncpg.Connection, agent: Account
) -> None:
    """Tickets due within the last and next few milliseconds: whatever the clock says,
    each ticket's `breached` is the filter's answer for it, in both lists."""
    for offset_ms in range(-40, 41, 4):
        await db.execute(
            "INSERT INTO tickets (title, requester_id, sla_minutes, due_at) "
            "VALUES ('Due now', $1, 0, now() + make_interval(secs => $2::float / 1000))",
            agent.id,
            offset_ms,
        )
    for _ in range(5):
        for flag in ("true", "false"):
            response = await client.get(
                "/api/tickets", params={"breached": flag, "limit": 100}, headers=agent.headers
            )
            assert {t["breached"] for t in response.json()["items"]} <= {flag == "true"}
        breached = await client.get(
            "/api/tickets/breached", params={"limit": 100}, headers=agent.headers
        )
        assert all(t["breached"] for t in breached.json()["items"])
